package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/claimsgw/claimsgw/x12/money"
)

// Tx is one transaction of inbound processing: everything a payer file
// changes, applied together with the file's processed mark, or not at all.
//
// An 835 of thousands of CLPs reads and writes the same few things for
// each: so a Tx keeps the claims it has read (as they stand in the
// transaction: their status follows its transitions), their lines and
// what was paid on them, Prefetch reads them for many patient control
// numbers at once, and the rows nothing reads back in the transaction
// (adjustments, remarks, line payments, history) are inserted many to a
// statement.
type Tx struct {
	l   *Ledger
	ctx context.Context
	tx  runner

	claims map[string]*Claim       // by id
	byPCN  map[[2]string][]string  // payer, PCN → claim ids, newest first
	lines  map[string][]Line       // by claim id
	paid   map[string]*claimTotals // by claim id

	payments, adjustments, remarks, linePayments, history *rowBatch
	paymentIDs                                            []int64 // reserved (ReservePayments), not handed out yet
	lastPaymentID                                         int64   // SQLite: the last id reserved

	// The claims moved or given a payer's number in the transaction, with
	// when: written together (claimUpdates) as the transaction ends. Every
	// read of a claim in a Tx goes through claims first.
	dirty        map[string]int64
	claimUpdates *rowBatch
}

func (l *Ledger) newTx(ctx context.Context, tx *sql.Tx) *Tx {
	return &Tx{l: l, ctx: ctx, tx: l.stmtCache(tx),
		claims: map[string]*Claim{}, byPCN: map[[2]string][]string{}, lines: map[string][]Line{}, paid: map[string]*claimTotals{},
		payments:     l.paymentBatch(),
		adjustments:  l.rowBatch("claim_adjustments", "payment_id, claim_id, line_no, group_code, reason_code, amount_cents, quantity", ""),
		remarks:      l.rowBatch("claim_remarks", "payment_id, claim_id, line_no, code", ""),
		linePayments: l.rowBatch("line_payments", "payment_id, claim_id, line_no, position, procedure, charge_cents, paid_cents, allowed_cents", ""),
		history:      l.historyBatch(),
		dirty:        map[string]int64{},
		claimUpdates: l.updateBatch("claims", "id, status, number, at", []string{"", "", "", "BIGINT"},
			"status = v.status, payer_claim_number = v.number, updated_at = v.at FROM v WHERE claims.id = v.id"),
	}
}

// flush writes the rows kept back: at the end of the transaction, and
// before a query that reads their tables.
func (t *Tx) flush() error {
	ids := slices.Sorted(maps.Keys(t.dirty))
	for _, id := range ids {
		c := t.claims[id]
		t.claimUpdates.add(id, c.Status, c.PayerClaimNumber, t.dirty[id])
	}
	clear(t.dirty)
	// Payments before the rows that refer to them.
	for _, b := range []*rowBatch{t.claimUpdates, t.payments, t.adjustments, t.remarks, t.linePayments, t.history} {
		if err := b.exec(t.ctx, t.tx); err != nil {
			return err
		}
	}
	return nil
}

// flushFull flushes once a table has a full statement's worth kept back,
// so that rows never pile up.
func (t *Tx) flushFull() error {
	for _, b := range []*rowBatch{t.payments, t.adjustments, t.remarks, t.linePayments, t.history} {
		if b.rows() >= batchRows {
			return t.flush()
		}
	}
	return nil
}

// paymentBatch inserts claim_payments rows with the ids AddPayment
// reserved (PostgreSQL generates its identity column unless told).
func (l *Ledger) paymentBatch() *rowBatch {
	b := l.rowBatch("claim_payments", "id, claim_id, remittance_id, inbound_sha256, st02, position, trace_number, payment_date, "+
		"status_code, charge_cents, paid_cents, patient_resp_cents, payer_claim_number, at", "")
	if l.driver == Postgres {
		b.head = strings.Replace(b.head, ") VALUES ", ") OVERRIDING SYSTEM VALUE VALUES ", 1)
	}
	return b
}

