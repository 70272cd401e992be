package inbound

// What a person does with an exception: match it to a claim, post a
// payment that did not balance anyway, or dismiss it; each recorded as
// who, when (by the stages' clock, Options.Now) and why.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
)

// Match is a person's match of an exception to a claim.
type Match struct {
	ClaimID string
	Actor   string
	// Force matches a CLP whose payee, patient control number or charge
	// are not the claim's (MismatchError), for Reason, which is recorded.
	Force  bool
	Reason string
}

// MismatchError refuses a manual match whose payer item does not fit the
// claim: each of Fields says what differs.
type MismatchError struct{ Fields []string }

func (e *MismatchError) Error() string {
	return "the payer's item does not fit the claim: " + strings.Join(e.Fields, "; ") + " (force the match, with a reason, to make it anyway)"
}

// ErrGrouped refuses to match an exception that stands for many items of
// its payer file (the items past the first ones failing for one reason)
// to one claim.
var ErrGrouped = errors.New("inbound: an exception that stands for many items of its payer file cannot be matched to one claim: dismiss it once they are dealt with")

// ErrNotPostable refuses PostException for an exception that is not a
// payment held back because it did not balance.
var ErrNotPostable = errors.New("inbound: only an 835 payment held back because it did not balance can be posted anyway")

// MatchException matches an exception to a claim by hand. In one
// transaction the exception is resolved, the claim's history records who
// matched it (and why, when forced), and, for a CLP of an 835 that no
// claim matched, the CLP is posted to the claim as its payment, the
// claim's status following as if it had matched; posted tells whether it
// was. The claim's events go to the ledger's outbox in that transaction,
// as the processor's do. What it records is at the time of the stages'
// clock (Options.Now).
//
// A CLP whose payee (NPI, else tax ID), patient control number or charge
// are not the claim's, or a status answer whose patient control number is
// not, is refused with a *MismatchError unless m.Force, with a reason; a
// CLP that may not be posted to that claim is refused with a
// *RefusedError; an exception that groups many items, with ErrGrouped.
func (p *Processor) MatchException(ctx context.Context, id int64, m Match) (posted bool, err error) {
	m.Reason = strings.TrimSpace(m.Reason)
	if m.Force && m.Reason == "" {
		return false, errors.New("inbound: forcing a match needs a reason")
	}
	led := p.o.Ledger
	ex, err := led.Exception(ctx, id)
	if err != nil {
		return false, err
	}
	if ex.Count > 1 {
		return false, fmt.Errorf("%w (exception %d stands for %d %s)", ErrGrouped, id, ex.Count, itemsOf(ex.Kind))
	}
	var in *ledger.InboundFile
	var rem *remit.Remittance
	var clp *remit.Claim
	if ex.Kind == "835" && ex.InboundSHA256 != "" {
		if in, err = led.InboundContent(ctx, ex.InboundSHA256); err != nil {
			return false, err
		}
		f, err := readPayerFile(in.Content)
		if err != nil {
			return false, err
		}
		g, t, r := f.set(ex.ST02)
		if r != nil {
			if clp, err = f.clpAt(g, t, ex.Position); err != nil {
				return false, err
			}
			rem = r
		}
	}
	if ex.Status == "open" {
		c, err := led.Claim(ctx, m.ClaimID)
		if errors.Is(err, ledger.ErrNotFound) {
			return false, fmt.Errorf("inbound: exception %d: claim %q: %w", id, m.ClaimID, ledger.ErrUnknownClaim)
		}
		if err != nil {
			return false, err
		}
		if ex.PayerID != "" && c.PayerID != ex.PayerID {
			return false, fmt.Errorf("inbound: exception %d of payer %s, claim %s of payer %s: %w", id, ex.PayerID, c.ID, c.PayerID, ledger.ErrOtherPayer)
		}
		if diffs := mismatch(c, ex.PCN, rem, clp); len(diffs) > 0 && !m.Force {
			return false, &MismatchError{diffs}
		}
	}
	err = led.ResolveException(ctx, id, ledger.Resolution{How: ledger.Matched, ClaimID: m.ClaimID, Actor: m.Actor, Note: m.Reason, At: p.o.Now()}, func(tx *ledger.Tx, e ledger.Exception) error {
		if clp == nil {
			return nil // not a CLP (a TA1, a 999 set, a duplicate payment): the link is the match
		}
		remID, ok, err := tx.RemittanceID(e.InboundSHA256, e.ST02)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("inbound: exception %d: its payment was never recorded", id)
		}
		a := &applier{tx: tx, file: in}
		return a.post(e.ST02, rem, remID, clp, m.ClaimID, "matched by hand by "+e.ResolvedBy)
	})
	if err != nil {
		return false, err
	}
	p.o.Events.Nudge()
	return clp != nil, nil
}

