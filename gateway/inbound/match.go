package inbound

// Matching: which claim a payer's CLP, 277 claim or PLB reference names,
// and which claim line an SVC pays.

import (
	"fmt"
	"slices"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
)

// claimRef is how a payer names a claim: by its patient control number
// (CLP01, TRN02 of a 277, a PLB reference), with what it says of the
// billing provider (the payee's NPI, else tax ID), the charge and its own
// claim control number (CLP07, REF*1K).
type claimRef struct {
	pcn, npi, taxID string
	charge          money.Cents
	payerNo         string
	clp             string // the CLP02 of an 835's claim, "" for a 277's or a PLB's
}

// matched is what matchClaim found: the claim (id, "" for none), what is
// odd about the match or why there is none (warning), and the candidates
// that nothing told apart (tied), which each get a note in their history.
type matched struct {
	id, warning string
	tied        []string
}

// matchClaim finds the claim a payer names among the payer's claims with
// that patient control number (candidates, newest first). Claims never
// sent are not candidates, and an answer for a claim whose file is not
// marked delivered yet waits (errNotDelivered). The rest are narrowed to
// the payee's billing provider (NPI, else tax ID), then, while several
// remain, to the one the payer's claim control number names, to those
// whose charge is the payer's, and to those still open (not paid, denied,
// forwarded, closed or rejected): a claim sent again with the same number
// is told from the first so. A charge that differs from the only
// candidate is matched with a warning; candidates that nothing tells apart
// match none, are tied, and the warning says why.
func matchClaim(candidates []*ledger.Snapshot, ref claimRef) (matched, error) {
	var kept []*ledger.Snapshot
	for _, c := range candidates {
		if c.Status == ledger.StatusBatched {
			return matched{}, errNotDelivered
		}
		if c.Status.Unsent() || c.Status == ledger.StatusVoided || c.IsVoid() && ref.clp != "" && ref.clp != "22" {
			// A void the gateway built is answered by the reversal of the
			// claim it voids, never paid.
			continue
		}
		if ref.npi != "" && c.BillingNPI != "" && ref.npi != c.BillingNPI {
			continue
		}
		if ref.npi == "" && ref.taxID != "" && c.BillingTaxID != "" && ref.taxID != c.BillingTaxID {
			continue
		}
		kept = append(kept, c)
	}
	if len(kept) == 0 {
		return matched{warning: "no sent claim of this billing provider with this patient control number"}, nil
	}
	charge := abs(ref.charge)
	narrow := func(keep func(c *ledger.Snapshot) bool) {
		var n []*ledger.Snapshot
		for _, c := range kept {
			if keep(c) {
				n = append(n, c)
			}
		}
		if len(n) > 0 {
			kept = n
		}
	}
	if len(kept) > 1 && ref.payerNo != "" {
		narrow(func(c *ledger.Snapshot) bool { return c.PayerClaimNumber == ref.payerNo })
	}
	if len(kept) > 1 && ref.clp == "22" {
		// A reversal undoes what a claim holds: not the void that asked.
		narrow(func(c *ledger.Snapshot) bool { return !c.IsVoid() && len(c.Payments) > 0 })
	}
	if len(kept) > 1 && ref.charge != 0 {
		before := len(kept)
		narrow(func(c *ledger.Snapshot) bool { return c.Charge == charge })
		if len(kept) == before && kept[0].Charge != charge {
			return matched{warning: fmt.Sprintf("%d claims have this patient control number and none has the charge %s", len(kept), charge), tied: ids(kept)}, nil
		}
	}
	if len(kept) > 1 {
		narrow(func(c *ledger.Snapshot) bool { return !c.Status.ClosedForPayment() })
	}
	if len(kept) > 1 {
		return matched{warning: fmt.Sprintf("%d claims have this patient control number and nothing tells them apart (charge, payer claim number, status)", len(kept)),
			tied: ids(kept)}, nil
	}
	if c := kept[0]; ref.charge != 0 && c.Charge != charge {
		return matched{id: c.ID, warning: "the payer's charge " + charge.String() + " is not the claim's charge " + c.Charge.String()}, nil
	}
	return matched{id: kept[0].ID}, nil
}

func ids(cs []*ledger.Snapshot) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// matchClaim finds the claim a payer names in the transaction's claims.
func (a *applier) matchClaim(ref claimRef) (matched, error) {
	candidates, err := a.tx.ClaimsByPCN(a.file.PayerID, ref.pcn)
	if err != nil {
		return matched{}, err
	}
	return matchClaim(candidates, ref)
}

// payerNumbers are the claims the CLPs of a payer file were posted to, by
// the payer's claim control number (CLP07) they came under: a PLB may name
// a claim by it. A number CLPs of two claims came under names neither ("").
type payerNumbers map[string]string

// add records that a CLP under the payer's number no was posted to the
// claim id.
func (n *payerNumbers) add(no, id string) {
	if *n == nil {
		*n = payerNumbers{}
	}
	if other, seen := (*n)[no]; seen && other != id {
		(*n)[no] = "" // two claims: the number names neither
	} else {
		(*n)[no] = id
	}
}

// plbClaim is the claim a PLB's reference (PLB03-2, ref.pcn) names: the
// one its patient control number matches among the payer's claims with it
// (candidates, as matchClaim takes them), else the one a CLP of the file
// was posted to under it as the payer's claim control number (paid), else
// none ("").
func plbClaim(candidates []*ledger.Snapshot, ref claimRef, paid payerNumbers) (string, error) {
	m, err := matchClaim(candidates, ref)
	if err != nil || m.id != "" {
		return m.id, err
	}
	return paid[ref.pcn], nil
}

// abs is an amount without its sign: what a reversal's charge was.
func abs(c money.Cents) money.Cents { return max(c, -c) }

// matchLine finds the claim line an SVC pays: by its line item control
// number (REF*6R), else by procedure, modifiers, date and charge among the
// lines not taken by the CLP's SVCs before it. 0 when none matches.
func matchLine(lines []ledger.Line, svc *remit.ServiceLine, taken []int) int {
	if id := svc.LineItemControlNumber; id != "" {
		for _, l := range lines {
			if l.LineID == id {
				return l.No
			}
		}
	}
	proc := ledger.ProcedureKey(svc.Procedure.Qualifier, svc.Procedure.Code, svc.Procedure.Modifiers...)
	date := svc.ServiceDate
	if date == "" {
		date = svc.ServiceDateFrom
	}
	charge := abs(svc.Charge)
	for _, l := range lines {
		if !slices.Contains(taken, l.No) && l.Procedure == proc && l.Charge == charge && (date == "" || l.ServiceDate == date) {
			return l.No
		}
	}
	return 0
}
