package inbound

// Coordination of benefits: what an 835 posted to a claim of an encounter
// with other payers means for the payer after. When the payer leaves a
// balance (a patient responsibility, or a denial) and did not cross the
// claim over, the next payer is billed: a claim of its own, queued, that
// carries this payer's adjudication (2320 CAS/AMT, 2330B DTP*573/REF*F8,
// 2430 per line). A crossover makes the same claim, pending at the next
// payer without being billed. A reversal of the adjudication a claim to
// the next payer carries stops that claim (not sent yet) or voids it
// (frequency 8); a void whose reversal comes back closes both.

import (
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/money"
)

// cobPosted keeps what an 835 transaction set posted to the claims that
// may have a payer after them (or are such a claim), for billNext.
type cobPosted struct {
	order    []string
	payments map[string][]ledger.Payment
}

func (c *cobPosted) add(p ledger.Payment) {
	if c.payments == nil {
		c.payments = map[string][]ledger.Payment{}
	}
	if _, ok := c.payments[p.ClaimID]; !ok {
		c.order = append(c.order, p.ClaimID)
	}
	c.payments[p.ClaimID] = append(c.payments[p.ClaimID], p)
}

// tracksCOB says whether what is posted to a claim may bill, stop or
// void a claim to a payer after it.
func tracksCOB(s *ledger.Snapshot) bool { return len(s.NextPayers) > 0 || s.PriorClaimID != "" }