// mismatch says what of a payer's item does not fit claim c: the patient
// control number it names, and for a CLP its payee and its charge.
func mismatch(c *ledger.Claim, pcn string, r *remit.Remittance, clp *remit.Claim) []string {
	var diffs []string
	if clp != nil {
		pcn = clp.PatientControlNumber
	}
	if pcn != "" && pcn != c.PCN {
		diffs = append(diffs, fmt.Sprintf("patient control number %q is not the claim's %q", pcn, c.PCN))
	}
	if clp == nil {
		return diffs
	}
	switch npi, tin := r.Payee.NPI, r.Payee.TaxID; {
	case npi != "" && c.BillingNPI != "" && npi != c.BillingNPI:
		diffs = append(diffs, fmt.Sprintf("payee NPI %s is not the claim's billing provider %s", npi, c.BillingNPI))
	case npi == "" && tin != "" && c.BillingTaxID != "" && tin != c.BillingTaxID:
		diffs = append(diffs, fmt.Sprintf("payee tax ID %s is not the claim's billing provider's %s", tin, c.BillingTaxID))
	}
	if charge := abs(clp.Charge); charge != c.Charge {
		diffs = append(diffs, fmt.Sprintf("charge %s is not the claim's %s", charge, c.Charge))
	}
	return diffs
}

// PostException posts an 835 payment that was held back because it did
// not balance (BPR02 is not Σ CLP04 − Σ PLB), as the operator says it is
// right: in one transaction the exception is resolved (posted, who, why)
// and the set is applied as a balanced one would have been, each claim it
// posts to noting in its history who posted it by hand and why (kind
// manual, before the payment's own entry, which names the operator too), its CLPs that
// no claim takes becoming exceptions as the processor's do (grouped past
// the first for a reason). The claims' events go to the ledger's outbox
// in that transaction.
func (p *Processor) PostException(ctx context.Context, id int64, actor, reason string) error {
	led := p.o.Ledger
	ex, err := led.Exception(ctx, id)
	if err != nil {
		return err
	}
	if ex.Kind != "835" || ex.InboundSHA256 == "" {
		return ErrNotPostable
	}
	in, err := led.InboundContent(ctx, ex.InboundSHA256)
	if err != nil {
		return err
	}
	f, err := readPayerFile(in.Content)
	if err != nil {
		return err
	}
	g, t, rem := f.set(ex.ST02)
	if rem == nil || rem.Position.Position != ex.Position {
		return ErrNotPostable
	}
	diff := unbalanced(remittance(in, t, rem, f.summary(rem)))
	if diff == 0 {
		return ErrNotPostable
	}
	err = led.ResolveException(ctx, id, ledger.Resolution{How: ledger.Posted, Actor: actor, Note: reason, At: p.o.Now()}, func(tx *ledger.Tx, e ledger.Exception) error {
		a := &applier{tx: tx, file: in, read: f, route: senders(p.o.Payer(in.PayerID)), waited: true,
			byHand: &byHand{exception: id, actor: e.ResolvedBy, reason: e.Note, unbalanced: diff}}
		if err := a.remit(g, t, rem); err != nil {
			return err
		}
		return a.addGrouped()
	})
	if err != nil {
		return err
	}
	p.o.Events.Nudge()
	return nil
}

// byHand is an operator's posting of an 835 that does not balance
// (PostException): each claim it posts to has it in its history, who and
// why.
type byHand struct {
	exception     int64
	actor, reason string
	unbalanced    money.Cents
}

// DismissException closes an exception without applying anything, for a
// reason, recorded with who dismissed it and when.
func (p *Processor) DismissException(ctx context.Context, id int64, actor, reason string) error {
	return p.o.Ledger.ResolveException(ctx, id, ledger.Resolution{How: ledger.Dismissed, Actor: actor, Note: reason, At: p.o.Now()}, nil)
}
