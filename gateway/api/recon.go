package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/claimsgw/claimsgw/gateway"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Reconciliation and exceptions: docs/reconciliation.md.

// Report is a reconciliation report in the forms the API and the CLI give
// it: a JSON value, and columns and rows for CSV and tables.
type Report struct {
	Name    string   // file name stem of a CSV download
	Title   string   // a line above a table, "" for none
	JSON    any      // the JSON answer
	Columns []string // CSV and table header
	Rows    [][]string
	Right   []bool // columns to right-align in a table (money and counts)
	Next    string // the cursor of the next page, "" on the last
}

// WriteCSV writes a report's columns and rows as CSV.
func WriteCSV(w io.Writer, rep Report) error {
	cw := csv.NewWriter(w)
	cw.Write(rep.Columns)
	cw.WriteAll(rep.Rows)
	return cw.Error()
}

func cents(c money.Cents) string { return c.String() }
func itoa(n int) string          { return strconv.Itoa(n) }
func itoa64(n int64) string      { return strconv.FormatInt(n, 10) }

// right marks the named columns of a report for right alignment.
func right(cols []string, names ...string) []bool {
	out := make([]bool, len(cols))
	for i, c := range cols {
		for _, n := range names {
			if c == n {
				out[i] = true
			}
		}
	}
	return out
}

type paymentClaimJSON struct {
	PaymentID        int64       `json:"payment_id"`
	ClaimID          string      `json:"claim_id"`
	PCN              string      `json:"pcn"`
	Position         int         `json:"position"`
	StatusCode       string      `json:"status_code"`
	Charge           money.Cents `json:"charge"`
	Paid             money.Cents `json:"paid"`
	PatientResp      money.Cents `json:"patient_responsibility"`
	PayerClaimNumber string      `json:"payer_claim_number"`
}

type plbJSON struct {
	ProviderID       string      `json:"provider_id"`
	FiscalPeriodDate string      `json:"fiscal_period_date"`
	Reason           string      `json:"reason"`
	Reference        string      `json:"reference"`
	Amount           money.Cents `json:"amount"`
	ClaimID          string      `json:"claim_id"`
	Position         int         `json:"position"`
}

func toPLBs(ps []ledger.ProviderAdjustment) []plbJSON {
	out := []plbJSON{}
	for _, p := range ps {
		out = append(out, plbJSON{p.ProviderID, p.FiscalPeriodDate, p.Reason, p.Reference, p.Amount, p.ClaimID, p.Position})
	}
	return out
}

type paymentJSON struct {
	RemittanceID  int64              `json:"remittance_id"`
	PayerID       string             `json:"payer_id"`
	TraceNumber   string             `json:"trace_number"`
	OriginatorID  string             `json:"originator_id"`
	PaymentDate   string             `json:"payment_date"`
	CreditDebit   string             `json:"credit_debit"`
	Method        string             `json:"method"`
	InboundSHA256 string             `json:"inbound_sha256"`
	ST02          string             `json:"st02"`
	Amount        money.Cents        `json:"amount"`
	ClaimsPaid    money.Cents        `json:"claims_paid"`
	PLB           money.Cents        `json:"provider_adjustments_total"`
	Expected      money.Cents        `json:"expected"`
	Difference    money.Cents        `json:"difference"`
	Balanced      bool               `json:"balanced"`
	MatchedPaid   money.Cents        `json:"matched_paid"`
	UnmatchedPaid money.Cents        `json:"unmatched_paid"`
	Claims        []paymentClaimJSON `json:"claims"`
	PLBs          []plbJSON          `json:"provider_adjustments,omitempty"`
	Exceptions    []exceptionJSON    `json:"exceptions,omitempty"`
}

