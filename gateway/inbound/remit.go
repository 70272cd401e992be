package inbound

// An 835's payments posted to their claims: matching each CLP to its
// claim and its lines, and refusing what would put money in the wrong
// place.

import (
	"errors"
	"fmt"
	"slices"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
)

// remit applies an 835: the payment is recorded once (a trace number
// posted before is an exception, not a second payment); each CLP is
// matched to its claim by patient control number within the payer and the
// payee, confirmed by the charge; its lines by REF*6R, else by procedure,
// date and charge; its adjustments and remarks kept for reconciliation;
// and each PLB linked to the claim its reference names.
func (a *applier) remit(t *x12.Transaction, r *remit.Remittance) error {
	rec := ledger.Remittance{InboundSHA256: a.file.SHA256, ST02: t.ControlNumber, PayerID: a.file.PayerID,
		TraceNumber: r.Payment.TraceNumber, OriginatorID: r.Payment.OriginatorID, Amount: r.Payment.Amount,
		CreditDebit: r.Payment.CreditDebit, Method: r.Payment.Method, PaymentDate: r.Payment.Date,
		PayeeNPI: r.Payee.NPI, PayeeTaxID: r.Payee.TaxID}
	for _, clp := range r.Claims {
		rec.ClaimsPaid += clp.Paid
	}
	for _, plb := range r.ProviderAdjustments {
		rec.PLB += plb.Amount
	}
	remID, dup, err := a.tx.AddRemittance(rec)
	if err != nil {
		return err
	}
	if dup {
		return a.exception("835", t.ControlNumber, r.Position, "", "payment trace "+rec.TraceNumber+" of "+rec.Amount.String()+" was posted before: not posted again")
	}
	pcns := make([]string, 0, len(r.Claims))
	for _, clp := range r.Claims {
		pcns = append(pcns, clp.PatientControlNumber)
	}
	for _, plb := range r.ProviderAdjustments {
		if plb.Reference != "" {
			pcns = append(pcns, plb.Reference)
		}
	}
	if err := a.tx.Prefetch(a.file.PayerID, pcns); err != nil {
		return err
	}
	if err := a.tx.ReservePayments(len(r.Claims)); err != nil {
		return err
	}
	for _, clp := range r.Claims {
		if err := a.clp(t, r, remID, clp); err != nil {
			return err
		}
	}
	for _, plb := range r.ProviderAdjustments {
		pa := ledger.ProviderAdjustment{RemittanceID: remID, ProviderID: plb.ProviderID, FiscalPeriodDate: plb.FiscalPeriodDate,
			Reason: plb.Reason, Reference: plb.Reference, Amount: plb.Amount, Position: plb.Position.Position}
		if plb.Reference != "" {
			// PLB03-2 names a claim by its PCN, or by the payer's claim
			// control number (CLP07) of a CLP of this payment.
			if id, _, err := a.matchClaim(plb.Reference, r.Payee.NPI, r.Payee.TaxID, 0, ""); err != nil {
				return err
			} else if id != "" {
				pa.ClaimID = id
			} else {
				pa.ClaimID = a.byPayerNo[plb.Reference]
			}
		}
		if err := a.tx.AddProviderAdjustment(pa); err != nil {
			return err
		}
	}
	return nil
}

// clp applies one CLP.
func (a *applier) clp(t *x12.Transaction, r *remit.Remittance, remID int64, clp *remit.Claim) error {
	if clp.StatusCode == "23" { // not our claim: the payer sends it back
		return a.exception("835", t.ControlNumber, clp.Position, clp.PatientControlNumber, "CLP02 23: the payer says the claim is not theirs")
	}
	id, warning, err := a.matchClaim(clp.PatientControlNumber, r.Payee.NPI, r.Payee.TaxID, clp.Charge, clp.PayerClaimControlNumber)
	if err != nil {
		return err
	}
	if id == "" {
		return a.exception("835", t.ControlNumber, clp.Position, clp.PatientControlNumber, warning)
	}
	err = a.post(t.ControlNumber, r, remID, clp, id, warning)
	var refused *RefusedError
	switch {
	case !errors.As(err, &refused):
		return err
	case !a.lastTry:
		return notYet{refused}
	}
	return a.exception("835", t.ControlNumber, clp.Position, clp.PatientControlNumber, refused.Reason)
}

