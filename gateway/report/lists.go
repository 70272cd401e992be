package report

// The list reports: aging, denials, rejections and daily, each the rows
// of one ledger query over a Filter.

import (
	"context"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
)

func ledgerFilter(f Filter) ledger.ReportFilter {
	return ledger.ReportFilter{PayerID: f.PayerID, From: f.From, To: f.To}
}

// aging is the open claims by payer and age.
var aging = list[ledger.AgingRow]{
	name: "aging", key: "aging",
	query: func(ctx context.Context, l *ledger.Ledger, q Query) ([]ledger.AgingRow, error) {
		return l.Aging(ctx, q.PayerID, q.AsOf)
	},
	head: func(q Query) jsonRow {
		return jsonRow{{"as_of", q.AsOf.UTC().Truncate(time.Millisecond)}, {"open_statuses", ledger.OpenStatuses}}
	},
	columns: []string{"payer_id", "days", "claims", "charge"},
	keys:    map[string]string{"days": "bucket"},
	values: func(r ledger.AgingRow) []any {
		return []any{r.PayerID, r.Bucket, r.Claims, r.Charge}
	},
}

// denials is the denials by payer, CARC and RARC.
var denials = list[ledger.DenialRow]{
	name: "denials", key: "denials",
	query: func(ctx context.Context, l *ledger.Ledger, q Query) ([]ledger.DenialRow, error) {
		return l.Denials(ctx, ledgerFilter(q.Filter))
	},
	columns: []string{"payer_id", "group_code", "carc", "rarc", "count", "claims", "amount"},
	values: func(r ledger.DenialRow) []any {
		return []any{r.PayerID, r.Group, r.CARC, r.RARC, r.Count, r.Claims, r.Amount}
	},
}

// rejections is the rejected claims by payer, source and reason.
var rejections = list[ledger.RejectionRow]{
	name: "rejections", key: "rejections",
	query: func(ctx context.Context, l *ledger.Ledger, q Query) ([]ledger.RejectionRow, error) {
		return l.Rejections(ctx, ledgerFilter(q.Filter))
	},
	columns: []string{"payer_id", "source_kind", "reason", "claims", "charge"},
	values: func(r ledger.RejectionRow) []any {
		return []any{r.PayerID, r.SourceKind, r.Reason, r.Claims, r.Charge}
	},
}

// daily is the totals by day.
var daily = list[ledger.DailyRow]{
	name: "daily", key: "days",
	query: func(ctx context.Context, l *ledger.Ledger, q Query) ([]ledger.DailyRow, error) {
		return l.Daily(ctx, ledgerFilter(q.Filter))
	},
	columns: []string{"date", "claims_submitted", "billed", "paid", "patient_resp", "adjusted"},
	keys:    map[string]string{"patient_resp": "patient_responsibility"},
	values: func(r ledger.DailyRow) []any {
		return []any{r.Date, r.Submitted, r.Billed, r.Paid, r.PatientResp, r.Adjusted}
	},
}