// ReservePayments reserves ids for the n payments about to be added (an
// 835's CLPs), so that AddPayment need not ask for each; on PostgreSQL an
// id reserved and not used is a gap in claim_payments' ids.
func (t *Tx) ReservePayments(n int) error {
	if n <= len(t.paymentIDs) {
		return nil
	}
	n -= len(t.paymentIDs)
	if t.l.driver == SQLite {
		// This is the one writer: the ids after the highest given are free.
		if t.lastPaymentID == 0 {
			if err := t.tx.QueryRowContext(t.ctx, `SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'claim_payments'), 0),
				COALESCE((SELECT MAX(id) FROM claim_payments), 0))`).Scan(&t.lastPaymentID); err != nil {
				return fmt.Errorf("ledger: payment ids: %w", err)
			}
		}
		for range n {
			t.lastPaymentID++
			t.paymentIDs = append(t.paymentIDs, t.lastPaymentID)
		}
		return nil
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT nextval(pg_get_serial_sequence('claim_payments', 'id')) FROM generate_series(1, $1)`, n)
	if err != nil {
		return fmt.Errorf("ledger: payment ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("ledger: payment ids: %w", err)
		}
		t.paymentIDs = append(t.paymentIDs, id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger: payment ids: %w", err)
	}
	return nil
}

// paymentID hands out a reserved payment id, reserving one if none is.
func (t *Tx) paymentID() (int64, error) {
	if err := t.ReservePayments(1); err != nil {
		return 0, err
	}
	if len(t.paymentIDs) == 0 {
		return 0, errors.New("ledger: payment ids: none reserved")
	}
	id := t.paymentIDs[0]
	t.paymentIDs = t.paymentIDs[1:]
	return id, nil
}

// prefetchChunk is how many keys one IN list of Prefetch holds at most.
const prefetchChunk = 512

// Prefetch reads, for many patient control numbers of a payer at once,
// what ClaimsByPCN, Claim, ClaimLines and PaidTotals would read for each:
// an 835's CLPs take a query per 512 instead of several each.
func (t *Tx) Prefetch(payerID string, pcns []string) error {
	var todo []string
	seen := map[string]bool{}
	for _, pcn := range pcns {
		if k := [2]string{payerID, pcn}; !seen[pcn] && t.byPCN[k] == nil {
			seen[pcn] = true
			todo = append(todo, pcn)
			t.byPCN[k] = []string{} // none, unless the query finds some
		}
	}
	var ids []string
	for chunk := range chunks(todo) {
		claims, err := queryClaims(t.ctx, t.tx, "claims by PCN", `SELECT `+claimColumns+` FROM claims
			WHERE payer_id = $1 AND pcn IN (`+t.l.list(2, len(chunk))+`) ORDER BY pcn, created_at DESC, id DESC`+t.forUpdate(), append([]any{payerID}, anys(chunk)...)...)
		if err != nil {
			return err
		}
		for _, c := range claims {
			k := [2]string{payerID, c.PCN}
			t.byPCN[k] = append(t.byPCN[k], c.ID)
			if t.claims[c.ID] == nil {
				t.claims[c.ID] = &c
				ids = append(ids, c.ID)
			}
		}
	}
	for chunk := range chunks(ids) {
		args := anys(chunk)
		rows, err := t.tx.QueryContext(t.ctx, `SELECT claim_id, line_no, line_id, procedure, charge_cents, units, service_date
			FROM claim_lines WHERE claim_id IN (`+t.l.list(1, len(chunk))+`) ORDER BY claim_id, line_no`, args...)
		if err != nil {
			return fmt.Errorf("ledger: claim lines: %w", err)
		}
		err = scanLines(rows, func(id string, ln Line) { t.lines[id] = append(t.lines[id], ln) })
		if err != nil {
			return err
		}
		for _, id := range chunk {
			if t.lines[id] == nil {
				t.lines[id] = []Line{}
			}
			t.paid[id] = &claimTotals{}
		}
		if t.payments.rows() > 0 { // a claim paid before it was read (by id) counts its payment
			if err := t.flush(); err != nil {
				return err
			}
		}
		prows, err := t.tx.QueryContext(t.ctx, `SELECT claim_id, SUM(paid_cents), SUM(patient_resp_cents), count(*) FROM claim_payments
			WHERE claim_id IN (`+t.l.list(1, len(chunk))+`) GROUP BY claim_id`, args...)
		if err != nil {
			return fmt.Errorf("ledger: payments: %w", err)
		}
		for prows.Next() {
			var id string
			var tot claimTotals
			if err := prows.Scan(&id, &tot.paid, &tot.patientResp, &tot.clps); err != nil {
				prows.Close()
				return fmt.Errorf("ledger: payments: %w", err)
			}
			t.paid[id] = &tot
		}
		prows.Close()
		if err := prows.Err(); err != nil {
			return fmt.Errorf("ledger: payments: %w", err)
		}
	}
	return nil
}

// chunks cuts keys into IN lists of at most prefetchChunk, each padded to
// a power of two by repeating its last key (which changes no result): so
// the statements have ten lengths, not five hundred, and the ledger keeps
// each prepared (stmtPool).
func chunks(keys []string) func(yield func([]string) bool) {
	return func(yield func([]string) bool) {
		for len(keys) > 0 {
			n := min(len(keys), prefetchChunk)
			chunk := keys[:n:n]
			for size := 1; ; size *= 2 {
				if size >= n {
					for len(chunk) < size {
						chunk = append(chunk, keys[n-1])
					}
					break
				}
			}
			if !yield(chunk) {
				return
			}
			keys = keys[n:]
		}
	}
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// list is the parameter list of an IN clause of n values, numbered from
// first on PostgreSQL; ? on SQLite, whose driver looks numbered ones up by
// name, in a list as long as the statement's parameters.
func (l *Ledger) list(first, n int) string {
	if l.driver == SQLite {
		return strings.TrimSuffix(strings.Repeat("?,", n), ",")
	}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", first+i)
	}
	return b.String()
}

// forUpdate locks the claims a Tx reads, on PostgreSQL: the Tx moves them
// from the status it read, so two replicas applying two payer files (a
// 277CA and an 835 for the same claims) must take turns, or the later
// commit would undo the other's move (accepted over paid). SQLite has one
// writer at a time anyway.
func (t *Tx) forUpdate() string {
	if t.l.driver == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// ClaimsByPCN returns a payer's claims with a patient control number,
// newest first.
func (t *Tx) ClaimsByPCN(payerID, pcn string) ([]Claim, error) {
	if err := t.Prefetch(payerID, []string{pcn}); err != nil {
		return nil, err
	}
	ids := t.byPCN[[2]string{payerID, pcn}]
	out := make([]Claim, len(ids))
	for i, id := range ids {
		out[i] = *t.claims[id]
	}
	return out, nil
}

// Claim returns a claim's current state within the transaction.
func (t *Tx) Claim(claimID string) (*Claim, error) {
	if c := t.claims[claimID]; c != nil {
		cp := *c
		return &cp, nil
	}
	c, err := scanClaim(t.tx.QueryRowContext(t.ctx, `SELECT `+claimColumns+` FROM claims WHERE id = $1`+t.forUpdate(), claimID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger: claim %s: %w", claimID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: claim %s: %w", claimID, err)
	}
	t.claims[claimID] = c
	cp := *c
	return &cp, nil
}

// ClaimLines returns a claim's lines.
func (t *Tx) ClaimLines(claimID string) ([]Line, error) {
	if lines, ok := t.lines[claimID]; ok {
		return lines, nil
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT claim_id, line_no, line_id, procedure, charge_cents, units, service_date
		FROM claim_lines WHERE claim_id = $1 ORDER BY line_no`, claimID)
	if err != nil {
		return nil, fmt.Errorf("ledger: claim %s lines: %w", claimID, err)
	}
	lines := []Line{}
	if err := scanLines(rows, func(_ string, ln Line) { lines = append(lines, ln) }); err != nil {
		return nil, err
	}
	t.lines[claimID] = lines
	return lines, nil
}

