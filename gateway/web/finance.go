package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/report"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Finance: the reconciliation reports of gateway/report, each on its own
// page with its chart, as a table of the very rows its CSV has (the CSV
// the CLI writes, downloadable from the page): payments by deposit, aging,
// denials, rejections and daily totals.

// financeReports are the pages, in menu order; payments is /finance.
var financeReports = []string{"payments", "aging", "denials", "rejections", "daily"}

type financeData struct {
	Report          string
	Reports         []string
	Payer, From, To string
	After           string
	Table           report.Report
	Chart           *chart
	CSV             string    // the download's query
	At              time.Time // when a report read whole was read (it is kept a while); zero for a page read now
	TTL             time.Duration
}

// reportQuery reads the filters of a report page, and its page of a paged
// report; false when it answered 400.
func (s *server) reportQuery(w http.ResponseWriter, r *http.Request, e report.Entry, all bool) (report.Query, bool) {
	q := r.URL.Query()
	rq := report.Query{Filter: report.Filter{PayerID: q.Get("payer"), From: q.Get("from"), To: q.Get("to"), AsOf: s.opts.Now()}}
	for name, v := range map[string]string{"from": rq.From, "to": rq.To} {
		if _, err := date(v); err != nil {
			s.badQuery(w, r, name+": want a date YYYY-MM-DD")
			return rq, false
		}
	}
	if e.Takes().Page && !all {
		rq.Limit, rq.Brief = pageSize, true
		if v := q.Get("after"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				s.badQuery(w, r, "after: want the next of the previous page")
				return rq, false
			}
			rq.After = n
		}
	}
	return rq, true
}

func (s *server) finance(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("report")
	if name == "" {
		name = "payments"
	}
	e, ok := report.Reports[name]
	if !ok || !slices.Contains(financeReports, name) {
		s.fail(w, r, ledger.ErrNotFound)
		return
	}
	q, ok := s.reportQuery(w, r, e, false)
	if !ok {
		return
	}
	var rep report.Report
	var at time.Time
	var err error
	if e.Takes().Page {
		rep, err = e.Read(r.Context(), s.ledger, q)
	} else {
		rep, at, err = s.reports.read(r.Context(), s.ledger, e, q)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := financeData{Report: name, Reports: financeReports, Payer: q.PayerID, From: q.From, To: q.To, Table: rep, At: at, TTL: s.reports.ttl,
		CSV: queryOf("payer", q.PayerID, "from", q.From, "to", q.To)}
	d.Chart = chartOf(name, rep)
	s.render(w, r, http.StatusOK, "finance", "Finance: "+name, "finance", d)
}

// financeCSV downloads a report whole, as `claimsgw recon NAME --format
// csv` writes it.
func (s *server) financeCSV(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("report")
	e, ok := report.Reports[name]
	if !ok || !slices.Contains(financeReports, name) {
		s.fail(w, r, ledger.ErrNotFound)
		return
	}
	q, ok := s.reportQuery(w, r, e, true)
	if !ok {
		return
	}
	rep, err := e.Read(r.Context(), s.ledger, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+rep.Name+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	rep.WriteCSV(w)
}

// column is the index of a report's column, -1 when it has none.
func column(rep report.Report, name string) int { return slices.Index(rep.Columns, name) }

// cents reads a money cell of a report row: exact.
func cents(v string) int64 {
	c, _ := money.Parse(v)
	return int64(c)
}

func number(v string) int64 {
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

func formatCents(v int64) string { return money.Cents(v).String() }

// chartOf is a report page's chart, from the rows of its table.
func chartOf(name string, rep report.Report) *chart {
	c := &chart{ID: "chart-" + name}
	label := func(row []string, cols ...string) string {
		out := ""
		for _, col := range cols {
			if i := column(rep, col); i >= 0 && row[i] != "" {
				if out != "" {
					out += " "
				}
				out += row[i]
			}
		}
		return out
	}
	add := func(s *series, row []string, col string, parse func(string) int64) {
		s.Values = append(s.Values, parse(row[column(rep, col)]))
	}
	const most = 20 // bars: the first rows, in the report's order
	switch name {
	case "payments":
		c.Title, c.Format = "payments: amount and difference from what they pay", formatCents
		c.Series = []series{{Name: "amount (BPR02)", Class: "s1"}, {Name: "|difference|", Class: "s2"}}
		for _, row := range rep.Rows[:min(len(rep.Rows), most)] {
			c.Labels = append(c.Labels, label(row, "trace_number"))
			add(&c.Series[0], row, "amount", cents)
			add(&c.Series[1], row, "difference", func(v string) int64 { return abs(cents(v)) })
		}
	case "aging":
		c.Title, c.Format = "open claims by days since submission: charge", formatCents
		c.Series = []series{{Name: "charge", Class: "s1"}}
		for _, row := range rep.Rows {
			c.Labels = append(c.Labels, label(row, "payer_id", "days"))
			add(&c.Series[0], row, "charge", cents)
		}
	case "denials":
		c.Title, c.Format = "denied amounts by payer, group, CARC and RARC", formatCents
		c.Series = []series{{Name: "amount", Class: "s2"}}
		for _, row := range rep.Rows[:min(len(rep.Rows), most)] {
			c.Labels = append(c.Labels, label(row, "group_code", "carc", "rarc"))
			add(&c.Series[0], row, "amount", cents)
		}
	case "rejections":
		c.Title = "rejected claims by payer, answer and reason"
		c.Series = []series{{Name: "claims", Class: "s2"}}
		for _, row := range rep.Rows[:min(len(rep.Rows), most)] {
			c.Labels = append(c.Labels, label(row, "source_kind", "reason"))
			add(&c.Series[0], row, "claims", number)
		}
	case "daily":
		c.Title, c.Format = "billed and paid by day", formatCents
		c.Series = []series{{Name: "billed", Class: "s1"}, {Name: "paid", Class: "s2"}}
		rows := rep.Rows[max(0, len(rep.Rows)-60):] // the last 60 days
		c.Every = max(1, len(rows)/8)
		for _, row := range rows {
			c.Labels = append(c.Labels, label(row, "date"))
			add(&c.Series[0], row, "billed", cents)
			add(&c.Series[1], row, "paid", cents)
		}
	}
	if len(c.Labels) == 0 {
		return nil
	}
	return c
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