// RefusedError says why a CLP may not be posted to the claim it names:
// the money would be wrong. The CLP waits in the exceptions.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return "the CLP cannot be posted to this claim: " + e.Reason }

// refusal says why a CLP matched to claim id must not be posted, "" when
// it may be:
//   - a reversal (CLP02 22) must undo a payment under the CLP's payer
//     claim number that no reversal undid, or all of them (reversible);
//   - a denial (CLP02 4) of a claim that holds money not reversed;
//   - a CLP for lines (or, without lines, a claim) adjudicated before,
//     paid or denied, and not reversed: a second adjudication needs a
//     reversal first. Parts of a split claim pay different lines.
func (a *applier) refusal(id string, clp *remit.Claim, lineNos []int) (string, error) {
	if clp.StatusCode == "22" {
		under, err := a.tx.PaidUnder(id, clp.PayerClaimControlNumber)
		if err != nil {
			return "", err
		}
		if !reversible(under, clp.Paid) {
			return "CLP02 22 reverses a payment the claim does not hold under this payer claim number (none left, or none of " + (-clp.Paid).String() + ")", nil
		}
		return "", nil
	}
	if n, err := a.tx.CLPs(id); err != nil || n == 0 {
		return "", err // the claim's first CLP
	}
	paid, _, err := a.tx.PaidTotals(id)
	if err != nil {
		return "", err
	}
	if clp.StatusCode == "4" && paid != 0 {
		return fmt.Sprintf("CLP02 4 denies a claim that holds %s paid and not reversed", paid), nil
	}
	claimCLPs, lineCLPs, err := a.tx.Adjudications(id)
	if err != nil {
		return "", err
	}
	if len(lineNos) == 0 && claimCLPs > 0 {
		return "the claim was adjudicated before (paid or denied) and not reversed: a new CLP needs a reversal first", nil
	}
	for _, no := range lineNos {
		if lineCLPs[no] > 0 {
			return fmt.Sprintf("line %d was adjudicated before (paid or denied) and not reversed: a new CLP needs a reversal first", no), nil
		}
	}
	return "", nil
}

