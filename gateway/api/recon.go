package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

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
