package ledger

import (
	"context"
	"fmt"

	"github.com/claimsgw/claimsgw/x12/money"
)

// Totals sums up the ledger: what a run of the demo reports, and what an
// operator checks first.
type Totals struct {
	Claims         int
	ByStatus       map[Status]int // where claims stand now
	Reached        map[Status]int // claims that were ever in each status
	Charge         money.Cents    // billed, valid claims only
	Paid           money.Cents    // every CLP04 applied, reversals included
	PatientResp    money.Cents
	Files          int // outbound files built
	InboundFiles   int
	OpenExceptions int
}

// Totals reads the ledger's totals.
func (l *Ledger) Totals(ctx context.Context) (*Totals, error) {
	t := &Totals{Reached: map[Status]int{}}
	var err error
	if t.ByStatus, err = l.CountByStatus(ctx); err != nil {
		return nil, err
	}
	for _, n := range t.ByStatus {
		t.Claims += n
	}
	rows, err := l.db.QueryContext(ctx, `SELECT to_status, count(DISTINCT claim_id) FROM claim_history GROUP BY to_status`)
	if err != nil {
		return nil, fmt.Errorf("ledger: totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Status
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("ledger: totals: %w", err)
		}
		t.Reached[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: totals: %w", err)
	}
	var charge, paid, pr int64
	err = l.db.QueryRowContext(ctx, `SELECT
			(SELECT COALESCE(SUM(charge_cents), 0) FROM claims WHERE status <> $1),
			(SELECT COALESCE(SUM(paid_cents), 0) FROM claim_payments),
			(SELECT COALESCE(SUM(patient_resp_cents), 0) FROM claim_payments),
			(SELECT count(*) FROM files),
			(SELECT count(*) FROM inbound_files),
			(SELECT count(*) FROM exceptions WHERE status = 'open')`, StatusInvalid).
		Scan(&charge, &paid, &pr, &t.Files, &t.InboundFiles, &t.OpenExceptions)
	if err != nil {
		return nil, fmt.Errorf("ledger: totals: %w", err)
	}
	t.Charge, t.Paid, t.PatientResp = money.Cents(charge), money.Cents(paid), money.Cents(pr)
	return t, nil
}
