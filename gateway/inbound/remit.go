package inbound

// An 835's payments posted to their claims: matching each CLP to its
// claim and its lines, and refusing what would put money in the wrong
// place.

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
)

// remit applies an 835: the payment is recorded once (a trace number
// posted before is an exception, not a second payment), and only when it
// balances (BPR02 = Σ CLP04 − Σ PLB: else an exception, which an operator
// can post anyway, PostException, or dismiss); each CLP is
// matched to its claim by patient control number within the payer and the
// payee, confirmed by the charge; its lines by REF*6R, else by procedure,
// date and charge; its adjustments and remarks kept for reconciliation;
// and each PLB linked to the claim its reference names.
func (a *applier) remit(g *x12.Group, t *x12.Transaction, r *remit.Remittance) error {
	sum := a.read.summary(r)
	rec := remittance(a.file, t, r, sum)
	dup, err := a.tx.TracePosted(rec)
	if err != nil {
		return err
	}
	if dup {
		return a.exception("835", t.ControlNumber, r.Position, "", "payment trace "+rec.TraceNumber+" of "+rec.Amount.String()+" was posted before: not posted again")
	}
	if diff := unbalanced(rec); diff != 0 && a.byHand == nil {
		return a.exception("835", t.ControlNumber, r.Position, "", fmt.Sprintf("payment trace %s is unbalanced by %s (BPR02 %s, Σ CLP04 %s, Σ PLB %s): "+
			"not posted; claimsgw exceptions post posts it anyway", rec.TraceNumber, diff, rec.Amount, rec.ClaimsPaid, rec.PLB))
	}
	remID, _, err := a.tx.AddRemittance(rec)
	if err != nil {
		return err
	}
	pcns := slices.Clip(sum.pcns)
	for _, plb := range r.ProviderAdjustments {
		if plb.Reference != "" {
			pcns = append(pcns, plb.Reference)
		}
	}
	if err := a.tx.Prefetch(a.file.PayerID, pcns); err != nil {
		return err
	}
	if err := a.tx.ReservePayments(sum.count); err != nil {
		return err
	}
	if err := a.read.each(g, t, func(clp *remit.Claim) error { return a.clp(t, r, remID, clp) }); err != nil {
		return err
	}
	if err := a.billNext(t.ControlNumber); err != nil {
		return err
	}
	for _, plb := range r.ProviderAdjustments {
		pa := ledger.ProviderAdjustment{RemittanceID: remID, ProviderID: plb.ProviderID, FiscalPeriodDate: plb.FiscalPeriodDate,
			Reason: plb.Reason, Reference: plb.Reference, Amount: plb.Amount, Position: plb.Position.Position}
		if plb.Reference != "" {
			candidates, err := a.tx.ClaimsByPCN(a.file.PayerID, plb.Reference)
			if err != nil {
				return err
			}
			if pa.ClaimID, err = plbClaim(candidates, claimRef{pcn: plb.Reference, npi: r.Payee.NPI, taxID: r.Payee.TaxID}, a.byPayerNo); err != nil {
				return err
			}
		}
		if err := a.tx.AddProviderAdjustment(pa); err != nil {
			return err
		}
	}
	return nil
}

// remittance is the payment an 835 set of a payer file records, its CLPs
// adding up to sum.
func remittance(in *ledger.InboundFile, t *x12.Transaction, r *remit.Remittance, sum *clpSummary) ledger.Remittance {
	rec := ledger.Remittance{InboundSHA256: in.SHA256, ST02: t.ControlNumber, PayerID: in.PayerID,
		TraceNumber: r.Payment.TraceNumber, OriginatorID: r.Payment.OriginatorID, Amount: r.Payment.Amount,
		CreditDebit: r.Payment.CreditDebit, Method: r.Payment.Method, PaymentDate: r.Payment.Date,
		PayeeNPI: r.Payee.NPI, PayeeTaxID: r.Payee.TaxID, ClaimsPaid: sum.paid}
	for _, plb := range r.ProviderAdjustments {
		rec.PLB += plb.Amount
	}
	return rec
}

// unbalanced is how far a payment is from what it pays: BPR02 (negative
// for a debit) − (Σ CLP04 − Σ PLB), 0 when it balances.
func unbalanced(r ledger.Remittance) money.Cents {
	amount := r.Amount
	if r.CreditDebit == "D" {
		amount = -amount
	}
	return amount - (r.ClaimsPaid - r.PLB)
}

