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

// reportPaths are where the reports not at GET /v1/recon/NAME are served
// (by their names in gateway/report); a path's value is the report's key.
var reportPaths = map[string]string{
	"payment":    "GET /v1/recon/payments/{trace}",
	"claim":      "GET /v1/recon/claims/{id}",
	"encounter":  "GET /v1/recon/encounters/{id}",
	"exceptions": "GET /v1/exceptions",
}

// serve serves a report: the filters and format of the query; the
// status (exceptions) and after and limit (a paged report) when the
// report takes them; and the path's value of its key (the {trace} of a
// payment, the {id} of a claim).
func (s *server) serve(e report.Entry) http.HandlerFunc {
	takes := e.Takes()
	return func(w http.ResponseWriter, r *http.Request) {
		var q report.Query
		var ok bool
		if takes.Status {
			if q.Status, ok = exceptionStatus(w, r); !ok {
				return
			}
		}
		if q.Filter, ok = reportQuery(w, r); !ok {
			return
		}
		if takes.Page {
			if q.After, ok = cursor(w, r.URL.Query().Get("after")); !ok {
				return
			}
			if q.Limit, ok = pageLimit(w, r.URL.Query().Get("limit")); !ok {
				return
			}
		}
		if takes.Key != "" {
			q.Key = r.PathValue(takes.Key)
		}
		rep, err := e.Read(r.Context(), s.ledger, q)
		if errors.Is(err, ledger.ErrAmbiguous) { // a payment's trace number, two payers'
			writeError(w, http.StatusConflict, "ambiguous", "several payments have this trace number: add payer=, or list them with /v1/recon/payments")
			return
		}
		s.answer(w, r, rep, err)
	}
}
