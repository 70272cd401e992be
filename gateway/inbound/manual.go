package inbound

import (
	"bytes"
	"context"
	"fmt"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/sets"
)

// MatchException matches an exception to a claim by hand. In one
// transaction the exception is resolved, the claim's history records who
// matched it, and, for a CLP of an 835 that no claim matched, the CLP is
// posted to the claim as its payment, the claim's status following as if
// it had matched; posted tells whether it was. The claim's events are
// published once it commits, as the processor's are. A CLP that may not be
// posted to that claim is refused with a *RefusedError.
func (p *Processor) MatchException(ctx context.Context, id int64, claimID, actor string) (posted bool, err error) {
	led := p.o.Ledger
	ex, err := led.Exception(ctx, id)
	if err != nil {
		return false, err
	}
	var in *ledger.InboundFile
	var rem *remit.Remittance
	var clp *remit.Claim
	if ex.Kind == "835" && ex.InboundSHA256 != "" {
		if in, err = led.InboundContent(ctx, ex.InboundSHA256); err != nil {
			return false, err
		}
		if rem, clp, err = parkedCLP(in.Content, ex.ST02, ex.Position); err != nil {
			return false, err
		}
	}
	var a *applier
	err = led.ResolveException(ctx, id, claimID, actor, func(tx *ledger.Tx, e ledger.Exception) error {
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
		a = &applier{now: p.o.Now, tx: tx, file: in}
		return a.post(e.ST02, rem, remID, clp, claimID, "matched by hand by "+actor)
	})
	if err != nil {
		return false, err
	}
	if a != nil {
		p.o.Events.Publish(ctx, a.events)
	}
	return clp != nil, nil
}

// parkedCLP finds the CLP at a position of an 835 transaction set, named
// as setRefs names it.
func parkedCLP(content []byte, st02 string, position int) (*remit.Remittance, *remit.Claim, error) {
	doc, err := x12.ReadFileWith(bytes.NewReader(content), sets.Decoders())
	if err != nil {
		return nil, nil, err
	}
	refs := setRefs(doc)
	for _, ic := range doc.Interchanges {
		for _, g := range ic.Groups {
			for _, t := range g.Transactions {
				r, ok := t.Remittance.(*remit.Remittance)
				if !ok || refs[t] != st02 {
					continue
				}
				for _, c := range r.Claims {
					if c.Position.Position == position {
						return r, c, nil
					}
				}
			}
		}
	}
	return nil, nil, nil
}
