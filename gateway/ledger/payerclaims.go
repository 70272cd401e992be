package ledger

// Payer claims: one encounter's claims to its payers after the first
// (coordination of benefits), which inbound processing builds from the
// payer before's 835: a secondary (tertiary) claim, or the void of one.

import (
	"context"
	"fmt"
	"strings"

	"github.com/claimsgw/claimsgw/x12/money"
)

// voidSuffix ends the id of a void claim: the claim it voids, then this.
const voidSuffix = "~void"

// PayerClaimID is the id of the claim to the payer with responsibility
// resp (S, T) that carries the adjudication of claim prior, the n-th
// such claim (1 the first; another is built only after a void).
func PayerClaimID(encounterID, resp string, n int) string {
	if n <= 1 {
		return encounterID + "~" + resp
	}
	return fmt.Sprintf("%s~%s%d", encounterID, resp, n)
}

// VoidClaimID is the id of the void (frequency 8) of a claim.
func VoidClaimID(claimID string) string { return claimID + voidSuffix }

// IsVoid reports whether the claim is a void the gateway built.
func (c *Claim) IsVoid() bool { return c.PriorClaimID != "" && strings.HasSuffix(c.ID, voidSuffix) }

// AddPayerClaim adds a claim the gateway built from another's
// adjudication (c.PriorClaimID), with c's lines, in status to (queued to
// be billed; pending when the payer before crossed it over, so that the
// payer has it), with its history entry and its event; billing is the
// JSON the 837 is written from (encounter.Billing). It returns false and
// writes nothing when a claim with c's id exists.
func (t *Tx) AddPayerClaim(c Claim, billing string, to Status, src Source) (bool, error) {
	if s, err := t.payerClaim(c.ID); err != nil || s != nil {
		return false, err
	}
	now := t.now()
	t.newClaims.addClaim(&c, to, now, billing)
	t.newLines.addLines(&c)
	c.Status, c.CreatedAt, c.UpdatedAt = to, fromMillis(now), fromMillis(now)
	t.snaps[c.ID] = &Snapshot{Claim: c, full: true}
	t.billings[c.ID] = billing
	if ids, ok := t.built[c.PriorClaimID]; ok {
		t.built[c.PriorClaimID] = append(ids, c.ID)
	}
	k := [2]string{c.PayerID, c.PCN}
	if ids, ok := t.byPCN[k]; ok {
		t.byPCN[k] = append([]string{c.ID}, ids...)
	}
	src.Actor = "processor"
	t.history.addHistory(c.ID, now, StatusReceived, to, src)
	t.events.addEvent(c.ID, now, StatusReceived, to, src, 0, nil)
	return true, t.flushFull()
}