// billNext applies coordination of benefits to the claims an 835
// transaction set posted to, once all its CLPs are posted.
func (a *applier) billNext(st02 string) error {
	posted := a.cob
	a.cob = cobPosted{}
	if err := a.tx.PrefetchPayerClaims(posted.order); err != nil {
		return err
	}
	for _, id := range posted.order {
		if err := a.billNextOf(st02, id, posted.payments[id]); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) billNextOf(st02, id string, payments []ledger.Payment) error {
	s, err := a.tx.Snapshot(id)
	if err != nil {
		return err
	}
	built, err := a.tx.PayerClaimsOf(id)
	if err != nil {
		return err
	}
	src := func(reason string) ledger.Source {
		return ledger.Source{Kind: "835", File: a.file.SHA256, Transaction: st02, Position: payments[0].Position, Reason: reason}
	}
	// A claim voided at the payer: the reversal of what it was paid came
	// back while a void of it is out.
	if s.Status == ledger.StatusReversed {
		for _, v := range built {
			if v.IsVoid() && v.Status != ledger.StatusVoided {
				reason := "voided at the payer: CLP02 22 answered void claim " + v.ID
				if err := a.move(id, ledger.StatusVoided, src(reason), s.Paid()); err != nil {
					return err
				}
				if err := a.move(v.ID, ledger.StatusVoided, src("the payer reversed claim "+id+", which this claim voids"), 0); err != nil {
					return err
				}
			}
		}
	}
	if len(s.NextPayers) == 0 {
		return nil
	}
	var live *ledger.Snapshot // the claim to the next payer that stands
	n := 0                    // claims to the next payer built so far
	for _, b := range built {
		if !b.IsVoid() {
			n++
			if b.Status == ledger.StatusVoided {
				continue
			}
			// Its void, if any, is built from it, not from s.
			voids, err := a.tx.PayerClaimsOf(b.ID)
			if err != nil {
				return err
			}
			if !voided(b, voids) {
				live = b
			}
		}
	}
	reversed, adjudicated := false, []ledger.Payment(nil)
	for _, p := range payments {
		if p.StatusCode == "22" {
			reversed = true
		} else {
			adjudicated = append(adjudicated, p)
		}
	}
	if reversed && live != nil {
		// What the claim to the next payer carries is undone.
		if err := a.withdraw(live, src); err != nil {
			return err
		}
		live = nil
	}
	if live != nil || len(adjudicated) == 0 {
		return nil
	}
	to := ledger.StatusQueued
	switch s.Status {
	case ledger.StatusForwarded:
		to = ledger.StatusPending
	case ledger.StatusPaid, ledger.StatusPartiallyPaid, ledger.StatusDenied:
	default:
		return nil
	}
	// What the 837 writer would refuse never reaches the payer's queue,
	// where it would hold up the batch.
	adj, err := Adjudication(s.Charge, s.Lines, adjudicated)
	if err != nil {
		_, err := a.item("835", st02, x12.Position{Position: payments[0].Position}, s.PCN, "the claim to the next payer is not built: "+err.Error())
		return err
	}
	if to == ledger.StatusQueued && NothingLeft(adj, s.Charge) != "" {
		return nil
	}
	b := encounter.Billing{Responsibility: encounter.NextResponsibility(s.Responsibility), Prior: map[string]*claim.Adjudication{}}
	if s.PriorClaimID != "" {
		prev, err := a.billing(s.ID)
		if err != nil {
			return err
		}
		maps.Copy(b.Prior, prev.Prior)
	}
	b.Prior[s.Responsibility] = adj
	raw, _ := json.Marshal(b)
	c := s.Claim
	c.ID = ledger.PayerClaimID(s.EncounterID, b.Responsibility, n+1)
	c.PayerID, c.Responsibility, c.NextPayers, c.PriorClaimID = s.NextPayers[0], b.Responsibility, s.NextPayers[1:], s.ID
	c.PayerClaimNumber, c.FileID = "", ""
	reason := fmt.Sprintf("billed to the %s payer %s with claim %s's adjudication (paid %s, patient %s)", encounter.ResponsibilityName(b.Responsibility), c.PayerID, s.ID, adj.Paid, patientShare(adj))
	if to == ledger.StatusPending {
		reason = fmt.Sprintf("crossed over by %s to %s (CLP02 %s, NM1*TT): not billed again", s.PayerID, c.PayerID, payments[len(payments)-1].StatusCode)
	}
	made, err := a.tx.AddPayerClaim(c, string(raw), to, src(reason))
	if err != nil || !made {
		return err
	}
	// The claim's own history says where its balance went.
	note := src(fmt.Sprintf("claim %s to the %s payer %s: %s", c.ID, encounter.ResponsibilityName(b.Responsibility), c.PayerID, map[bool]string{true: "crossed over, not billed", false: "billed with this adjudication"}[to == ledger.StatusPending]))
	note.Actor = "processor"
	return a.tx.Note(s.ID, note)
}

// withdraw stops the claim to the next payer (not sent yet: voided) or
// voids it at the payer (a frequency 8 claim under its payer claim
// number), as the adjudication it carried was reversed.
func (a *applier) withdraw(live *ledger.Snapshot, src func(string) ledger.Source) error {
	if live.Status == ledger.StatusQueued || live.Status == ledger.StatusPending && live.FileID == "" {
		return a.move(live.ID, ledger.StatusVoided, src("the adjudication it carried was reversed (CLP02 22): not sent"), 0)
	}
	if live.PayerClaimNumber == "" {
		_, err := a.item("835", src("").Transaction, x12.Position{Position: src("").Position}, live.PCN,
			"claim "+live.ID+" to the next payer carries an adjudication now reversed (CLP02 22), and its payer claim number, which a void needs, is not known yet: void it by hand")
		return err
	}
	b, err := a.billing(live.ID)
	if err != nil {
		return err
	}
	b.Voids = live.PayerClaimNumber
	out, _ := json.Marshal(b)
	v := live.Claim
	v.ID, v.PriorClaimID, v.NextPayers, v.PayerClaimNumber, v.FileID = ledger.VoidClaimID(live.ID), live.ID, nil, "", ""
	_, err = a.tx.AddPayerClaim(v, string(out), ledger.StatusQueued,
		src("voids claim "+live.ID+" (frequency 8, payer claim "+live.PayerClaimNumber+"): the adjudication it carried was reversed (CLP02 22)"))
	return err
}

// billing is what a claim's 837 is written from (the ledger keeps its
// JSON), the zero Billing for an encounter's first claim.
func (a *applier) billing(claimID string) (encounter.Billing, error) {
	var b encounter.Billing
	raw, err := a.tx.Billing(claimID)
	if err != nil || raw == "" {
		return b, err
	}
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		return b, fmt.Errorf("inbound: claim %s billing: %w", claimID, err)
	}
	return b, nil
}

// voided reports whether a void of claim b is among built (the claims
// built from b).
func voided(b *ledger.Snapshot, built []*ledger.Snapshot) bool {
	for _, v := range built {
		if v.IsVoid() && v.PriorClaimID == b.ID {
			return true
		}
	}
	return false
}

func patientShare(adj *claim.Adjudication) money.Cents {
	if adj.RemainingPatientLiability == nil {
		return 0
	}
	return *adj.RemainingPatientLiability
}