func toPayment(p ledger.PaymentBalance, detail bool) paymentJSON {
	out := paymentJSON{
		RemittanceID: p.RemittanceID, PayerID: p.PayerID, TraceNumber: p.TraceNumber, OriginatorID: p.OriginatorID,
		PaymentDate: p.PaymentDate, CreditDebit: p.CreditDebit, Method: p.Method, InboundSHA256: p.InboundSHA256, ST02: p.ST02,
		Amount: p.Amount, ClaimsPaid: p.ClaimsPaid, PLB: p.PLB, Expected: p.Expected, Difference: p.Difference, Balanced: p.Balanced,
		MatchedPaid: p.MatchedPaid, UnmatchedPaid: p.UnmatchedPaid, Claims: []paymentClaimJSON{},
	}
	for _, c := range p.Claims {
		out.Claims = append(out.Claims, paymentClaimJSON{c.PaymentID, c.ClaimID, c.PCN, c.Position, c.StatusCode, c.Charge, c.Paid, c.PatientResp, c.PayerClaimNumber})
	}
	if detail {
		out.PLBs = toPLBs(p.ProviderAdjustments)
		out.Exceptions = toExceptions(p.Exceptions)
	}
	return out
}

// PaymentsReport is a page of payments: one row per payment.
func PaymentsReport(ps []ledger.PaymentBalance, next string) Report {
	cols := []string{"remittance_id", "payer_id", "trace_number", "payment_date", "method", "amount", "claims_paid", "plb", "expected",
		"difference", "balanced", "matched_paid", "unmatched_paid", "claims"}
	rep := Report{Name: "payments", Columns: cols, Next: next,
		Right: right(cols, "remittance_id", "amount", "claims_paid", "plb", "expected", "difference", "matched_paid", "unmatched_paid", "claims")}
	page := struct {
		Payments []paymentJSON `json:"payments"`
		Next     string        `json:"next"`
	}{Payments: []paymentJSON{}, Next: next}
	for _, p := range ps {
		page.Payments = append(page.Payments, toPayment(p, false))
		rep.Rows = append(rep.Rows, []string{itoa64(p.RemittanceID), p.PayerID, p.TraceNumber, p.PaymentDate, p.Method, cents(p.Amount),
			cents(p.ClaimsPaid), cents(p.PLB), cents(p.Expected), cents(p.Difference), strconv.FormatBool(p.Balanced),
			cents(p.MatchedPaid), cents(p.UnmatchedPaid), itoa(len(p.Claims))})
	}
	rep.JSON = page
	return rep
}

// PaymentReport is one payment's balance, one row per item of the sum
// BPR02 = Σ CLP04 − Σ PLB: the CLPs, the unmatched CLPs, the PLBs, then the
// expected amount and the difference.
func PaymentReport(p *ledger.PaymentBalance) Report {
	cols := []string{"item", "claim_id", "pcn", "code", "position", "amount"}
	rep := Report{Name: "payment-" + p.TraceNumber, JSON: toPayment(*p, true), Columns: cols, Right: right(cols, "position", "amount"),
		Title: fmt.Sprintf("payment %s of %s on %s (remittance %d, %s, 835 ST02 %s): %s", p.TraceNumber, p.PayerID, p.PaymentDate,
			p.RemittanceID, p.Method, p.ST02, map[bool]string{true: "balanced", false: "unbalanced by " + p.Difference.String()}[p.Balanced])}
	add := func(item, claim, pcn, code string, pos int, amount money.Cents) {
		ps := ""
		if pos > 0 {
			ps = itoa(pos)
		}
		rep.Rows = append(rep.Rows, []string{item, claim, pcn, code, ps, cents(amount)})
	}
	add("BPR02", "", "", p.CreditDebit, 0, p.Amount)
	for _, c := range p.Claims {
		add("CLP04", c.ClaimID, c.PCN, c.StatusCode, c.Position, c.Paid)
	}
	for _, e := range p.Exceptions {
		add("CLP04 unmatched", "", e.PCN, "exception "+itoa64(e.ID)+" "+e.Status, e.Position, 0)
	}
	if p.UnmatchedPaid != 0 || len(p.Exceptions) > 0 {
		add("CLP04 unmatched total", "", "", "", 0, p.UnmatchedPaid)
	}
	for _, a := range p.ProviderAdjustments {
		code := a.Reason
		if a.Reference != "" {
			code += ":" + a.Reference
		}
		add("PLB", a.ClaimID, "", code, a.Position, a.Amount)
	}
	add("expected", "", "", "CLP04-PLB", 0, p.Expected)
	add("difference", "", "", map[bool]string{true: "balanced", false: "unbalanced"}[p.Balanced], 0, p.Difference)
	return rep
}

