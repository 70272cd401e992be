package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/report"
)

// Reconciliation and exceptions: docs/reconciliation.md. The reports are
// gateway/report's; this serves them.

// report answers with a report as JSON, or as CSV when the query has
// format=csv or the client accepts text/csv (and did not ask for
// format=json). A CSV page's cursor is in the X-Next header.
func (s *server) report(w http.ResponseWriter, r *http.Request, rep report.Report) {
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
	rep.WriteCSV(w)
}

// answer serves a report, or the error reading it.
func (s *server) answer(w http.ResponseWriter, r *http.Request, rep report.Report, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.report(w, r, rep)
}

// reportQuery reads the filters and format shared by the reports,
// answering 400 when one is bad.
func reportQuery(w http.ResponseWriter, r *http.Request) (report.Filter, bool) {
	q := r.URL.Query()
	f := report.Filter{PayerID: q.Get("payer"), From: q.Get("from"), To: q.Get("to")}
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

// pageQuery reads what a paged report takes, the filters, after and
// limit, answering 400 when one is bad.
func pageQuery(w http.ResponseWriter, r *http.Request) (f report.Filter, after int64, limit int, ok bool) {
	if f, ok = reportQuery(w, r); ok {
		if after, ok = cursor(w, r.URL.Query().Get("after")); ok {
			limit, ok = pageLimit(w, r.URL.Query().Get("limit"))
		}
	}
	return f, after, limit, ok
}

func (s *server) reconPayments(w http.ResponseWriter, r *http.Request) {
	if f, after, limit, ok := pageQuery(w, r); ok {
		rep, err := report.ReadPayments(r.Context(), s.ledger, f, after, limit)
		s.answer(w, r, rep, err)
	}
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
	s.report(w, r, report.Payment(p))
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
	s.report(w, r, report.Claim(b))
}

// list serves a list report (aging, denials, rejections, daily).
func (s *server) list(l report.List) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, ok := reportQuery(w, r)
		if !ok {
			return
		}
		rep, err := l.Read(r.Context(), s.ledger, f)
		s.answer(w, r, rep, err)
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
	if _, after, limit, ok := pageQuery(w, r); ok {
		rep, err := report.ReadExceptions(r.Context(), s.ledger, name, status, after, limit)
		s.answer(w, r, rep, err)
	}
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
	if s.opts.Matcher == nil {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "manual matching is not available here")
		return
	}
	switch _, err := s.opts.Matcher.MatchException(r.Context(), id, body.ClaimID, actor); {
	case errors.Is(err, ledger.ErrResolved):
		writeError(w, http.StatusConflict, "already_resolved", "the exception is already resolved")
		return
	case errors.Is(err, ledger.ErrUnknownClaim):
		writeError(w, http.StatusUnprocessableEntity, "unknown_claim", "no claim with that id")
		return
	case errors.Is(err, ledger.ErrOtherPayer):
		writeError(w, http.StatusUnprocessableEntity, "other_payer", "the claim belongs to another payer than the exception's file")
		return
	case errors.As(err, new(*inbound.RefusedError)):
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
	writeJSON(w, http.StatusOK, report.NewException(*e))
}
