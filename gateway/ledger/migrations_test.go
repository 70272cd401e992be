package ledger_test

import (
	"context"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// Migration 007 rebuilds the tables of a payment's rows and of claim
// lines: what a ledger held before is read back the same after.
func TestMigration007KeepsRows(t *testing.T) {
	ledgertest.EachOpen(t, func(t *testing.T, open func(testing.TB) *ledger.Ledger) {
		ctx := context.Background()
		l, migrate := ledger.OpenBefore(6, func() *ledger.Ledger { return open(t) })
		// M1 as RecordEncounter wrote it then (today it writes tables a
		// ledger of then does not have: its event's).
		_, c := encounter("M1", true)
		for _, q := range []string{
			`INSERT INTO encounters (id, payer_id, claim_type, raw, status, problems, received_at) VALUES ('M1', 'SIMPAYER', 'professional', '{}', 'accepted', '[]', 1)`,
			`INSERT INTO claims (id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents, service_from, service_to, status, created_at, updated_at)
				VALUES ('M1', 'M1', 'SIMPAYER', 'professional', 'PCN-M1', '1234567893', '621234567', 23500, '2026-11-02', '2026-11-02', 'queued', 1, 1)`,
			`INSERT INTO claim_lines (claim_id, line_no, line_id, procedure, charge_cents, units, service_date)
				VALUES ('M1', 1, 'M1-1', 'HC:99214:25', 18500, '1', '2026-11-02'), ('M1', 2, 'M1-2', 'HC:85025', 5000, '1', '2026-11-02')`,
			`INSERT INTO claim_payments (claim_id, remittance_id, inbound_sha256, st02, position, trace_number, payment_date, status_code,
				charge_cents, paid_cents, patient_resp_cents, payer_claim_number, at)
				VALUES ('M1', 1, 'sha-m', '0001', 12, 'TR1', '2026-11-20', '1', 23500, 17000, 2000, 'PAYM1', 1)`,
			`INSERT INTO claim_adjustments (payment_id, claim_id, line_no, group_code, reason_code, amount_cents, quantity)
				VALUES (1, 'M1', 0, 'OA', '23', 0, ''), (1, 'M1', 1, 'CO', '45', 4500, ''), (1, 'M1', 1, 'PR', '3', 2000, '')`,
			`INSERT INTO claim_remarks (payment_id, claim_id, line_no, code) VALUES (1, 'M1', 2, 'M15')`,
			`INSERT INTO line_payments (payment_id, claim_id, line_no, position, procedure, charge_cents, paid_cents, allowed_cents)
				VALUES (1, 'M1', 1, 14, 'HC:99214:25', 18500, 12000, 14000), (1, 'M1', 2, 20, 'HC:85025', 5000, 5000, 0)`,
		} {
			if err := l.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := migrate(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := l.Claim(ctx, "M1")
		if err != nil || len(got.Lines) != 2 || got.Lines[0] != c.Lines[0] || got.Lines[1] != c.Lines[1] {
			t.Errorf("M1's lines after the migration: %+v, %v; want %+v", got, err, c.Lines)
		}
		ps, err := l.Payments(ctx, "M1")
		if err != nil || len(ps) != 1 || len(ps[0].Adjustments) != 3 {
			t.Fatalf("M1's payments after the migration: %+v, %v", ps, err)
		}
		want := []ledger.Adjustment{{LineNo: 0, Group: "OA", Reason: "23"}, {LineNo: 1, Group: "CO", Reason: "45", Amount: 4500}, {LineNo: 1, Group: "PR", Reason: "3", Amount: 2000}}
		for i, a := range ps[0].Adjustments {
			if a != want[i] {
				t.Errorf("adjustment %d: %+v, want %+v", i, a, want[i])
			}
		}
		rows, err := l.Denials(ctx, ledger.ReportFilter{})
		if err != nil || len(rows) != 0 {
			t.Errorf("denials of a paid claim: %+v, %v", rows, err)
		}
		b, err := l.ClaimBalance(ctx, "M1")
		if err != nil || b.Paid != 17000 || b.PatientResp != 2000 || b.Contractual != 4500 {
			t.Errorf("M1's balance after the migration: %+v, %v", b, err)
		}
	})
}

// Migration 008 says how the exceptions resolved before it were resolved:
// all of them by matching, the only way there was.
func TestMigration008ResolvedWereMatched(t *testing.T) {
	ledgertest.EachOpen(t, func(t *testing.T, open func(testing.TB) *ledger.Ledger) {
		ctx := context.Background()
		l, migrate := ledger.OpenBefore(7, func() *ledger.Ledger { return open(t) })
		if err := l.Exec(ctx, `INSERT INTO exceptions (inbound_sha256, kind, st02, position, pcn, reason, status, claim_id, resolved_by, at, resolved_at)
			VALUES ('sha-a', '835', '0001', 12, 'P1', 'no claim', 'resolved', 'C1', 'alice', 1, 2), ('sha-a', '835', '0001', 30, 'P2', 'no claim', 'open', '', '', 1, 0)`); err != nil {
			t.Fatal(err)
		}
		if err := migrate(ctx); err != nil {
			t.Fatal(err)
		}
		es, err := l.Exceptions(ctx, ledger.ExceptionFilter{})
		if err != nil || len(es) != 2 || es[0].Resolution != ledger.Matched || es[0].ClaimID != "C1" || es[1].Resolution != "" || es[1].Status != "open" {
			t.Errorf("exceptions after the migration: %+v, %v", es, err)
		}
	})
}

// Migration 013: the exceptions before it stand for one item each.
func TestMigration013OneItemEach(t *testing.T) {
	ledgertest.EachOpen(t, func(t *testing.T, open func(testing.TB) *ledger.Ledger) {
		ctx := context.Background()
		l, migrate := ledger.OpenBefore(12, func() *ledger.Ledger { return open(t) })
		if err := l.Exec(ctx, `INSERT INTO exceptions (inbound_sha256, kind, st02, position, pcn, reason, status, at)
			VALUES ('sha-a', '835', '0001', 12, 'P1', 'no claim', 'open', 1)`); err != nil {
			t.Fatal(err)
		}
		if err := migrate(ctx); err != nil {
			t.Fatal(err)
		}
		es, err := l.Exceptions(ctx, ledger.ExceptionFilter{})
		if err != nil || len(es) != 1 || es[0].Count != 1 || es[0].Items != nil || es[0].PCN != "P1" {
			t.Errorf("exceptions after the migration: %+v, %v", es, err)
		}
	})
}

// Migration 018 makes claims.encounter_id no longer unique (on SQLite by
// making the table again, its rows' children in place): the claims
// before it keep their rows, lines, history and payments, are the first
// payer's (P), and an encounter takes a second claim. Before, the second
// claim of an encounter was refused.
func TestMigration018SeveralClaimsAnEncounter(t *testing.T) {
	ledgertest.EachOpen(t, func(t *testing.T, open func(testing.TB) *ledger.Ledger) {
		ctx := context.Background()
		l, migrate := ledger.OpenBefore(17, func() *ledger.Ledger { return open(t) })
		second := `INSERT INTO claims (id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents, service_from, service_to, status, created_at, updated_at)
			VALUES ('M1~S', 'M1', 'SIMPAYER2', 'professional', 'PCN-M1', '1234567893', '621234567', 23500, '2026-11-02', '2026-11-02', 'queued', 2, 2)`
		for _, q := range []string{
			`INSERT INTO encounters (id, payer_id, claim_type, raw, status, problems, received_at) VALUES ('M1', 'SIMPAYER', 'professional', '{}', 'accepted', '[]', 1)`,
			`INSERT INTO claims (id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents, service_from, service_to, status, created_at, updated_at)
				VALUES ('M1', 'M1', 'SIMPAYER', 'professional', 'PCN-M1', '1234567893', '621234567', 23500, '2026-11-02', '2026-11-02', 'paid', 1, 1)`,
			`INSERT INTO claim_lines (claim_id, line_no, line_id, procedure, charge_cents, units, service_date)
				VALUES ('M1', 1, 'M1-1', 'HC:99214:25', 18500, '1', '2026-11-02'), ('M1', 2, 'M1-2', 'HC:85025', 5000, '1', '2026-11-02')`,
			`INSERT INTO claim_history (claim_id, at, from_status, to_status, source_kind, source_file, source_st02, position, reason, actor)
				VALUES ('M1', 1, 'received', 'queued', 'intake', '', '', 0, '', 'intake')`,
			`INSERT INTO claim_payments (claim_id, remittance_id, inbound_sha256, st02, position, trace_number, payment_date, status_code,
				charge_cents, paid_cents, patient_resp_cents, payer_claim_number, at)
				VALUES ('M1', 1, 'sha-m', '0001', 12, 'TR1', '2026-11-20', '1', 23500, 17000, 2000, 'PAYM1', 1)`,
		} {
			if err := l.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Exec(ctx, second); err == nil {
			t.Fatal("before migration 018, an encounter took a second claim")
		}
		if err := migrate(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := l.Claim(ctx, "M1")
		if err != nil || got.Responsibility != "P" || got.Status != ledger.StatusPaid || len(got.Lines) != 2 || got.PriorClaimID != "" || got.NextPayers != nil {
			t.Fatalf("M1 after the migration: %+v, %v", got, err)
		}
		if h, err := l.History(ctx, "M1"); err != nil || len(h) != 1 {
			t.Errorf("M1's history after the migration: %+v, %v", h, err)
		}
		if ps, err := l.Payments(ctx, "M1"); err != nil || len(ps) != 1 || ps[0].Paid != 17000 {
			t.Errorf("M1's payments after the migration: %+v, %v", ps, err)
		}
		if err := l.Exec(ctx, second); err != nil {
			t.Fatalf("after migration 018, an encounter's second claim: %v", err)
		}
		if err := l.Exec(ctx, `INSERT INTO claim_lines (claim_id, line_no, line_id, procedure, charge_cents, units, service_date)
			VALUES ('NOSUCH', 1, 'X', 'HC:1', 1, '1', '2026-11-02')`); err == nil {
			t.Error("after migration 018, a line of no claim was taken: the foreign keys are gone")
		}
	})
}