type claimPaymentJSON struct {
	PaymentID   int64       `json:"payment_id"`
	TraceNumber string      `json:"trace_number"`
	PaymentDate string      `json:"payment_date"`
	StatusCode  string      `json:"status_code"`
	Charge      money.Cents `json:"charge"`
	Paid        money.Cents `json:"paid"`
	PatientResp money.Cents `json:"patient_responsibility"`
	Contractual money.Cents `json:"contractual"`
	Other       money.Cents `json:"other_adjustments"`
	ReportedPR  money.Cents `json:"clp05_patient_responsibility"`
}

// ClaimReport is a claim's balance: one row per CLP, then the total.
func ClaimReport(b *ledger.ClaimBalance) Report {
	out := struct {
		ClaimID     string             `json:"claim_id"`
		PayerID     string             `json:"payer_id"`
		PCN         string             `json:"pcn"`
		Status      string             `json:"status"`
		Charge      money.Cents        `json:"charge"`
		Adjudicated money.Cents        `json:"adjudicated_charge"`
		Paid        money.Cents        `json:"paid"`
		PatientResp money.Cents        `json:"patient_responsibility"`
		Contractual money.Cents        `json:"contractual"`
		Other       money.Cents        `json:"other_adjustments"`
		ReportedPR  money.Cents        `json:"clp05_patient_responsibility"`
		Imbalance   money.Cents        `json:"imbalance"`
		Balanced    bool               `json:"balanced"`
		Payments    []claimPaymentJSON `json:"payments"`
		PLBs        []plbJSON          `json:"provider_adjustments"`
	}{b.ClaimID, b.PayerID, b.PCN, string(b.Status), b.Charge, b.Adjudicated, b.Paid, b.PatientResp, b.Contractual, b.Other,
		b.ReportedPR, b.Imbalance, b.Balanced, []claimPaymentJSON{}, toPLBs(b.ProviderAdjustments)}
	cols := []string{"row", "trace_number", "payment_date", "status_code", "charge", "paid", "patient_resp", "contractual", "other", "imbalance"}
	rep := Report{Name: "claim-" + b.ClaimID, Columns: cols, Right: right(cols, "charge", "paid", "patient_resp", "contractual", "other", "imbalance")}
	for _, p := range b.Payments {
		out.Payments = append(out.Payments, claimPaymentJSON{p.PaymentID, p.TraceNumber, p.PaymentDate, p.StatusCode, p.Charge, p.Paid,
			p.PatientResp, p.Contractual, p.Other, p.ReportedPR})
		rep.Rows = append(rep.Rows, []string{"payment " + itoa64(p.PaymentID), p.TraceNumber, p.PaymentDate, p.StatusCode, cents(p.Charge),
			cents(p.Paid), cents(p.PatientResp), cents(p.Contractual), cents(p.Other), ""})
	}
	state := "unbalanced"
	switch {
	case b.Balanced:
		state = "balanced"
	case len(b.Payments) == 0:
		state = "no payments"
	}
	rep.Title = fmt.Sprintf("claim %s of %s (PCN %s, %s): %s", b.ClaimID, b.PayerID, b.PCN, b.Status, state)
	if state == "unbalanced" {
		rep.Title += " by " + b.Imbalance.String()
	}
	rep.Rows = append(rep.Rows, []string{"claim " + b.ClaimID, "", "", state, cents(b.Charge), cents(b.Paid), cents(b.PatientResp),
		cents(b.Contractual), cents(b.Other), cents(b.Imbalance)})
	rep.JSON = out
	return rep
}

// AgingReport is the open claims by payer and age.
func AgingReport(rows []ledger.AgingRow, asOf time.Time) Report {
	type rowJSON struct {
		PayerID string      `json:"payer_id"`
		Bucket  string      `json:"bucket"`
		Claims  int         `json:"claims"`
		Charge  money.Cents `json:"charge"`
	}
	out := struct {
		AsOf         time.Time       `json:"as_of"`
		OpenStatuses []ledger.Status `json:"open_statuses"`
		Aging        []rowJSON       `json:"aging"`
	}{asOf.UTC().Truncate(time.Millisecond), ledger.OpenStatuses, []rowJSON{}}
	cols := []string{"payer_id", "days", "claims", "charge"}
	rep := Report{Name: "aging", Columns: cols, Right: right(cols, "claims", "charge")}
	for _, r := range rows {
		out.Aging = append(out.Aging, rowJSON{r.PayerID, r.Bucket, r.Claims, r.Charge})
		rep.Rows = append(rep.Rows, []string{r.PayerID, r.Bucket, itoa(r.Claims), cents(r.Charge)})
	}
	rep.JSON = out
	return rep
}