// payerClaim is the snapshot of a claim by id, nil when there is none.
func (t *Tx) payerClaim(id string) (*Snapshot, error) {
	if s := t.snaps[id]; s != nil {
		return s, nil
	}
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM claims WHERE id = $1`, id).Scan(&n); err != nil {
		return nil, fmt.Errorf("ledger: claim %s: %w", id, err)
	}
	if n == 0 {
		return nil, nil
	}
	return t.Snapshot(id)
}

// PrefetchPayerClaims reads which claims were built from each of the
// claims given, a few hundred at a time, for PayerClaimsOf: one query for
// an 835's claims rather than one a claim.
func (t *Tx) PrefetchPayerClaims(priorIDs []string) error {
	var todo []string
	for _, id := range priorIDs {
		if _, ok := t.built[id]; !ok {
			t.built[id] = []string{} // none, unless the query finds some
			todo = append(todo, id)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if t.newClaims.rows() > 0 { // a claim built and kept back counts
		if err := t.flush(); err != nil {
			return err
		}
	}
	for chunk := range chunks(todo) {
		err := queryEach(t.ctx, t.tx, "claims built from others", `SELECT id, prior_claim_id FROM claims
			WHERE prior_claim_id IN (`+t.l.list(1, len(chunk))+`) ORDER BY created_at, id`, anys(chunk), func(row scanner) error {
			var id, prior string
			if err := row.Scan(&id, &prior); err != nil {
				return err
			}
			t.built[prior] = append(t.built[prior], id)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// PayerClaimsOf returns the snapshots of the claims built from a claim's
// adjudication (or voiding it), oldest first.
func (t *Tx) PayerClaimsOf(priorID string) ([]*Snapshot, error) {
	ids, ok := t.built[priorID]
	if !ok {
		if err := t.flush(); err != nil {
			return nil, err
		}
		var err error
		ids, err = queryAll(t.ctx, t.tx, "claims of "+priorID, `SELECT id FROM claims WHERE prior_claim_id = $1 ORDER BY created_at, id`,
			[]any{priorID}, func(row scanner) (string, error) {
				var id string
				return id, row.Scan(&id)
			})
		if err != nil {
			return nil, err
		}
	}
	var err error
	out := make([]*Snapshot, len(ids))
	for i, id := range ids {
		if out[i], err = t.Snapshot(id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Billing returns the JSON a claim's 837 is written from (encounter.Billing),
// "" for the encounter's first claim.
func (t *Tx) Billing(claimID string) (string, error) {
	if b, ok := t.billings[claimID]; ok { // built in this transaction
		return b, nil
	}
	var b string
	if err := t.tx.QueryRowContext(t.ctx, `SELECT billing FROM claims WHERE id = $1`, claimID).Scan(&b); err != nil {
		return "", fmt.Errorf("ledger: claim %s billing: %w", claimID, err)
	}
	return b, nil
}

// EncounterBalance is where an encounter's money stands across every
// payer's claim: Charge = Paid + Adjustments + PatientResp, to the cent,
// when every payer that adjudicated balanced.
type EncounterBalance struct {
	EncounterID string         `json:"encounter_id"`
	Charge      money.Cents    `json:"charge"`
	Paid        money.Cents    `json:"paid"`        // Σ every payer's CLP04, reversals included
	Adjustments money.Cents    `json:"adjustments"` // Σ every payer's CAS but PR and OA-23 (the impact of the payer before, which that payer's own CAS already say)
	PatientResp money.Cents    `json:"patient_responsibility"`
	Balanced    bool           `json:"balanced"`
	Claims      []PayerBalance `json:"claims"`
}

// PayerBalance is one payer's claim of an encounter.
type PayerBalance struct {
	ClaimID        string      `json:"claim_id"`
	PayerID        string      `json:"payer_id"`
	Responsibility string      `json:"responsibility"`
	Status         Status      `json:"status"`
	Paid           money.Cents `json:"paid"`
	Adjustments    money.Cents `json:"adjustments"`
	PatientResp    money.Cents `json:"patient_responsibility"` // Σ its CLP05
}

// EncounterBalance reads an encounter's claims and their payments. The
// patient's final responsibility is that of the last payer with a
// payment (S after P, T after S; a voided claim's nets to nothing).
func (l *Ledger) EncounterBalance(ctx context.Context, encounterID string) (*EncounterBalance, error) {
	claims, err := queryClaims(ctx, l.db, "claims of encounter "+encounterID, `SELECT `+claimColumns+` FROM claims WHERE encounter_id = $1 ORDER BY created_at, id`, encounterID)
	if err != nil {
		return nil, err
	}
	if len(claims) == 0 {
		return nil, fmt.Errorf("ledger: encounter %s: %w", encounterID, ErrNotFound)
	}
	b := &EncounterBalance{EncounterID: encounterID}
	last, lastRank := -1, -1
	for _, c := range claims {
		if c.Responsibility == "P" {
			b.Charge = c.Charge
		}
		pays, err := l.Payments(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		pb := PayerBalance{ClaimID: c.ID, PayerID: c.PayerID, Responsibility: c.Responsibility, Status: c.Status}
		for _, p := range pays {
			pb.Paid += p.Paid
			pb.PatientResp += p.PatientResp
			for _, a := range p.Adjustments {
				if a.Group != "PR" && !(a.Group == "OA" && a.Reason == "23") {
					pb.Adjustments += a.Amount
				}
			}
		}
		b.Paid += pb.Paid
		b.Adjustments += pb.Adjustments
		if rank := strings.Index("PST", c.Responsibility); len(pays) > 0 && c.Status != StatusVoided && !c.IsVoid() && rank >= lastRank {
			last, lastRank = len(b.Claims), rank
		}
		b.Claims = append(b.Claims, pb)
	}
	if last >= 0 {
		b.PatientResp = b.Claims[last].PatientResp
	}
	b.Balanced = b.Charge == b.Paid+b.Adjustments+b.PatientResp
	return b, nil
}

// AwaitsAdjudication reports whether a claim with this patient control
// number lists payerID among the payers after it and is still open at
// its own payer (OpenStatuses): that payer's 835, in a file not applied
// yet, may cross it over to payerID and so make the claim a CLP of
// payerID's names.
func (t *Tx) AwaitsAdjudication(payerID, pcn string) (bool, error) {
	if err := t.flush(); err != nil { // the statuses the transaction moved
		return false, err
	}
	args := []any{pcn, payerID}
	for _, s := range OpenStatuses {
		args = append(args, s)
	}
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM claims WHERE pcn = $1 AND ',' || next_payers || ',' LIKE '%,' || $2 || ',%'
		AND status IN (`+t.l.list(3, len(OpenStatuses))+`)`, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("ledger: claims awaiting adjudication: %w", err)
	}
	return n > 0, nil
}
