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
// The processor decides from a Snapshot of each claim: the claim as it
// stands in the transaction, its lines and every CLP posted to it. An
// 835 of thousands of CLPs reads them for many patient control numbers at
// once (Prefetch), and the Tx keeps them up to date as it moves claims and
// posts payments, so no decision reads the database again. The rows
// nothing reads back (payments, adjustments, remarks, line payments,
// history, the claims' new statuses) are written many to a statement.
type Tx struct {
	l   *Ledger
	ctx context.Context
	tx  runner
	now func() int64 // when a row written is at, in Unix milliseconds

	snaps map[string]*Snapshot   // by claim id
	byPCN map[[2]string][]string // payer, PCN → claim ids, newest first
	// built are the claims built from a claim (prior_claim_id), oldest
	// first, for the claims PrefetchPayerClaims read; billings the
	// billing of the claims AddPayerClaim added.
	built    map[string][]string
	billings map[string]string

	payments, adjustments, remarks, linePayments, history, events *rowBatch
	newClaims, newLines                                           *rowBatch // the claims built (AddPayerClaim)
	paymentIDs                                                    []int64   // reserved (ReservePayments), not handed out yet
	lastPaymentID                                                 int64     // SQLite: the last id reserved

	// The claims moved or given a payer's number in the transaction, with
	// when: written together (claimUpdates) as the transaction ends.
	dirty        map[string]int64
	claimUpdates *rowBatch
}

// Snapshot is a claim as an inbound transaction sees it: its status
// follows the transaction's moves, and Payments holds every CLP posted to
// it, this transaction's included. Read it; change it through the Tx.
type Snapshot struct {
	Claim                // with its Lines
	Payments []PostedCLP // in the order they were posted
	full     bool        // Lines and Payments are read
}

// PostedCLP is one CLP posted to a claim, as the decisions on the next
// need it.
type PostedCLP struct {
	StatusCode       string // CLP02; 22 is a reversal
	PayerClaimNumber string // CLP07
	Paid             money.Cents
	PatientResp      money.Cents
	Lines            []int // the claim lines its SVCs matched, one per SVC that matched one
}

// Reversal reports whether the CLP reversed an earlier one (CLP02 22).
func (p PostedCLP) Reversal() bool { return p.StatusCode == "22" }

// Paid is what the CLPs posted to the claim add up to, reversals
// included.
func (s *Snapshot) Paid() money.Cents {
	var sum money.Cents
	for _, p := range s.Payments {
		sum += p.Paid
	}
	return sum
}

// newTx is an inbound transaction in tx whose rows are at the times now
// gives.
func (l *Ledger) newTx(ctx context.Context, tx *sql.Tx, now func() int64) *Tx {
	return &Tx{l: l, ctx: ctx, tx: l.stmtCache(tx), now: now,
		snaps: map[string]*Snapshot{}, byPCN: map[[2]string][]string{}, built: map[string][]string{}, billings: map[string]string{},
		payments:     l.paymentBatch(),
		adjustments:  l.adjustmentBatch(),
		remarks:      l.remarkBatch(),
		linePayments: l.linePaymentBatch(),
		history:      l.historyBatch(),
		events:       l.outboxBatch(),
		newClaims:    l.claimBatch(),
		newLines:     l.lineBatch(),
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
		c := t.snaps[id]
		t.claimUpdates.add(id, c.Status, c.PayerClaimNumber, t.dirty[id])
	}
	clear(t.dirty)
	// Claims and payments before the rows that refer to them.
	for _, b := range []*rowBatch{t.newClaims, t.newLines, t.claimUpdates, t.payments, t.adjustments, t.remarks, t.linePayments, t.history, t.events} {
		if err := b.exec(t.ctx, t.tx); err != nil {
			return err
		}
	}
	return nil
}

// flushFull flushes once a table has a full statement's worth kept back,
// so that rows never pile up.
func (t *Tx) flushFull() error {
	for _, b := range []*rowBatch{t.newClaims, t.newLines, t.payments, t.adjustments, t.remarks, t.linePayments, t.history, t.events} {
		if b.rows() >= batchRows {
			return t.flush()
		}
	}
	return nil
}

// prefetchChunk is how many keys one IN list of Prefetch holds at most.
const prefetchChunk = 512

// Prefetch reads the snapshots of a payer's claims with any of the
// patient control numbers given, a query per 512 numbers for the claims,
// and as many for their lines and payments: an 835's CLPs are matched and
// posted without another read.
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
			if t.snaps[c.ID] == nil {
				t.snaps[c.ID] = &Snapshot{Claim: c}
			}
			if !t.snaps[c.ID].full {
				ids = append(ids, c.ID)
			}
		}
	}
	return t.readDetails(ids)
}