// DenialsReport is the denials by payer, CARC and RARC.
func DenialsReport(rows []ledger.DenialRow) Report {
	type rowJSON struct {
		PayerID string      `json:"payer_id"`
		Group   string      `json:"group_code"`
		CARC    string      `json:"carc"`
		RARC    string      `json:"rarc"`
		Count   int         `json:"count"`
		Claims  int         `json:"claims"`
		Amount  money.Cents `json:"amount"`
	}
	out := struct {
		Denials []rowJSON `json:"denials"`
	}{[]rowJSON{}}
	cols := []string{"payer_id", "group_code", "carc", "rarc", "count", "claims", "amount"}
	rep := Report{Name: "denials", Columns: cols, Right: right(cols, "count", "claims", "amount")}
	for _, r := range rows {
		out.Denials = append(out.Denials, rowJSON{r.PayerID, r.Group, r.CARC, r.RARC, r.Count, r.Claims, r.Amount})
		rep.Rows = append(rep.Rows, []string{r.PayerID, r.Group, r.CARC, r.RARC, itoa(r.Count), itoa(r.Claims), cents(r.Amount)})
	}
	rep.JSON = out
	return rep
}

// RejectionsReport is the rejected claims by payer, source and reason.
func RejectionsReport(rows []ledger.RejectionRow) Report {
	type rowJSON struct {
		PayerID    string      `json:"payer_id"`
		SourceKind string      `json:"source_kind"`
		Reason     string      `json:"reason"`
		Claims     int         `json:"claims"`
		Charge     money.Cents `json:"charge"`
	}
	out := struct {
		Rejections []rowJSON `json:"rejections"`
	}{[]rowJSON{}}
	cols := []string{"payer_id", "source_kind", "reason", "claims", "charge"}
	rep := Report{Name: "rejections", Columns: cols, Right: right(cols, "claims", "charge")}
	for _, r := range rows {
		out.Rejections = append(out.Rejections, rowJSON{r.PayerID, r.SourceKind, r.Reason, r.Claims, r.Charge})
		rep.Rows = append(rep.Rows, []string{r.PayerID, r.SourceKind, r.Reason, itoa(r.Claims), cents(r.Charge)})
	}
	rep.JSON = out
	return rep
}

// DailyReport is the totals by day.
func DailyReport(rows []ledger.DailyRow) Report {
	type rowJSON struct {
		Date        string      `json:"date"`
		Submitted   int         `json:"claims_submitted"`
		Billed      money.Cents `json:"billed"`
		Paid        money.Cents `json:"paid"`
		PatientResp money.Cents `json:"patient_responsibility"`
		Adjusted    money.Cents `json:"adjusted"`
	}
	out := struct {
		Days []rowJSON `json:"days"`
	}{[]rowJSON{}}
	cols := []string{"date", "claims_submitted", "billed", "paid", "patient_resp", "adjusted"}
	rep := Report{Name: "daily", Columns: cols, Right: right(cols, "claims_submitted", "billed", "paid", "patient_resp", "adjusted")}
	for _, r := range rows {
		out.Days = append(out.Days, rowJSON{r.Date, r.Submitted, r.Billed, r.Paid, r.PatientResp, r.Adjusted})
		rep.Rows = append(rep.Rows, []string{r.Date, itoa(r.Submitted), cents(r.Billed), cents(r.Paid), cents(r.PatientResp), cents(r.Adjusted)})
	}
	rep.JSON = out
	return rep
}

type exceptionJSON struct {
	ID            int64      `json:"id"`
	Kind          string     `json:"kind"`
	PayerID       string     `json:"payer_id"`
	InboundSHA256 string     `json:"inbound_sha256"`
	ST02          string     `json:"st02"`
	Position      int        `json:"position"`
	PCN           string     `json:"pcn"`
	Reason        string     `json:"reason"`
	Status        string     `json:"status"`
	ClaimID       string     `json:"claim_id"`
	ResolvedBy    string     `json:"resolved_by"`
	At            time.Time  `json:"at"`
	ResolvedAt    *time.Time `json:"resolved_at"`
}