// clp applies one CLP.
func (a *applier) clp(t *x12.Transaction, r *remit.Remittance, remID int64, clp *remit.Claim) error {
	if clp.StatusCode == "23" { // not our claim: the payer sends it back
		_, err := a.item("835", t.ControlNumber, clp.Position, clp.PatientControlNumber, "CLP02 23: the payer says the claim is not theirs")
		return err
	}
	m, err := a.matchClaim(claimRef{pcn: clp.PatientControlNumber, npi: r.Payee.NPI, taxID: r.Payee.TaxID, charge: clp.Charge, payerNo: clp.PayerClaimControlNumber,
		clp: clp.StatusCode})
	if err != nil {
		return err
	}
	if m.id == "" && !a.waited {
		// The claim it names may be one a file not applied yet makes: the
		// claim to this payer after a crossover by the payer before.
		awaits, err := a.tx.AwaitsAdjudication(a.file.PayerID, clp.PatientControlNumber)
		if err != nil {
			return err
		}
		if awaits {
			return notYet{&RefusedError{"no claim to this payer has its number yet, and the claim to the payer before, which lists this payer next, awaits that payer's 835 (a crossover makes the claim)"}}
		}
	}
	if m.id == "" {
		return a.noMatch("835", t, clp.Position, clp.PatientControlNumber, m)
	}
	err = a.post(t.ControlNumber, r, remID, clp, m.id, m.warning)
	var refused *RefusedError
	switch {
	case !errors.As(err, &refused):
		return err
	case !a.waited:
		return notYet{refused}
	}
	_, err = a.item("835", t.ControlNumber, clp.Position, clp.PatientControlNumber, refused.Reason)
	return err
}

// RefusedError says why a CLP may not be posted to the claim it names:
// the money would be wrong. The CLP waits in the exceptions.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return "the CLP cannot be posted to this claim: " + e.Reason }

// post records a CLP as a payment of the claim it was matched to, and
// moves the claim, unless the CLP may not be posted to it (a
// *RefusedError).
func (a *applier) post(st02 string, r *remit.Remittance, remID int64, clp *remit.Claim, id, warning string) error {
	snap, err := a.tx.Snapshot(id)
	if err != nil {
		return err
	}
	p, lineNos := Payment(clp, snap.Lines)
	if why := refusal(snap, clp, lineNos); why != "" {
		return &RefusedError{why}
	}
	p.ClaimID, p.RemittanceID, p.InboundSHA256, p.ST02 = id, remID, a.file.SHA256, st02
	p.TraceNumber, p.PaymentDate = r.Payment.TraceNumber, r.Payment.Date
	if _, err := a.tx.AddPayment(p); err != nil {
		return err
	}
	if tracksCOB(snap) {
		a.cob.add(p)
	}
	if no := clp.PayerClaimControlNumber; no != "" {
		a.byPayerNo.add(no, id)
		if err := a.tx.SetPayerClaimNumber(id, no); err != nil {
			return err
		}
	}
	if h := a.byHand; h != nil {
		// Who posted it, and why, in the claim's history, as a manual
		// match says it (MatchException).
		if err := a.tx.Note(id, ledger.Source{Kind: "manual", File: a.file.SHA256, Transaction: st02, Position: clp.Position.Position, Actor: h.actor,
			Reason: fmt.Sprintf("exception %d (835 trace %s, unbalanced by %s) posted by hand: %s", h.exception, r.Payment.TraceNumber, h.unbalanced, h.reason)}); err != nil {
			return err
		}
		warning = strings.TrimPrefix(warning+"; posted by hand by "+h.actor, "; ")
	}
	to := paymentStatus(clp, snap.Paid())
	reason := "CLP02 " + payerCode(clp.StatusCode) + " trace " + r.Payment.TraceNumber
	if warning != "" {
		reason += "; " + warning
	}
	src := ledger.Source{Kind: "835", Transaction: st02, Position: clp.Position.Position, Reason: reason}
	return a.move(id, to, src, snap.Paid())
}

