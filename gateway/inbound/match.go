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

// matchClaim finds the claim a CLP (or a PLB reference, or a 277 claim)
// names: the payer's sent claims with that patient control number,
// narrowed to the payee's billing provider (NPI, else tax ID), then, while
// several remain, to the one the payer's claim control number (CLP07,
// REF*1K) names, to those whose charge equals CLP03, and to those still
// open (not paid, denied, forwarded, closed or rejected): a claim sent
// again with the same number is told from the first so. A charge that differs from
// the only candidate is matched with a warning; candidates that nothing
// tells apart are ambiguous, and go to the exceptions with the reason.
func (a *applier) matchClaim(pcn, npi, taxID string, charge money.Cents, payerNo string) (id, warning string, err error) {
	claims, err := a.tx.ClaimsByPCN(a.file.PayerID, pcn)
	if err != nil {
		return "", "", err
	}
	var candidates []ledger.Claim
	for _, c := range claims {
		switch c.Status {
		case ledger.StatusBatched:
			return "", "", errNotDelivered
		case ledger.StatusReceived, ledger.StatusInvalid, ledger.StatusQueued:
			continue
		}
		if npi != "" && c.BillingNPI != "" && npi != c.BillingNPI {
			continue
		}
		if npi == "" && taxID != "" && c.BillingTaxID != "" && taxID != c.BillingTaxID {
			continue
		}
		candidates = append(candidates, c)
	}
	if len(candidates) == 0 {
		return "", "no sent claim of this billing provider with this patient control number", nil
	}
	abs := charge
	if abs < 0 {
		abs = -abs
	}
	narrow := func(keep func(c ledger.Claim) bool) {
		var kept []ledger.Claim
		for _, c := range candidates {
			if keep(c) {
				kept = append(kept, c)
			}
		}
		if len(kept) > 0 {
			candidates = kept
		}
	}
	if len(candidates) > 1 && payerNo != "" {
		narrow(func(c ledger.Claim) bool { return c.PayerClaimNumber == payerNo })
	}
	if len(candidates) > 1 && charge != 0 {
		matched := len(candidates)
		narrow(func(c ledger.Claim) bool { return c.Charge == abs })
		if len(candidates) == matched && candidates[0].Charge != abs {
			return "", fmt.Sprintf("%d claims have this patient control number and none has the charge %s", len(candidates), abs), nil
		}
	}
	if len(candidates) > 1 {
		narrow(func(c ledger.Claim) bool { return !c.Status.ClosedForPayment() })
	}
	if len(candidates) > 1 {
		return "", fmt.Sprintf("%d claims have this patient control number and nothing tells them apart (charge, payer claim number, status)", len(candidates)), nil
	}
	if c := candidates[0]; charge != 0 && c.Charge != abs {
		return c.ID, "the payer's charge " + abs.String() + " is not the claim's charge " + c.Charge.String(), nil
	}
	return candidates[0].ID, "", nil
}

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
	charge := svc.Charge
	if charge < 0 {
		charge = -charge
	}
	for _, l := range lines {
		if !slices.Contains(taken, l.No) && l.Procedure == proc && l.Charge == charge && (date == "" || l.ServiceDate == date) {
			return l.No
		}
	}
	return 0
}