// readDetails reads the lines and payments of the claims given, whose
// snapshots hold the claim alone.
func (t *Tx) readDetails(ids []string) error {
	if len(ids) > 0 && t.payments.rows() > 0 { // a payment kept back counts
		if err := t.flush(); err != nil {
			return err
		}
	}
	for chunk := range chunks(slices.Compact(slices.Sorted(slices.Values(ids)))) {
		args := anys(chunk)
		for _, id := range chunk {
			s := t.snaps[id]
			s.Lines, s.Payments, s.full = []Line{}, nil, true
		}
		err := queryEach(t.ctx, t.tx, "claim lines", `SELECT claim_id, `+lineColumns+` FROM claim_lines
			WHERE claim_id IN (`+t.l.list(1, len(chunk))+`) ORDER BY claim_id, line_no`, args, func(row scanner) error {
			var id string
			ln, err := scanLine(row, &id)
			if err != nil {
				return err
			}
			t.snaps[id].Lines = append(t.snaps[id].Lines, ln)
			return nil
		})
		if err != nil {
			return err
		}
		// Each payment, with the claim lines its SVCs matched: one row a
		// line payment, or one for a payment that matched none.
		last := int64(0)
		err = queryEach(t.ctx, t.tx, "payments", `SELECT p.claim_id, p.id, p.status_code, p.payer_claim_number, p.paid_cents, p.patient_resp_cents, COALESCE(lp.line_no, 0)
			FROM claim_payments p LEFT JOIN line_payments lp ON lp.payment_id = p.id AND lp.line_no > 0
			WHERE p.claim_id IN (`+t.l.list(1, len(chunk))+`) ORDER BY p.claim_id, p.id, lp.position`, args, func(row scanner) error {
			var id string
			var pid, paid, pr int64
			var p PostedCLP
			var line int
			if err := row.Scan(&id, &pid, &p.StatusCode, &p.PayerClaimNumber, &paid, &pr, &line); err != nil {
				return err
			}
			s := t.snaps[id]
			if pid != last {
				p.Paid, p.PatientResp = money.Cents(paid), money.Cents(pr)
				s.Payments = append(s.Payments, p)
				last = pid
			}
			if line > 0 {
				cur := &s.Payments[len(s.Payments)-1]
				cur.Lines = append(cur.Lines, line)
			}
			return nil
		})
		if err != nil {
			return err
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

// ClaimsByPCN returns the snapshots of a payer's claims with a patient
// control number, newest first.
func (t *Tx) ClaimsByPCN(payerID, pcn string) ([]*Snapshot, error) {
	if err := t.Prefetch(payerID, []string{pcn}); err != nil {
		return nil, err
	}
	ids := t.byPCN[[2]string{payerID, pcn}]
	out := make([]*Snapshot, len(ids))
	for i, id := range ids {
		out[i] = t.snaps[id]
	}
	return out, nil
}

// Claim returns a claim as it stands within the transaction (its lines
// only when its snapshot was read).
func (t *Tx) Claim(claimID string) (*Claim, error) {
	s, err := t.claim(claimID)
	if err != nil {
		return nil, err
	}
	c := s.Claim
	return &c, nil
}

func (t *Tx) claim(claimID string) (*Snapshot, error) {
	if s := t.snaps[claimID]; s != nil {
		return s, nil
	}
	c, err := scanClaim(t.tx.QueryRowContext(t.ctx, `SELECT `+claimColumns+` FROM claims WHERE id = $1`+t.forUpdate(), claimID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger: claim %s: %w", claimID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: claim %s: %w", claimID, err)
	}
	s := &Snapshot{Claim: *c}
	t.snaps[claimID] = s
	return s, nil
}

// Snapshot returns a claim's snapshot, its lines and payments read.
func (t *Tx) Snapshot(claimID string) (*Snapshot, error) {
	s, err := t.claim(claimID)
	if err != nil || s.full {
		return s, err
	}
	if err := t.readDetails([]string{claimID}); err != nil {
		return nil, err
	}
	return s, nil
}

// Transition moves a claim to a status within the transaction, with its
// history entry and its event, and returns the status it had. src.Paid
// goes to the event.
func (t *Tx) Transition(claimID string, to Status, src Source) (Status, error) {
	s, err := t.claim(claimID)
	if err != nil {
		return "", err
	}
	from, now := s.Status, t.now()
	t.history.addHistory(claimID, now, from, to, src)
	t.events.addEvent(claimID, now, from, to, src, 0, nil)
	s.Status = to
	t.dirty[claimID] = now
	return from, t.flushFull()
}

// Note writes an entry in a claim's history that leaves its status as it
// is (a payer's answer that names it among others it cannot be told
// from): no event.
func (t *Tx) Note(claimID string, src Source) error {
	s, err := t.claim(claimID)
	if err != nil {
		return err
	}
	t.history.addHistory(claimID, t.now(), s.Status, s.Status, src)
	return t.flushFull()
}

// SetPayerClaimNumber records the payer's own number for a claim (277CA
// REF*1K, 835 CLP07).
func (t *Tx) SetPayerClaimNumber(claimID, number string) error {
	s, err := t.claim(claimID)
	if err != nil || s.PayerClaimNumber == number {
		return err
	}
	s.PayerClaimNumber = number
	if _, ok := t.dirty[claimID]; !ok {
		t.dirty[claimID] = s.UpdatedAt.UnixMilli()
	}
	return nil
}