// NothingLeft says why a payer's adjudication of a claim with this charge
// leaves nothing to bill the next payer, "" when it leaves a balance: the
// claim was paid in full, or paid with nothing left to the patient. A
// crossover is not asked: the next payer has the claim already.
func NothingLeft(adj *claim.Adjudication, charge money.Cents) string {
	switch {
	case adj.Paid == charge:
		return fmt.Sprintf("paid in full (%s)", adj.Paid)
	case adj.Paid != 0 && (adj.RemainingPatientLiability == nil || *adj.RemainingPatientLiability == 0):
		return fmt.Sprintf("paid %s with no patient responsibility: the rest is adjusted off", adj.Paid)
	}
	return ""
}

// Adjudication is what a payer decided on a claim of this charge and
// these lines (the ledger's, or intake.ClaimRecord's of an encounter) by
// the CLPs posted (Payment; none a reversal), as the claim to the next
// payer carries it: the sum paid (AMT*D), the patient's share (AMT*EAF),
// the claim-level CAS, and per claim line the SVC that paid it (2430),
// or, where an SVC matched no claim line or does not balance against its
// line's charge, its adjustments at claim level. The error says why it
// cannot be carried: what claim.Adjudication.Check refuses (it does not
// balance to the claim's charge, more CAS than a loop holds), which the
// 837 writer would refuse too.
func Adjudication(charge money.Cents, claimLines []ledger.Line, posted []ledger.Payment) (*claim.Adjudication, error) {
	adj := &claim.Adjudication{}
	var patient money.Cents
	lines := map[int]*claim.LineAdjudication{}
	lineAdj := map[int][]claim.Adjustment{}
	for _, p := range posted {
		adj.Paid += p.Paid
		patient += p.PatientResp
		adj.Date = max(adj.Date, p.PaymentDate)
		if adj.PayerClaimNumber == "" {
			adj.PayerClaimNumber = p.PayerClaimNumber
		}
		for _, lp := range p.Lines {
			la := lines[lp.LineNo]
			if la == nil {
				la = &claim.LineAdjudication{Line: lp.LineNo, Procedure: procedureOf(lp.Procedure), Date: p.PaymentDate}
				if la.Procedure.Qualifier == "NU" {
					la.RevenueCode, la.Procedure = la.Procedure.Code, claim.ProcedureCode{}
				}
				lines[lp.LineNo] = la
			}
			la.Paid += lp.Paid
		}
		for _, x := range p.Adjustments {
			lineAdj[x.LineNo] = append(lineAdj[x.LineNo], claim.Adjustment{Group: x.Group, Reason: x.Reason, Amount: x.Amount, Quantity: x.Quantity})
		}
	}
	adj.Adjustments = lineAdj[0]
	charges := map[int]ledger.Line{}
	for _, l := range claimLines {
		charges[l.No] = l
	}
	nos := make([]int, 0, len(lines))
	for no := range lines {
		nos = append(nos, no)
	}
	sort.Ints(nos)
	for _, no := range nos {
		la, l := lines[no], charges[no]
		la.Adjustments = lineAdj[no]
		sum := la.Paid
		for _, x := range la.Adjustments {
			sum += x.Amount
		}
		if no <= 0 || sum != l.Charge {
			// Not a line of the claim, or not its charge: at claim level.
			adj.Adjustments = append(adj.Adjustments, la.Adjustments...)
			continue
		}
		la.Units = l.Units
		adj.Lines = append(adj.Lines, *la)
	}
	adj.RemainingPatientLiability = &patient
	c := &claim.Claim{Info: claim.Info{TotalCharge: charge}}
	for _, l := range claimLines {
		c.ServiceLines = append(c.ServiceLines, claim.ServiceLine{LineID: l.LineID, Charge: l.Charge, Units: l.Units})
	}
	if err := adj.Check(c); err != nil {
		return nil, err
	}
	return adj, nil
}

// procedureOf reads a claim line's procedure key (qualifier:code[:modifier...]).
func procedureOf(key string) claim.ProcedureCode {
	parts := strings.Split(key, ":")
	p := claim.ProcedureCode{Qualifier: parts[0]}
	if len(parts) > 1 {
		p.Code = parts[1]
	}
	if len(parts) > 2 {
		p.Modifiers = parts[2:]
	}
	return p
}