// scanLines reads claim_id and a Line's columns of each row, and closes
// the rows.
func scanLines(rows *sql.Rows, f func(claimID string, ln Line)) error {
	defer rows.Close()
	for rows.Next() {
		var id string
		var ln Line
		var charge int64
		if err := rows.Scan(&id, &ln.No, &ln.LineID, &ln.Procedure, &charge, &ln.Units, &ln.ServiceDate); err != nil {
			return fmt.Errorf("ledger: claim lines: %w", err)
		}
		ln.Charge = money.Cents(charge)
		f(id, ln)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger: claim lines: %w", err)
	}
	return nil
}

// PaidTotals returns what has been paid on a claim so far, all CLPs
// (reversals included) added up.
func (t *Tx) PaidTotals(claimID string) (paid, patientResp money.Cents, err error) {
	tot, err := t.totals(claimID)
	if err != nil {
		return 0, 0, err
	}
	return tot.paid, tot.patientResp, nil
}

// CLPs returns how many CLPs were posted to the claim, reversals included.
func (t *Tx) CLPs(claimID string) (int, error) {
	tot, err := t.totals(claimID)
	if err != nil {
		return 0, err
	}
	return tot.clps, nil
}

// claimTotals is what the CLPs posted to a claim add up to.
type claimTotals struct {
	paid, patientResp money.Cents
	clps              int
}

func (t *Tx) totals(claimID string) (*claimTotals, error) {
	if tot := t.paid[claimID]; tot != nil {
		return tot, nil
	}
	if err := t.flush(); err != nil { // the payments kept back count too
		return nil, err
	}
	var tot claimTotals
	if err := t.tx.QueryRowContext(t.ctx, `SELECT COALESCE(SUM(paid_cents), 0), COALESCE(SUM(patient_resp_cents), 0), count(*) FROM claim_payments WHERE claim_id = $1`,
		claimID).Scan(&tot.paid, &tot.patientResp, &tot.clps); err != nil {
		return nil, fmt.Errorf("ledger: payments of claim %s: %w", claimID, err)
	}
	t.paid[claimID] = &tot
	return &tot, nil
}

// Transition moves a claim to a status within the transaction and returns
// the status it had.
func (t *Tx) Transition(claimID string, to Status, src Source) (Status, error) {
	c, err := t.Claim(claimID)
	if err != nil {
		return "", err
	}
	now := t.l.millis()
	t.history.addHistory(claimID, now, c.Status, to, src)
	t.claims[claimID].Status = to
	t.dirty[claimID] = now
	return c.Status, t.flushFull()
}

// SetPayerClaimNumber records the payer's own number for a claim (277CA
// REF*1K, 835 CLP07).
func (t *Tx) SetPayerClaimNumber(claimID, number string) error {
	c, err := t.Claim(claimID)
	if err != nil || c.PayerClaimNumber == number {
		return err
	}
	t.claims[claimID].PayerClaimNumber = number
	if _, ok := t.dirty[claimID]; !ok {
		t.dirty[claimID] = c.UpdatedAt.UnixMilli()
	}
	return nil
}