// post records a CLP as a payment of the claim it was matched to, and
// moves the claim.
func (a *applier) post(st02 string, r *remit.Remittance, remID int64, clp *remit.Claim, id, warning string) error {
	lines, err := a.tx.ClaimLines(id)
	if err != nil {
		return err
	}
	p := ledger.Payment{
		ClaimID: id, RemittanceID: remID, InboundSHA256: a.file.SHA256, ST02: st02, Position: clp.Position.Position,
		TraceNumber: r.Payment.TraceNumber, PaymentDate: r.Payment.Date, StatusCode: clp.StatusCode,
		Charge: clp.Charge, Paid: clp.Paid, PatientResp: clp.PatientResponsibility, PayerClaimNumber: clp.PayerClaimControlNumber,
	}
	for _, adj := range clp.Adjustments {
		p.Adjustments = append(p.Adjustments, ledger.Adjustment{Group: adj.Group, Reason: adj.Reason, Amount: adj.Amount, Quantity: adj.Quantity})
	}
	for _, adj := range []*remit.Adjudication{clp.Inpatient, clp.Outpatient} {
		if adj != nil {
			for _, code := range adj.Remarks {
				p.Remarks = append(p.Remarks, ledger.Remark{Code: code})
			}
		}
	}
	var lineNos []int // the claim lines the SVCs matched so far
	for _, svc := range clp.ServiceLines {
		no := matchLine(lines, svc, lineNos)
		if no != 0 {
			lineNos = append(lineNos, no)
		} else {
			// An SVC that matches no claim line (the payer recoded it)
			// is kept as a line of its own, by its segment position, not
			// mixed with the claim-level adjustments (0).
			no = -svc.Position.Position
		}
		lp := ledger.LinePayment{LineNo: no, Position: svc.Position.Position, Procedure: ledger.ProcedureKey(svc.Procedure.Qualifier, svc.Procedure.Code, svc.Procedure.Modifiers...), Charge: svc.Charge, Paid: svc.Paid}
		if svc.Allowed.Valid {
			lp.Allowed = svc.Allowed.Cents
		}
		p.Lines = append(p.Lines, lp)
		for _, adj := range svc.Adjustments {
			p.Adjustments = append(p.Adjustments, ledger.Adjustment{LineNo: no, Group: adj.Group, Reason: adj.Reason, Amount: adj.Amount, Quantity: adj.Quantity})
		}
		for _, code := range svc.Remarks {
			p.Remarks = append(p.Remarks, ledger.Remark{LineNo: no, Code: code})
		}
	}
	reason := "CLP02 " + payerCode(clp.StatusCode) + " trace " + r.Payment.TraceNumber
	if warning != "" {
		reason += "; " + warning
	}
	if why, err := a.refusal(id, clp, lineNos); err != nil {
		return err
	} else if why != "" {
		return &RefusedError{why}
	}
	if _, err := a.tx.AddPayment(p); err != nil {
		return err
	}
	if no := clp.PayerClaimControlNumber; no != "" {
		if a.byPayerNo == nil {
			a.byPayerNo = map[string]string{}
		}
		if other, seen := a.byPayerNo[no]; seen && other != id {
			a.byPayerNo[no] = "" // two claims: the number names neither
		} else {
			a.byPayerNo[no] = id
		}
	}
	if clp.PayerClaimControlNumber != "" {
		if err := a.tx.SetPayerClaimNumber(id, clp.PayerClaimControlNumber); err != nil {
			return err
		}
	}
	paid, _, err := a.tx.PaidTotals(id)
	if err != nil {
		return err
	}
	to := paymentStatus(clp, paid)
	if clp.CrossoverCarrier != nil && (to == ledger.StatusPaid || to == ledger.StatusPartiallyPaid) {
		to = ledger.StatusForwarded // the rest is the crossover payer's (NM1*TT)
	}
	src := ledger.Source{Kind: "835", Transaction: st02, Position: clp.Position.Position, Reason: reason}
	return a.move(id, to, src, paid)
}

// reversible reports whether a reversal of paid (negative) undoes what
// the CLPs under its payer claim number left: one payment not reversed
// yet, or all of them (the parts of a split claim).
func reversible(under []ledger.PaidCLP, paid money.Cents) bool {
	var left []money.Cents // the payments no reversal has undone, in order
	for _, c := range under {
		if !c.Reversal {
			left = append(left, c.Paid)
			continue
		}
		if i := slices.Index(left, -c.Paid); i >= 0 {
			left = slices.Delete(left, i, i+1)
		} else {
			left = nil // it undid them all
		}
	}
	var sum money.Cents
	for _, p := range left {
		sum += p
	}
	return len(left) > 0 && (slices.Contains(left, -paid) || sum == -paid)
}

// paymentStatus is where a CLP leaves its claim, given all paid on it so
// far.
func paymentStatus(clp *remit.Claim, paidSoFar money.Cents) ledger.Status {
	switch clp.StatusCode {
	case "22":
		return ledger.StatusReversed
	case "4":
		return ledger.StatusDenied
	case "19", "20", "21":
		return ledger.StatusForwarded
	}
	if paidSoFar == 0 {
		return ledger.StatusDenied
	}
	for _, l := range clp.ServiceLines {
		if l.Paid == 0 && l.Charge > 0 {
			return ledger.StatusPartiallyPaid
		}
	}
	return ledger.StatusPaid
}
