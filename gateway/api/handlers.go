package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Page sizes of the listings.
const (
	defaultLimit = 100
	maxLimit     = 500
)

func (s *server) submitEncounter(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusBadRequest, "body_too_large", "the encounter is larger than 1 MiB")
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "bad_body", "the body could not be read")
		return
	}
	if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) == 0 || t[0] != '{' || !json.Valid(raw) {
		writeError(w, http.StatusBadRequest, "bad_json", "the body must be one JSON object")
		return
	}
	id, dup, err := s.intake.SubmitEncounter(r.Context(), raw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, struct {
		ID        string `json:"id"`
		Status    string `json:"status"`
		Duplicate bool   `json:"duplicate"`
	}{id, "queued", dup})
}

type claimJSON struct {
	ID               string      `json:"id"`
	EncounterID      string      `json:"encounter_id"`
	PayerID          string      `json:"payer_id"`
	ClaimType        string      `json:"claim_type"`
	PCN              string      `json:"pcn"`
	BillingNPI       string      `json:"billing_npi"`
	BillingTaxID     string      `json:"billing_tax_id"`
	Charge           money.Cents `json:"charge"`
	ServiceFrom      string      `json:"service_from"`
	ServiceTo        string      `json:"service_to"`
	Status           string      `json:"status"`
	PayerClaimNumber string      `json:"payer_claim_number"`
	FileID           string      `json:"file_id"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
}

func toClaim(c ledger.Claim) claimJSON {
	return claimJSON{
		ID: c.ID, EncounterID: c.EncounterID, PayerID: c.PayerID, ClaimType: c.ClaimType, PCN: c.PCN,
		BillingNPI: c.BillingNPI, BillingTaxID: c.BillingTaxID, Charge: c.Charge,
		ServiceFrom: c.ServiceFrom, ServiceTo: c.ServiceTo, Status: string(c.Status),
		PayerClaimNumber: c.PayerClaimNumber, FileID: c.FileID,
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
}

type lineJSON struct {
	No          int         `json:"no"`
	LineID      string      `json:"line_id"`
	Procedure   string      `json:"procedure"`
	Charge      money.Cents `json:"charge"`
	Units       string      `json:"units"`
	ServiceDate string      `json:"service_date"`
}

type changeJSON struct {
	At          time.Time `json:"at"`
	From        string    `json:"from"`
	To          string    `json:"to"`
	Kind        string    `json:"kind"`
	File        string    `json:"file"`
	Transaction string    `json:"transaction"`
	Position    int       `json:"position"`
	Reason      string    `json:"reason"`
	Actor       string    `json:"actor"`
}

func toHistory(h []ledger.Change) []changeJSON {
	out := make([]changeJSON, 0, len(h))
	for _, c := range h {
		out = append(out, changeJSON{
			At: c.At.UTC(), From: string(c.From), To: string(c.To), Kind: c.Kind, File: c.File,
			Transaction: c.Transaction, Position: c.Position, Reason: c.Reason, Actor: c.Actor,
		})
	}
	return out
}

// listClaims serves a page of claims. next is the cursor (the last id) to
// pass as after for the next page, "" on the last page.
func (s *server) listClaims(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := ledger.ClaimFilter{
		Status:  ledger.Status(q.Get("status")),
		PayerID: q.Get("payer"),
		PCN:     q.Get("pcn"),
		After:   q.Get("after"),
	}
	if f.Status != "" && !slices.Contains(ledger.Statuses, f.Status) {
		writeError(w, http.StatusBadRequest, "bad_query", "status: unknown status")
		return
	}
	var err error
	if f.From, err = date(q.Get("from")); err != nil {
		writeError(w, http.StatusBadRequest, "bad_query", "from: want a date YYYY-MM-DD")
		return
	}
	to, err := date(q.Get("to"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_query", "to: want a date YYYY-MM-DD")
		return
	}
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // to is inclusive
	}
	limit, ok := pageLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	f.Limit = limit + 1 // one more tells whether there is a next page
	claims, err := s.ledger.ListClaims(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := struct {
		Claims []claimJSON `json:"claims"`
		Next   string      `json:"next"`
	}{Claims: []claimJSON{}}
	if len(claims) > limit {
		claims = claims[:limit]
		page.Next = claims[limit-1].ID
	}
	for _, c := range claims {
		page.Claims = append(page.Claims, toClaim(c))
	}
	writeJSON(w, http.StatusOK, page)
}

// date parses a YYYY-MM-DD as midnight UTC; "" is the zero time.
func date(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, v)
}

// pageLimit reads a limit query value, answering 400 when it is bad.
func pageLimit(w http.ResponseWriter, v string) (int, bool) {
	if v == "" {
		return defaultLimit, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		writeError(w, http.StatusBadRequest, "bad_query", "limit: want a number from 1 to "+strconv.Itoa(maxLimit))
		return 0, false
	}
	return n, true
}

func (s *server) getClaim(w http.ResponseWriter, r *http.Request) {
	c, err := s.ledger.Claim(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := s.ledger.History(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	files, err := s.ledger.ClaimFiles(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	payments, err := s.ledger.Payments(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := struct {
		claimJSON
		Lines    []lineJSON          `json:"lines"`
		History  []changeJSON        `json:"history"`
		Files    []claimFileJSON     `json:"files"`
		Payments []paymentDetailJSON `json:"payments"`
	}{claimJSON: toClaim(*c), Lines: []lineJSON{}, History: toHistory(h), Files: []claimFileJSON{}, Payments: []paymentDetailJSON{}}
	for _, ln := range c.Lines {
		out.Lines = append(out.Lines, lineJSON{ln.No, ln.LineID, ln.Procedure, ln.Charge, ln.Units, ln.ServiceDate})
	}
	for _, f := range files {
		out.Files = append(out.Files, claimFileJSON{f.FileID, f.Name, string(f.Status), f.ISA13, f.GS06, f.ST02, f.FirstPos, f.LastPos, f.CreatedAt.UTC()})
	}
	for _, p := range payments {
		pj := paymentDetailJSON{p.TraceNumber, p.PaymentDate, p.StatusCode, p.Charge, p.Paid, p.PatientResp, p.PayerClaimNumber,
			p.InboundSHA256, p.ST02, p.Position, []adjustmentJSON{}}
		for _, a := range p.Adjustments {
			pj.Adjustments = append(pj.Adjustments, adjustmentJSON{a.LineNo, a.Group, a.Reason, a.Amount})
		}
		out.Payments = append(out.Payments, pj)
	}
	writeJSON(w, http.StatusOK, out)
}

// claimFileJSON is a file a claim went in, with its place there.
type claimFileJSON struct {
	FileID    string    `json:"file_id"`
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	ISA13     int64     `json:"isa13"`
	GS06      int64     `json:"gs06"`
	ST02      int64     `json:"st02"`
	FirstPos  int       `json:"first_pos"`
	LastPos   int       `json:"last_pos"`
	CreatedAt time.Time `json:"created_at"`
}

// paymentDetailJSON is one 835 CLP applied to a claim.
type paymentDetailJSON struct {
	TraceNumber      string           `json:"trace_number"`
	PaymentDate      string           `json:"payment_date"`
	StatusCode       string           `json:"status_code"`
	Charge           money.Cents      `json:"charge"`
	Paid             money.Cents      `json:"paid"`
	PatientResp      money.Cents      `json:"patient_responsibility"`
	PayerClaimNumber string           `json:"payer_claim_number"`
	File             string           `json:"file"` // the 835's sha256
	ST02             string           `json:"st02"`
	Position         int              `json:"position"`
	Adjustments      []adjustmentJSON `json:"adjustments"`
}

type adjustmentJSON struct {
	LineNo int         `json:"line_no"` // 0: claim level; -P: an SVC that matched no claim line, at position P
	Group  string      `json:"group"`
	Reason string      `json:"reason"`
	Amount money.Cents `json:"amount"`
}

func (s *server) getHistory(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	h, err := s.ledger.History(r.Context(), id)
	if err == nil && len(h) == 0 {
		// Every claim has at least its intake change: none means no claim.
		_, err = s.ledger.Claim(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		ClaimID string       `json:"claim_id"`
		History []changeJSON `json:"history"`
	}{id, toHistory(h)})
}

type fileClaimJSON struct {
	ClaimID  string `json:"claim_id"`
	GS06     int64  `json:"gs06"`
	ST02     int64  `json:"st02"`
	FirstPos int    `json:"first_pos"`
	LastPos  int    `json:"last_pos"`
}

// getFile serves an outbound file's metadata and claims, never its content.
func (s *server) getFile(w http.ResponseWriter, r *http.Request) {
	f, err := s.ledger.FileByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := struct {
		ID          string          `json:"id"`
		PayerID     string          `json:"payer_id"`
		Usage       string          `json:"usage"`
		ISA13       int64           `json:"isa13"`
		Name        string          `json:"name"`
		SHA256      string          `json:"sha256"`
		Size        int             `json:"size"`
		Status      string          `json:"status"`
		Attempts    int             `json:"attempts"`
		LastError   string          `json:"last_error"`
		CreatedAt   time.Time       `json:"created_at"`
		DeliveredAt *time.Time      `json:"delivered_at"`
		Claims      []fileClaimJSON `json:"claims"`
	}{
		ID: f.ID, PayerID: f.PayerID, Usage: f.Usage, ISA13: f.ISA13, Name: f.Name, SHA256: f.SHA256,
		Size: len(f.Content), Status: string(f.Status), Attempts: f.Attempts, LastError: f.LastError,
		CreatedAt: f.CreatedAt.UTC(), Claims: []fileClaimJSON{},
	}
	if !f.DeliveredAt.IsZero() {
		t := f.DeliveredAt.UTC()
		out.DeliveredAt = &t
	}
	for _, c := range f.Claims {
		out.Claims = append(out.Claims, fileClaimJSON{c.ClaimID, c.GS06, c.ST02, c.FirstPos, c.LastPos})
	}
	writeJSON(w, http.StatusOK, out)
}

// getFileContent serves the 837 itself.
func (s *server) getFileContent(w http.ResponseWriter, r *http.Request) {
	f, err := s.ledger.FileByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/edi-x12")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Content)))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(f.Content)
}

// listDeadLetters serves a page of dead letters, newest first, without
// their data. next is the id to pass as before for the next page.
func (s *server) listDeadLetters(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var before int64
	if v := q.Get("before"); v != "" {
		var err error
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before < 1 {
			writeError(w, http.StatusBadRequest, "bad_query", "before: want a dead letter id")
			return
		}
	}
	limit, ok := pageLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	dls, err := s.ledger.DeadLetterInfos(r.Context(), before, limit+1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type deadLetterJSON struct {
		ID      int64     `json:"id"`
		Stream  string    `json:"stream"`
		Subject string    `json:"subject"`
		MsgID   string    `json:"msg_id"`
		Error   string    `json:"error"`
		At      time.Time `json:"at"`
		Size    int       `json:"size"`
	}
	page := struct {
		DeadLetters []deadLetterJSON `json:"dead_letters"`
		Next        string           `json:"next"`
	}{DeadLetters: []deadLetterJSON{}}
	if len(dls) > limit {
		dls = dls[:limit]
		page.Next = strconv.FormatInt(dls[limit-1].ID, 10)
	}
	for _, d := range dls {
		page.DeadLetters = append(page.DeadLetters, deadLetterJSON{d.ID, d.Stream, d.Subject, d.MsgID, d.Error, d.At.UTC(), d.Size})
	}
	writeJSON(w, http.StatusOK, page)
}

// stats serves the number of claims in each status, every status listed.
func (s *server) stats(w http.ResponseWriter, r *http.Request) {
	counts, err := s.ledger.CountByStatus(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := struct {
		Claims      map[ledger.Status]int `json:"claims_by_status"`
		ClaimsTotal int                   `json:"claims_total"`
	}{Claims: map[ledger.Status]int{}}
	for _, st := range ledger.Statuses {
		out.Claims[st] = 0
	}
	for st, n := range counts {
		out.Claims[st] = n
		out.ClaimsTotal += n
	}
	writeJSON(w, http.StatusOK, out)
}