// Payment is a CLP as the payment of a claim with these lines, and the
// claim lines its SVCs matched (its payment date and trace are the
// caller's to set, from the set's BPR/TRN): its
// adjustments and remarks at claim level (line 0), and each SVC on the
// claim line it matches (matchLine), or, when it matches none (the payer
// recoded it), on a line of its own numbered −(its segment position), not
// mixed with the claim-level adjustments.
func Payment(clp *remit.Claim, lines []ledger.Line) (ledger.Payment, []int) {
	p := ledger.Payment{
		Position: clp.Position.Position, StatusCode: clp.StatusCode,
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
	var taken []int // the claim lines the SVCs matched so far
	for _, svc := range clp.ServiceLines {
		no := matchLine(lines, svc, taken)
		if no != 0 {
			taken = append(taken, no)
		} else {
			no = -svc.Position.Position
		}
		lp := ledger.LinePayment{LineNo: no, Position: svc.Position.Position, Charge: svc.Charge, Paid: svc.Paid,
			Procedure: ledger.ProcedureKey(svc.Procedure.Qualifier, svc.Procedure.Code, svc.Procedure.Modifiers...)}
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
	return p, taken
}

// refusal says why a CLP must not be posted to the claim of snapshot s,
// "" when it may be. lineNos are the claim lines its SVCs matched.
//   - A reversal (CLP02 22) must undo a payment under the CLP's payer
//     claim number that no reversal undid, or all of them (reversible).
//   - The claim's first CLP is posted.
//   - A denial (CLP02 4) of a claim that holds money not reversed is not.
//   - Nor is a CLP for lines (or, without lines, a claim) adjudicated
//     before, paid or denied, and not reversed: a second adjudication
//     needs a reversal first. Parts of a split claim pay different lines.
func refusal(s *ledger.Snapshot, clp *remit.Claim, lineNos []int) string {
	if clp.StatusCode == "22" {
		var under []ledger.PostedCLP
		for _, p := range s.Payments {
			if p.PayerClaimNumber == clp.PayerClaimControlNumber {
				under = append(under, p)
			}
		}
		if !reversible(under, clp.Paid) {
			return "CLP02 22 reverses a payment the claim does not hold under this payer claim number (none left, or none of " + (-clp.Paid).String() + ")"
		}
		return ""
	}
	if len(s.Payments) == 0 {
		return ""
	}
	if paid := s.Paid(); clp.StatusCode == "4" && paid != 0 {
		return fmt.Sprintf("CLP02 4 denies a claim that holds %s paid and not reversed", paid)
	}
	// Adjudications not undone: +1 a CLP, −1 a reversal, on the claim and
	// on each line its SVCs matched.
	claimCLPs, lineCLPs := 0, map[int]int{}
	for _, p := range s.Payments {
		n := 1
		if p.Reversal() {
			n = -1
		}
		claimCLPs += n
		for _, no := range p.Lines {
			lineCLPs[no] += n
		}
	}
	if len(lineNos) == 0 && claimCLPs > 0 {
		return "the claim was adjudicated before (paid or denied) and not reversed: a new CLP needs a reversal first"
	}
	for _, no := range lineNos {
		if lineCLPs[no] > 0 {
			return fmt.Sprintf("line %d was adjudicated before (paid or denied) and not reversed: a new CLP needs a reversal first", no)
		}
	}
	return ""
}

// reversible reports whether a reversal of paid (negative) undoes what
// the CLPs under its payer claim number left: one payment not reversed
// yet, or all of them (the parts of a split claim).
func reversible(under []ledger.PostedCLP, paid money.Cents) bool {
	var left []money.Cents // the payments no reversal has undone, in order
	for _, c := range under {
		if !c.Reversal() {
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

// CrossedOver reports whether the payer of a CLP forwarded its claim to
// the next payer (CLP02 19, 20 or 21, or a paid claim with NM1*TT): the
// gateway never bills that payer the claim itself.
func CrossedOver(clp *remit.Claim) bool {
	return paymentStatus(clp, clp.Paid) == ledger.StatusForwarded
}

// paymentStatus is where a CLP leaves its claim, given all paid on it so
// far (the CLP included). A claim paid, in part or whole, that the payer
// crossed over to another (NM1*TT) is forwarded: the rest is that
// payer's.
func paymentStatus(clp *remit.Claim, paidSoFar money.Cents) ledger.Status {
	switch clp.StatusCode {
	case "22":
		return ledger.StatusReversed
	case "4":
		return ledger.StatusDenied
	case "19", "20", "21":
		return ledger.StatusForwarded
	case "25": // predetermination pricing only, no payment
		return ledger.StatusPredetermined
	}
	if paidSoFar == 0 {
		return ledger.StatusDenied
	}
	to := ledger.StatusPaid
	for _, l := range clp.ServiceLines {
		if l.Paid == 0 && l.Charge > 0 {
			to = ledger.StatusPartiallyPaid
		}
	}
	if clp.CrossoverCarrier != nil {
		return ledger.StatusForwarded
	}
	return to
}
