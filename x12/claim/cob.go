package claim

import (
	"errors"
	"fmt"
	"slices"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Coordination of benefits: the claim's other payers (2320, 2330A,
// 2330B) and what those that adjudicated the claim decided on each line
// (2430), written, read and checked the same way on the three forms but
// for the 2430 SVD, which each form writes its own way.

const (
	maxOtherPayers    = 10 // 2320 repeats
	maxCAS            = 5  // CAS segments in a 2320 or a 2430
	adjustmentsPerCAS = 6  // reason, amount, quantity triplets in one CAS
)

var (
	responsibilities = set("A", "B", "C", "D", "E", "F", "G", "H", "P", "S", "T", "U") // SBR01
	adjustmentGroups = set("CO", "CR", "OA", "PI", "PR")                               // CAS01
)

func set(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// otherPayers writes a 2320 loop, with its 2330A and 2330B, for each
// other payer: SBR, the claim-level CAS, AMT*D (when it adjudicated),
// AMT*EAF, OI; NM1*IL with N3/N4; NM1*PR, DTP*573, REF*F8. The benefits
// assignment (OI03) and the release of information (OI06) are CLM08 and
// CLM09 again, Y; OI04 (patient signature source, P) is left out, as
// CLM10 is.
func (e *encoder) otherPayers(c *Claim) {
	w := e.w
	for i := range c.OtherPayers {
		o := &c.OtherPayers[i]
		w.Segment("SBR", o.Responsibility, o.Relationship, o.GroupNumber, o.GroupName, "", "", "", "", o.ClaimFilingIndicator)
		a := o.Adjudication
		if a != nil {
			e.adjustments(a.Adjustments)
			w.Segment("AMT", "D", a.Paid.X12())
			if a.RemainingPatientLiability != nil {
				w.Segment("AMT", "EAF", a.RemainingPatientLiability.X12())
			}
		}
		w.Segment("OI", "", "", "Y", "", "", "Y")
		s := &o.Subscriber
		e.name("IL", "1", s.LastName, s.FirstName, s.MiddleName, "MI", s.MemberID)
		e.address(&s.Address)
		e.name("PR", "2", o.Payer.Name, "", "", "PI", o.Payer.ID)
		if a != nil && a.Date != "" {
			w.Segment("DTP", "573", "D8", e.date(a.Date))
		}
		if a != nil && a.PayerClaimNumber != "" {
			w.Segment("REF", "F8", a.PayerClaimNumber)
		}
	}
}

// lineAdjudications writes the 2430 loops of line n (1-based): one for
// each other payer that adjudicated it, in the order of the payers: SVD,
// CAS, DTP*573.
func (e *encoder) lineAdjudications(c *Claim, n int, f form) {
	for i := range c.OtherPayers {
		o := &c.OtherPayers[i]
		la := o.Adjudication.line(n)
		if la == nil {
			continue
		}
		f.svd(e, o.Payer.ID, la)
		e.adjustments(la.Adjustments)
		e.w.Segment("DTP", "573", "D8", e.date(la.Date))
	}
}

// line returns the adjudication of line n (1-based), nil when a has none
// or is nil.
func (a *Adjudication) line(n int) *LineAdjudication {
	if a == nil {
		return nil
	}
	for i := range a.Lines {
		if a.Lines[i].Line == n {
			return &a.Lines[i]
		}
	}
	return nil
}

// adjustments writes CAS segments: one for each group code, in the order
// the groups first appear, each with up to six reason, amount and
// quantity triplets (a group with more continues in another CAS).
func (e *encoder) adjustments(as []Adjustment) {
	w := e.w
	for _, group := range casGroups(as) {
		n := 0
		for _, a := range as {
			if a.Group != group {
				continue
			}
			if n%adjustmentsPerCAS == 0 {
				if n > 0 {
					w.End()
				}
				w.Begin("CAS")
				w.Element(group)
			}
			w.Element(a.Reason)
			w.Element(a.Amount.X12())
			w.Element(a.Quantity)
			n++
		}
		w.End()
	}
}

// casGroups are the group codes of adjustments, in order of first
// appearance.
func casGroups(as []Adjustment) []string {
	var groups []string
	for _, a := range as {
		if !slices.Contains(groups, a.Group) {
			groups = append(groups, a.Group)
		}
	}
	return groups
}

// casCount is how many CAS segments adjustments take.
func casCount(as []Adjustment) int {
	n := 0
	for _, g := range casGroups(as) {
		k := 0
		for _, a := range as {
			if a.Group == g {
				k++
			}
		}
		n += (k + adjustmentsPerCAS - 1) / adjustmentsPerCAS
	}
	return n
}

// checkOtherPayers refuses other payers the guides cannot carry: more
// than ten, a responsibility code (SBR01) that is not one or repeats
// the destination payer's or another's, a payer without a name and an
// ID (or with another's ID: SVD01 names the payer by it), a subscriber
// without a last name and a member ID, and an adjudication that does not
// balance (Adjudication.Check).
func checkOtherPayers(c *Claim, f form) error {
	if len(c.OtherPayers) > maxOtherPayers {
		return fmt.Errorf("%d other payers: at most %d (2320)", len(c.OtherPayers), maxOtherPayers)
	}
	seen := map[string]bool{c.Subscriber.PayerResponsibility: true}
	ids := map[string]bool{}
	for i := range c.OtherPayers {
		o := &c.OtherPayers[i]
		err := func() error {
			switch {
			case !responsibilities[o.Responsibility]:
				return fmt.Errorf("responsibility %q is not a payer responsibility sequence code (SBR01)", o.Responsibility)
			case seen[o.Responsibility]:
				return fmt.Errorf("responsibility %s is another payer's already (SBR01)", o.Responsibility)
			case o.Relationship == "":
				return errors.New("no relationship of the patient to the subscriber (SBR02)")
			case o.Payer.Name == "" || o.Payer.ID == "":
				return errors.New("the payer needs a name and an ID (2330B)")
			case ids[o.Payer.ID]:
				return errors.New("the payer ID is another other payer's (2430 SVD01 names the payer by it)")
			case o.Subscriber.LastName == "" || o.Subscriber.MemberID == "":
				return errors.New("the subscriber needs a last name and a member ID (2330A)")
			}
			seen[o.Responsibility], ids[o.Payer.ID] = true, true
			if o.Adjudication == nil {
				return nil
			}
			if err := o.Adjudication.Check(c); err != nil {
				return err
			}
			for j := range o.Adjudication.Lines {
				la := &o.Adjudication.Lines[j]
				if err := f.checkLineAdjudication(la); err != nil {
					return fmt.Errorf("line %d: %w", la.Line, err)
				}
			}
			return nil
		}()
		if err != nil {
			return fmt.Errorf("other payer %d: %w", i+1, err)
		}
	}
	return nil
}

// Check reports whether the adjudication can go into an 837 with claim c
// as the guides want it, and balances to the cent: each adjudicated line
// (1 to the claim's line count, at most once) has its charge = Paid + Σ
// its adjustments, and the claim's total charge = Paid + Σ the
// claim-level adjustments + Σ every line's adjustments. It also checks
// the CAS (group codes, a reason each, at most five segments), the dates
// (each line's DTP*573, and the claim's when no line has one) and the
// units. Its errors give the figures and no PHI. The gateway calls it
// before it queues a secondary claim; Write calls it for each other
// payer.
func (a *Adjudication) Check(c *Claim) error {
	if err := checkAdjustments(a.Adjustments); err != nil {
		return err
	}
	if a.Date != "" && !isDate(a.Date) {
		return errors.New("adjudication date: want YYYY-MM-DD")
	}
	if a.Date == "" && len(a.Lines) == 0 {
		return errors.New("an adjudication without lines needs its date (2330B DTP*573)")
	}
	if a.RemainingPatientLiability != nil && *a.RemainingPatientLiability < 0 {
		return errors.New("remaining patient liability: want 0 or more")
	}
	var lineAdjusted money.Cents
	done := map[int]bool{}
	for i := range a.Lines {
		la := &a.Lines[i]
		switch {
		case la.Line < 1 || la.Line > len(c.ServiceLines):
			return fmt.Errorf("line adjudication %d: line %d, the claim has %d lines", i+1, la.Line, len(c.ServiceLines))
		case done[la.Line]:
			return fmt.Errorf("line %d adjudicated twice", la.Line)
		case !isDate(la.Date):
			return fmt.Errorf("line %d: adjudication date (DTP*573): want YYYY-MM-DD", la.Line)
		case !isQuantity(la.Units):
			return fmt.Errorf("line %d: paid units (SVD05): want a decimal number", la.Line)
		case len(la.Procedure.Modifiers) > maxModifiers:
			return fmt.Errorf("line %d: %d modifiers: at most %d", la.Line, len(la.Procedure.Modifiers), maxModifiers)
		}
		done[la.Line] = true
		if err := checkAdjustments(la.Adjustments); err != nil {
			return fmt.Errorf("line %d: %w", la.Line, err)
		}
		adj := sum(la.Adjustments)
		if charge := c.ServiceLines[la.Line-1].Charge; charge != la.Paid+adj {
			return fmt.Errorf("line %d charge %s ≠ paid %s + adjustments %s", la.Line, charge, la.Paid, adj)
		}
		lineAdjusted += adj
	}
	if adj := sum(a.Adjustments) + lineAdjusted; c.Info.TotalCharge != a.Paid+adj {
		return fmt.Errorf("claim charge %s ≠ paid %s + adjustments %s (claim level %s, lines %s)",
			c.Info.TotalCharge, a.Paid, adj, adj-lineAdjusted, lineAdjusted)
	}
	return nil
}

// checkAdjustments checks CAS adjustments: a group code and a reason
// each, a decimal quantity when there is one, at most five CAS.
func checkAdjustments(as []Adjustment) error {
	for _, a := range as {
		switch {
		case !adjustmentGroups[a.Group]:
			return fmt.Errorf("adjustment group %q is not CO, CR, OA, PI or PR", a.Group)
		case a.Reason == "":
			return errors.New("an adjustment without its reason code")
		case a.Quantity != "" && !isQuantity(a.Quantity):
			return errors.New("adjustment quantity: want a decimal number")
		}
	}
	if n := casCount(as); n > maxCAS {
		return fmt.Errorf("the adjustments take %d CAS segments: at most %d (6 a segment, one group each)", n, maxCAS)
	}
	return nil
}

func sum(as []Adjustment) money.Cents {
	var s money.Cents
	for _, a := range as {
		s += a.Amount
	}
	return s
}

// The decoder's part.

// otherPayer starts a 2320 loop at its SBR.
func (d *decoder) otherPayer(s *x12.Segment) {
	d.loop = "2320"
	d.cur.OtherPayers = append(d.cur.OtherPayers, OtherPayer{
		Responsibility: s.Str(1), Relationship: s.Str(2), GroupNumber: s.Str(3), GroupName: s.Str(4), ClaimFilingIndicator: s.Str(9),
	})
	d.lineAdj = nil
}

// lastPayer is the other payer being read.
func (d *decoder) lastPayer() *OtherPayer { return &d.cur.OtherPayers[len(d.cur.OtherPayers)-1] }

// adjudication returns the other payer's adjudication, making it.
func adjudication(o *OtherPayer) *Adjudication {
	if o.Adjudication == nil {
		o.Adjudication = &Adjudication{}
	}
	return o.Adjudication
}

// otherPayerSegment reads a segment of a 2320, 2330A or 2330B loop after
// its first.
func (d *decoder) otherPayerSegment(s *x12.Segment) bool {
	o := d.lastPayer()
	switch d.loop + s.ID() {
	case "2320CAS":
		a := adjudication(o)
		a.Adjustments = d.cas(s, a.Adjustments)
	case "2320AMT":
		switch string(s.Element(1)) {
		case "D":
			adjudication(o).Paid = d.amount(s, 2)
		case "EAF":
			v := d.amount(s, 2)
			adjudication(o).RemainingPatientLiability = &v
		default:
			return false
		}
	case "2320OI":
	case "2330AN3", "2330AN4":
		return address(s, &o.Subscriber.Address)
	case "2330BDTP":
		if string(s.Element(1)) != "573" {
			return false
		}
		adjudication(o).Date = d.date(s.Element(3), 3, 0)
	case "2330BREF":
		if string(s.Element(1)) != "F8" {
			return false
		}
		adjudication(o).PayerClaimNumber = s.Str(2)
	default:
		return false
	}
	return true
}

// otherPayerName reads the NM1 of a 2330 loop: the other subscriber
// (2330A) or payer (2330B); the other 2330 loops are skipped.
func (d *decoder) otherPayerName(s *x12.Segment, entity string) bool {
	o := d.lastPayer()
	switch entity {
	case "IL":
		d.loop = "2330A"
		o.Subscriber.LastName, o.Subscriber.FirstName, o.Subscriber.MiddleName = s.Str(3), s.Str(4), s.Str(5)
		o.Subscriber.MemberID = s.Str(9)
	case "PR":
		d.loop = "2330B"
		o.Payer = Payer{Name: s.Str(3), ID: s.Str(9)}
	default:
		d.loop = "2330"
		return false
	}
	return true
}

// svd starts a 2430 loop: the adjudication of the line being read by the
// other payer whose 2330B NM109 is SVD01. An SVD naming no other payer
// of the claim is skipped, and so is the rest of its loop.
func (d *decoder) svd(s *x12.Segment) bool {
	d.loop, d.lineAdj = "2430", nil
	var o *OtherPayer
	for i := range d.cur.OtherPayers {
		if d.cur.OtherPayers[i].Payer.ID == s.Str(1) {
			o = &d.cur.OtherPayers[i]
			break
		}
	}
	if o == nil || d.line == nil {
		return false
	}
	la := LineAdjudication{Line: len(d.cur.ServiceLines), Paid: d.amount(s, 2), RevenueCode: s.Str(4), Units: s.Str(5)}
	if len(s.Component(3, 1)) > 0 || len(s.Component(3, 2)) > 0 {
		la.Procedure = procedureCode(s, 3)
	}
	a := adjudication(o)
	a.Lines = append(a.Lines, la)
	d.lineAdj = &a.Lines[len(a.Lines)-1]
	return true
}

// lineAdjudicationSegment reads a 2430 segment after SVD.
func (d *decoder) lineAdjudicationSegment(s *x12.Segment) bool {
	la := d.lineAdj
	if la == nil {
		return false
	}
	switch s.ID() {
	case "CAS":
		la.Adjustments = d.cas(s, la.Adjustments)
	case "DTP":
		if string(s.Element(1)) != "573" {
			return false
		}
		la.Date = d.date(s.Element(3), 3, 0)
	default:
		return false
	}
	return true
}

// cas appends the adjustments of a CAS to as.
func (d *decoder) cas(s *x12.Segment, as []Adjustment) []Adjustment {
	group := s.Str(1)
	for n := 2; n+1 <= s.Len(); n += 3 {
		if len(s.Element(n)) == 0 {
			continue
		}
		as = append(as, Adjustment{Group: group, Reason: s.Str(n), Amount: d.amount(s, n+1), Quantity: s.Str(n + 2)})
	}
	return as
}

// procedureSVD writes the SVD of a line billed by its procedure (837P,
// 837D): SVD*{payer}*{paid}*{qualifier}:{code}:{mods}**{units}, the
// qualifier qual when the adjudication gives none.
func procedureSVD(e *encoder, payerID string, a *LineAdjudication, qual string) {
	w := e.w
	w.Begin("SVD")
	w.Element(payerID)
	w.Element(a.Paid.X12())
	e.procedureCode(&a.Procedure, qual)
	w.Element("")
	w.Element(a.Units)
	w.End()
}

// procedureOnly checks the line adjudication of a form whose SVD names a
// procedure and no revenue code (837P, 837D).
func procedureOnly(form string, a *LineAdjudication) error {
	if a.Procedure.Code == "" || a.RevenueCode != "" {
		return errors.New("an " + form + " line adjudication needs a procedure code (SVD03) and no revenue code")
	}
	return nil
}
