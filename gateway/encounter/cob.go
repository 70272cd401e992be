package encounter

// Coordination of benefits: the encounter's other payers (other_payers),
// checked, and the claim each payer gets: the one billed first lists the
// others in 2320/2330A/2330B; the next carries the adjudication of those
// before it.

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/claimsgw/claimsgw/x12/claim"
)

// Codes of the other payers' problems.
const (
	CodeDuplicatePayer = "duplicate_payer" // an other payer given twice, or the encounter's own payer again
)

// otherResponsibilities are the responsibilities an other payer may have:
// S, the payer billed after the first, and T, the one after that.
var otherResponsibilities = set(`S T`)

// cobRelationships are the 2320 SBR02 codes: the patient's relationship
// to an other payer's subscriber, 18 self among them.
var cobRelationships = set(`01 18 19 20 21 39 40 53 G8`)

// otherPayers checks other_payers: each names a payer (not the encounter's
// own, none twice), its responsibility (S or T, each at most once, T only
// after an S), its subscriber and the patient's relationship to them.
func (c *checker) otherPayers() {
	e := c.e
	seenPayer := map[string]bool{e.PayerID: true}
	seenResp := map[string]bool{}
	for i, o := range e.OtherPayers {
		path := fmt.Sprintf("other_payers[%d]", i)
		if o == nil {
			c.present(path, "")
			continue
		}
		if c.present(path+".payer_id", o.PayerID) {
			if seenPayer[o.PayerID] {
				c.add(path+".payer_id", CodeDuplicatePayer, "the encounter names this payer already: each payer is billed once")
			}
			seenPayer[o.PayerID] = true
		}
		c.present(path+".name", o.Name)
		if c.present(path+".responsibility", o.Responsibility) {
			switch {
			case !otherResponsibilities[o.Responsibility]:
				c.add(path+".responsibility", CodeInvalidCode, "%s is not S (the next payer) or T (the one after)", shown(o.Responsibility, otherResponsibilities))
			case seenResp[o.Responsibility]:
				c.add(path+".responsibility", CodeDuplicatePayer, "another payer has responsibility %s already", o.Responsibility)
			}
			seenResp[o.Responsibility] = true
		}
		if c.present(path+".relationship", o.Relationship) {
			c.oneOf(path+".relationship", o.Relationship, cobRelationships, CodeInvalidCode, "a relationship code (18 self, 01 spouse, 19 child, 20, 21, 39, 40, 53, G8)")
		}
		s := o.Subscriber
		if s == nil {
			c.present(path+".subscriber", "")
			continue
		}
		c.present(path+".subscriber.member_id", s.MemberID)
		c.present(path+".subscriber.claim_filing_indicator", s.ClaimFilingIndicator)
		c.oneOf(path+".subscriber.claim_filing_indicator", s.ClaimFilingIndicator, claimFilingIndicators, CodeInvalidCode, "a claim filing indicator (SBR09)")
		c.person(path+".subscriber", &s.Person, false)
	}
	if seenResp["T"] && !seenResp["S"] {
		c.add("other_payers", CodeRequired, "a tertiary payer (T) needs a secondary (S) before it")
	}
	if len(e.OtherPayers) > 0 && e.Subscriber != nil && e.Subscriber.PayerResponsibility != "" && e.Subscriber.PayerResponsibility != "P" {
		c.add("subscriber.payer_responsibility", CodeInvalidCode, "is P when other_payers are given: the encounter's payer is billed first")
	}
}

// Billing says which of an encounter's payers a claim goes to, and what
// the payers before it decided.
type Billing struct {
	// Responsibility is the payer's: "" or P for the encounter's payer,
	// S or T for the other payer with it.
	Responsibility string `json:"responsibility,omitempty"`
	// Prior are the adjudications of the payers before, by responsibility
	// (P, S): 2320 CAS/AMT, 2330B DTP*573/REF*F8 and 2430 on the claim.
	Prior map[string]*claim.Adjudication `json:"prior,omitempty"`
	// Voids is the payer claim number of the claim this one voids
	// (frequency 8, REF*F8), "" when it voids none.
	Voids string `json:"voids,omitempty"`
}

// NextResponsibility is the responsibility of the payer billed after
// the one with resp: S after P (or ""), T after S, "" after T.
func NextResponsibility(resp string) string {
	return map[string]string{"": "S", "P": "S", "S": "T"}[resp]
}

// Next is the other payer billed after the payer with responsibility
// resp (P, S), nil when there is none.
func (e *Encounter) Next(resp string) *OtherPayer { return e.OtherPayer(NextResponsibility(resp)) }

// ResponsibilityName names an other payer's responsibility: secondary
// (S), tertiary (T).
func ResponsibilityName(resp string) string {
	return map[string]string{"S": "secondary", "T": "tertiary"}[resp]
}

// OtherPayer is the other payer with responsibility resp, nil when none.
func (e *Encounter) OtherPayer(resp string) *OtherPayer {
	for _, o := range e.OtherPayers {
		if o != nil && o.Responsibility == resp && resp != "" {
			return o
		}
	}
	return nil
}