func toException(e ledger.ExceptionInfo) exceptionJSON {
	out := exceptionJSON{e.ID, e.Kind, e.PayerID, e.InboundSHA256, e.ST02, e.Position, e.PCN, e.Reason, e.Status, e.ClaimID, e.ResolvedBy, e.At.UTC(), nil}
	if !e.ResolvedAt.IsZero() {
		t := e.ResolvedAt.UTC()
		out.ResolvedAt = &t
	}
	return out
}

func toExceptions(es []ledger.ExceptionInfo) []exceptionJSON {
	out := []exceptionJSON{}
	for _, e := range es {
		out = append(out, toException(e))
	}
	return out
}

// ExceptionsReport is a page of exceptions (the unmatched report is the
// open ones).
func ExceptionsReport(name string, es []ledger.ExceptionInfo, next string) Report {
	cols := []string{"id", "kind", "payer_id", "st02", "position", "pcn", "reason", "status", "claim_id", "resolved_by", "at", "inbound_sha256"}
	rep := Report{Name: name, Columns: cols, Right: right(cols, "id", "position"), Next: next,
		JSON: struct {
			Exceptions []exceptionJSON `json:"exceptions"`
			Next       string          `json:"next"`
		}{toExceptions(es), next}}
	for _, e := range es {
		rep.Rows = append(rep.Rows, []string{itoa64(e.ID), e.Kind, e.PayerID, e.ST02, itoa(e.Position), e.PCN, e.Reason, e.Status, e.ClaimID,
			e.ResolvedBy, e.At.UTC().Format(time.RFC3339), e.InboundSHA256})
	}
	return rep
}

// report answers with a report as JSON, or as CSV when the query has
// format=csv or the client accepts text/csv (and did not ask for
// format=json). A CSV page's cursor is in the X-Next header.
func (s *server) report(w http.ResponseWriter, r *http.Request, rep Report) {
	format := r.URL.Query().Get("format")
	if format == "" && strings.Contains(r.Header.Get("Accept"), "text/csv") {
		format = "csv"
	}
	if format != "csv" {
		writeJSON(w, http.StatusOK, rep.JSON)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+rep.Name+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if rep.Next != "" {
		w.Header().Set("X-Next", rep.Next)
	}
	WriteCSV(w, rep)
}

// reportQuery reads the filters and format shared by the reports,
// answering 400 when one is bad.
func reportQuery(w http.ResponseWriter, r *http.Request) (ledger.ReportFilter, bool) {
	q := r.URL.Query()
	f := ledger.ReportFilter{PayerID: q.Get("payer"), From: q.Get("from"), To: q.Get("to")}
	for name, v := range map[string]string{"from": f.From, "to": f.To} {
		if _, err := date(v); err != nil {
			writeError(w, http.StatusBadRequest, "bad_query", name+": want a date YYYY-MM-DD")
			return f, false
		}
	}
	switch q.Get("format") {
	case "", "json", "csv":
	default:
		writeError(w, http.StatusBadRequest, "bad_query", "format: want json or csv")
		return f, false
	}
	return f, true
}

// cursor reads an after value (an id), answering 400 when it is bad.
func cursor(w http.ResponseWriter, v string) (int64, bool) {
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		writeError(w, http.StatusBadRequest, "bad_query", "after: want the next of the previous page")
		return 0, false
	}
	return n, true
}

