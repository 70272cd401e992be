package report

import (
	"context"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// Filter selects what a report covers. Zero fields select all; dates are
// YYYY-MM-DD, both inclusive. AsOf is when the aging report counts from
// (zero: now).
type Filter struct {
	PayerID string
	From    string
	To      string
	AsOf    time.Time
}

// List is a report made of the rows one ledger query returns over a
// Filter: aging, denials, rejections and daily.
type List interface {
	Name() string
	Read(ctx context.Context, l *ledger.Ledger, f Filter) (Report, error)
}

// Lists are the list reports, by name.
var Lists = map[string]List{}

func init() {
	for _, l := range []List{aging, denials, rejections, daily} {
		Lists[l.Name()] = l
	}
}

// list is a List of rows of type R: the query that reads them, the
// report's columns, and the JSON around its rows (key: the rows' key; head,
// any fields before them).
type list[R any] struct {
	name    string
	key     string
	query   func(ctx context.Context, l *ledger.Ledger, f Filter) ([]R, error)
	columns []column[R]
	head    func(f Filter) jsonRow
}

func (t list[R]) Name() string { return t.name }

func (t list[R]) Read(ctx context.Context, l *ledger.Ledger, f Filter) (Report, error) {
	if f.AsOf.IsZero() {
		f.AsOf = time.Now()
	}
	rows, err := t.query(ctx, l, f)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Name: t.name}
	var obj jsonRow
	if t.head != nil {
		obj = t.head(f)
	}
	rep.JSON = append(obj, field{t.key, rowsOf(&rep, t.columns, rows)})
	return rep, nil
}

func ledgerFilter(f Filter) ledger.ReportFilter {
	return ledger.ReportFilter{PayerID: f.PayerID, From: f.From, To: f.To}
}

// aging is the open claims by payer and age.
var aging = list[ledger.AgingRow]{
	name: "aging", key: "aging",
	query: func(ctx context.Context, l *ledger.Ledger, f Filter) ([]ledger.AgingRow, error) {
		return l.Aging(ctx, f.PayerID, f.AsOf)
	},
	head: func(f Filter) jsonRow {
		return jsonRow{{"as_of", f.AsOf.UTC().Truncate(time.Millisecond)}, {"open_statuses", ledger.OpenStatuses}}
	},
	columns: []column[ledger.AgingRow]{
		{"payer_id", "", func(r ledger.AgingRow) any { return r.PayerID }},
		{"days", "bucket", func(r ledger.AgingRow) any { return r.Bucket }},
		{"claims", "", func(r ledger.AgingRow) any { return r.Claims }},
		{"charge", "", func(r ledger.AgingRow) any { return r.Charge }},
	},
}

// denials is the denials by payer, CARC and RARC.
var denials = list[ledger.DenialRow]{
	name: "denials", key: "denials",
	query: func(ctx context.Context, l *ledger.Ledger, f Filter) ([]ledger.DenialRow, error) {
		return l.Denials(ctx, ledgerFilter(f))
	},
	columns: []column[ledger.DenialRow]{
		{"payer_id", "", func(r ledger.DenialRow) any { return r.PayerID }},
		{"group_code", "", func(r ledger.DenialRow) any { return r.Group }},
		{"carc", "", func(r ledger.DenialRow) any { return r.CARC }},
		{"rarc", "", func(r ledger.DenialRow) any { return r.RARC }},
		{"count", "", func(r ledger.DenialRow) any { return r.Count }},
		{"claims", "", func(r ledger.DenialRow) any { return r.Claims }},
		{"amount", "", func(r ledger.DenialRow) any { return r.Amount }},
	},
}

// rejections is the rejected claims by payer, source and reason.
var rejections = list[ledger.RejectionRow]{
	name: "rejections", key: "rejections",
	query: func(ctx context.Context, l *ledger.Ledger, f Filter) ([]ledger.RejectionRow, error) {
		return l.Rejections(ctx, ledgerFilter(f))
	},
	columns: []column[ledger.RejectionRow]{
		{"payer_id", "", func(r ledger.RejectionRow) any { return r.PayerID }},
		{"source_kind", "", func(r ledger.RejectionRow) any { return r.SourceKind }},
		{"reason", "", func(r ledger.RejectionRow) any { return r.Reason }},
		{"claims", "", func(r ledger.RejectionRow) any { return r.Claims }},
		{"charge", "", func(r ledger.RejectionRow) any { return r.Charge }},
	},
}

// daily is the totals by day.
var daily = list[ledger.DailyRow]{
	name: "daily", key: "days",
	query: func(ctx context.Context, l *ledger.Ledger, f Filter) ([]ledger.DailyRow, error) {
		return l.Daily(ctx, ledgerFilter(f))
	},
	columns: []column[ledger.DailyRow]{
		{"date", "", func(r ledger.DailyRow) any { return r.Date }},
		{"claims_submitted", "", func(r ledger.DailyRow) any { return r.Submitted }},
		{"billed", "", func(r ledger.DailyRow) any { return r.Billed }},
		{"paid", "", func(r ledger.DailyRow) any { return r.Paid }},
		{"patient_resp", "patient_responsibility", func(r ledger.DailyRow) any { return r.PatientResp }},
		{"adjusted", "", func(r ledger.DailyRow) any { return r.Adjusted }},
	},
}