// ToClaimFor maps a normalized, checked encounter onto the claim to one
// of its payers (b.Responsibility): the encounter's payer gets ToClaim's
// claim, with the other payers in 2320; the secondary (tertiary) payer
// gets the claim with its own subscriber in 2000B (SBR01 S or T), the
// patient in 2000C unless the patient is that subscriber, and every other
// payer in 2320, those before it with their adjudication. payer names a
// payer by its id (for 2010BB, and the encounter's payer in 2330B).
func ToClaimFor(e *Encounter, b Billing, payer func(id string) claim.Payer) claim.Claim {
	target := e.OtherPayer(b.Responsibility)
	if target == nil || target.Subscriber == nil {
		c := ToClaim(e, payer(e.PayerID))
		void(&c, b)
		return c
	}
	c := ToClaim(e, payer(target.PayerID))
	c.OtherPayers = nil
	s := target.Subscriber
	// The patient as the claim to the first payer has it: its patient,
	// else that payer's subscriber.
	pat := c.Patient
	if pat == nil {
		sub := c.Subscriber
		pat = &claim.Patient{LastName: sub.LastName, FirstName: sub.FirstName, MiddleName: sub.MiddleName,
			BirthDate: sub.BirthDate, Gender: sub.Gender, Address: sub.Address}
	}
	first := c.Subscriber
	relFirst := "18"
	if c.Patient != nil {
		relFirst = c.Patient.Relationship
	}
	c.Subscriber = claim.Subscriber{MemberID: s.MemberID, LastName: s.LastName, FirstName: s.FirstName, MiddleName: s.MiddleName,
		BirthDate: s.BirthDate, Gender: s.Gender, Address: address(s.Address), GroupNumber: s.GroupNumber,
		ClaimFilingIndicator: s.ClaimFilingIndicator, PayerResponsibility: target.Responsibility}
	if target.Relationship == "18" {
		// The patient is this subscriber: 2010BA carries the patient's
		// demographics where the other payer's subscriber leaves them out.
		c.Patient = nil
		sub := &c.Subscriber
		sub.BirthDate = cmp.Or(sub.BirthDate, pat.BirthDate)
		sub.Gender = cmp.Or(sub.Gender, pat.Gender)
		if sub.Address == (claim.Address{}) {
			sub.Address = pat.Address
		}
	} else {
		p := *pat
		p.Relationship = target.Relationship
		c.Patient = &p
	}
	c.OtherPayers = append(c.OtherPayers, claim.OtherPayer{
		Responsibility: first.PayerResponsibility, Relationship: relFirst, GroupNumber: first.GroupNumber,
		ClaimFilingIndicator: first.ClaimFilingIndicator,
		Subscriber: claim.OtherSubscriber{MemberID: first.MemberID, LastName: first.LastName, FirstName: first.FirstName,
			MiddleName: first.MiddleName, Address: first.Address},
		Payer:        payer(e.PayerID),
		Adjudication: b.Prior[cmp.Or(first.PayerResponsibility, "P")],
	})
	for _, o := range e.OtherPayers {
		if o != nil && o != target {
			c.OtherPayers = append(c.OtherPayers, otherPayer(o, b.Prior[o.Responsibility]))
		}
	}
	slices.SortStableFunc(c.OtherPayers, func(a, b claim.OtherPayer) int { return order(a.Responsibility) - order(b.Responsibility) })
	withLines(&c)
	void(&c, b)
	return c
}

// withLines fills in what the payer's line adjudications leave to the
// claim's lines: an 837I line's revenue code (SVD04), which the ledger's
// procedure key of a line with a procedure does not keep.
func withLines(c *claim.Claim) {
	for i := range c.OtherPayers {
		a := c.OtherPayers[i].Adjudication
		if a == nil || c.Type != claim.Institutional {
			continue
		}
		cp := *a
		cp.Lines = slices.Clone(a.Lines)
		for j := range cp.Lines {
			if l := &cp.Lines[j]; l.RevenueCode == "" && l.Line >= 1 && l.Line <= len(c.ServiceLines) {
				l.RevenueCode = c.ServiceLines[l.Line-1].RevenueCode
			}
		}
		c.OtherPayers[i].Adjudication = &cp
	}
}

// void makes c the void (frequency 8) of the payer's claim b.Voids names.
func void(c *claim.Claim, b Billing) {
	if b.Voids != "" {
		c.Info.Frequency, c.Info.OriginalPayerClaimNumber = "8", b.Voids
	}
}

// order sorts responsibilities P, S, T, then the rest.
func order(resp string) int {
	if i := slices.Index([]string{"P", "S", "T"}, resp); i >= 0 {
		return i
	}
	return 3
}

// otherPayer is an other payer's 2320/2330A/2330B, with its adjudication
// when it has one.
func otherPayer(o *OtherPayer, adj *claim.Adjudication) claim.OtherPayer {
	op := claim.OtherPayer{Responsibility: o.Responsibility, Relationship: o.Relationship,
		Payer: claim.Payer{Name: o.Name, ID: o.PayerID}, Adjudication: adj}
	if s := o.Subscriber; s != nil {
		op.GroupNumber, op.ClaimFilingIndicator = s.GroupNumber, s.ClaimFilingIndicator
		op.Subscriber = claim.OtherSubscriber{MemberID: s.MemberID, LastName: s.LastName, FirstName: s.FirstName,
			MiddleName: s.MiddleName, Address: address(s.Address)}
	}
	return op
}