func (s *server) reconPayments(w http.ResponseWriter, r *http.Request) {
	f, ok := reportQuery(w, r)
	if !ok {
		return
	}
	after, ok := cursor(w, r.URL.Query().Get("after"))
	if !ok {
		return
	}
	limit, ok := pageLimit(w, r.URL.Query().Get("limit"))
	if !ok {
		return
	}
	ps, err := s.ledger.ListPayments(r.Context(), ledger.PaymentFilter{PayerID: f.PayerID, From: f.From, To: f.To, After: after, Limit: limit + 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := ""
	if len(ps) > limit {
		ps = ps[:limit]
		next = itoa64(ps[limit-1].RemittanceID)
	}
	s.report(w, r, PaymentsReport(ps, next))
}

func (s *server) reconPayment(w http.ResponseWriter, r *http.Request) {
	if _, ok := reportQuery(w, r); !ok {
		return
	}
	p, err := s.ledger.PaymentBalance(r.Context(), r.URL.Query().Get("payer"), r.PathValue("trace"))
	if errors.Is(err, ledger.ErrAmbiguous) {
		writeError(w, http.StatusConflict, "ambiguous", "several payments have this trace number: add payer=, or list them with /v1/recon/payments")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.report(w, r, PaymentReport(p))
}

func (s *server) reconClaim(w http.ResponseWriter, r *http.Request) {
	if _, ok := reportQuery(w, r); !ok {
		return
	}
	b, err := s.ledger.ClaimBalance(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.report(w, r, ClaimReport(b))
}

func (s *server) reconAging(w http.ResponseWriter, r *http.Request) {
	f, ok := reportQuery(w, r)
	if !ok {
		return
	}
	now := time.Now()
	rows, err := s.ledger.Aging(r.Context(), f.PayerID, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.report(w, r, AgingReport(rows, now))
}

// listReport serves a report made from one ledger query over a
// ReportFilter (denials, rejections, daily).
func listReport[Row any](s *server, query func(context.Context, ledger.ReportFilter) ([]Row, error), report func([]Row) Report) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, ok := reportQuery(w, r)
		if !ok {
			return
		}
		rows, err := query(r.Context(), f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.report(w, r, report(rows))
	}
}

// reconUnmatched is the open exceptions.
func (s *server) reconUnmatched(w http.ResponseWriter, r *http.Request) {
	s.exceptionsPage(w, r, "unmatched", "open")
}

func (s *server) listExceptions(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	switch status {
	case "all":
		status = ""
	case "", "open", "resolved":
	default:
		writeError(w, http.StatusBadRequest, "bad_query", "status: want open, resolved or all")
		return
	}
	s.exceptionsPage(w, r, "exceptions", status)
}

func (s *server) exceptionsPage(w http.ResponseWriter, r *http.Request, name, status string) {
	if _, ok := reportQuery(w, r); !ok {
		return
	}
	after, ok := cursor(w, r.URL.Query().Get("after"))
	if !ok {
		return
	}
	limit, ok := pageLimit(w, r.URL.Query().Get("limit"))
	if !ok {
		return
	}
	es, err := s.ledger.Exceptions(r.Context(), ledger.ExceptionFilter{Status: status, After: after, Limit: limit + 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := ""
	if len(es) > limit {
		es = es[:limit]
		next = itoa64(es[limit-1].ID)
	}
	s.report(w, r, ExceptionsReport(name, es, next))
}

// matchException resolves an exception by hand: {"claim_id", "actor"}.
// With tokens, the claim history records the caller's name, and the actor
// after it when one is given ("finance-app (alice)"); without, the actor
// is required.
func (s *server) matchException(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusNotFound, "not_found", "not found")
		return
	}
	var body struct {
		ClaimID string `json:"claim_id"`
		Actor   string `json:"actor"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad_json", `the body must be one JSON object {"claim_id": "...", "actor": "..."}`)
		return
	}
	body.ClaimID, body.Actor = strings.TrimSpace(body.ClaimID), strings.TrimSpace(body.Actor)
	actor := body.Actor
	if caller := callerName(r.Context()); caller != "" {
		actor = caller
		if body.Actor != "" && body.Actor != caller {
			actor += " (" + body.Actor + ")"
		}
	}
	if body.ClaimID == "" || actor == "" {
		writeError(w, http.StatusBadRequest, "bad_body", "claim_id and actor are required")
		return
	}
	switch _, err := gateway.MatchException(r.Context(), s.ledger, id, body.ClaimID, actor); {
	case errors.Is(err, ledger.ErrResolved):
		writeError(w, http.StatusConflict, "already_resolved", "the exception is already resolved")
		return
	case errors.Is(err, ledger.ErrUnknownClaim):
		writeError(w, http.StatusUnprocessableEntity, "unknown_claim", "no claim with that id")
		return
	case errors.Is(err, ledger.ErrOtherPayer):
		writeError(w, http.StatusUnprocessableEntity, "other_payer", "the claim belongs to another payer than the exception's file")
		return
	case errors.As(err, new(*gateway.RefusedError)):
		writeError(w, http.StatusUnprocessableEntity, "not_postable", err.Error())
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	e, err := s.ledger.Exception(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toException(*e))
}
