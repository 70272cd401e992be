package remit

import (
	"cmp"

	"github.com/claimsgw/claimsgw/x12"
)

// writeClaim writes loop 2100 and its service lines in the order of
// 005010X221A1: CLP (CLP05 always, 0 when the patient owes nothing), CAS,
// NM1 (QC, IL, 74, 82, TT, PR, GB), MIA, MOA, REF (the other claim
// identifiers, then the rendering provider's), DTM (232, 233, 036, 050),
// PER, AMT, QTY. A patient with nothing to write (no NM1*QC was read) is
// left out.
func writeClaim(w *x12.Writer, c *Claim) {
	w.Segment("CLP", c.PatientControlNumber, c.StatusCode, c.Charge.X12(), c.Paid.X12(), c.PatientResponsibility.X12(),
		c.FilingIndicator, c.PayerClaimControlNumber, c.FacilityType, c.Frequency, c.PatientStatus,
		c.DRG, c.DRGWeight, c.DischargeFraction)
	writeCAS(w, c.Adjustments)
	patient := c.Patient
	patient.Position = x12.Position{}
	if patient != (Name{}) {
		writeName(w, "QC", &c.Patient)
	}
	for _, n := range []struct {
		entity string
		name   *Name
	}{{"IL", c.Insured}, {"74", c.CorrectedPatient}, {"82", c.RenderingProvider}, {"TT", c.CrossoverCarrier}, {"PR", c.CorrectedPriorityPayer}, {"GB", c.OtherSubscriber}} {
		if n.name != nil {
			writeName(w, n.entity, n.name)
		}
	}
	if a := c.Inpatient; a != nil {
		writeValues(w, "MIA", miaKinds, nil, a.Values, a.Remarks)
	}
	if a := c.Outpatient; a != nil {
		writeValues(w, "MOA", moaKinds, nil, a.Values, a.Remarks)
	}
	writeRefs(w, c.References, claimRefOrder)
	for _, d := range [][2]string{{"232", c.StatementFrom}, {"233", c.StatementTo}, {"036", c.CoverageExpires}, {"050", c.Received}} {
		if d[1] != "" {
			w.Segment("DTM", d[0], date(d[1]))
		}
	}
	for _, p := range c.Contacts {
		writeContact(w, p)
	}
	writeAmounts(w, c.Amounts, c.Quantities)
	for _, l := range c.ServiceLines {
		writeLine(w, l)
	}
}

// claimRefOrder puts the rendering provider's identifiers after the other
// claim identifiers (loop 2100).
func claimRefOrder(q string) int {
	switch q {
	case "0B", "1A", "1B", "1C", "1D", "1G", "1H", "1J", "D3", "G2", "LU":
		return 1
	}
	return 0
}

// lineRefOrder is the place of a REF in loop 2110: the service
// identifiers, the line item control number (6R), the rendering
// provider's identifiers (and any other), the policy identification (0K).
func lineRefOrder(q string) int {
	switch q {
	case "1S", "APC", "BB", "E9", "G1", "G3", "LU", "RB":
		return 0
	case "6R":
		return 1
	case "0K":
		return 3
	}
	return 2
}

// writeName writes an NM1; its identifier is MemberID or ID, whichever is
// set.
func writeName(w *x12.Writer, entity string, n *Name) {
	w.Segment("NM1", entity, n.EntityType, n.LastName, n.FirstName, n.MiddleName, "", n.Suffix, n.IDQualifier, cmp.Or(n.MemberID, n.ID))
}

func writeAmounts(w *x12.Writer, amts []QualifiedAmount, qtys []Quantity) {
	for _, a := range amts {
		w.Segment("AMT", a.Qualifier, a.Amount.X12())
	}
	for _, q := range qtys {
		w.Segment("QTY", q.Qualifier, q.Quantity)
	}
}

// writeLine writes loop 2110: SVC, DTM (472, 150, 151), CAS, REF, AMT
// (B6 first), QTY, LQ (HE, then RX).
func writeLine(w *x12.Writer, l *ServiceLine) {
	w.Begin("SVC")
	writeProcedure(w, &l.Procedure)
	w.Element(l.Charge.X12())
	w.Element(l.Paid.X12())
	w.Element(l.RevenueCode)
	w.Element(l.Units)
	if l.OriginalProcedure != nil {
		writeProcedure(w, l.OriginalProcedure)
	} else {
		w.Element("")
	}
	w.Element(l.OriginalUnits)
	w.End()
	for _, d := range [][2]string{{"472", l.ServiceDate}, {"150", l.ServiceDateFrom}, {"151", l.ServiceDateTo}} {
		if d[1] != "" {
			w.Segment("DTM", d[0], date(d[1]))
		}
	}
	writeCAS(w, l.Adjustments)
	refs := l.References
	if l.LineItemControlNumber != "" {
		refs = append([]Reference{{Qualifier: "6R", Value: l.LineItemControlNumber}}, refs...)
	}
	writeRefs(w, refs, lineRefOrder)
	if l.Allowed.Valid {
		w.Segment("AMT", "B6", l.Allowed.Cents.X12())
	}
	writeAmounts(w, l.Amounts, l.Quantities)
	for _, r := range l.Remarks {
		w.Segment("LQ", "HE", r)
	}
	for _, r := range l.RejectCodes {
		w.Segment("LQ", "RX", r)
	}
}

// writeProcedure writes an SVC01 or SVC06 composite: qualifier, code, up
// to four modifiers, and the description in the seventh component.
func writeProcedure(w *x12.Writer, p *Procedure) {
	w.Element(p.Qualifier)
	w.Component(p.Code)
	mods := p.Modifiers[:min(4, len(p.Modifiers))]
	for _, m := range mods {
		w.Component(m)
	}
	if p.Description != "" {
		for range 4 - len(mods) {
			w.Component("")
		}
		w.Component(p.Description)
	}
}

// writeCAS writes adjustments as CAS segments: one for each group of
// adjacent adjustments, up to six to a segment, or split where
// Adjustment.Element, when set, says a segment began (an element not after
// the last one's), each at its element.
func writeCAS(w *x12.Writer, adjs []Adjustment) {
	for i := 0; i < len(adjs); {
		first := &adjs[i]
		w.Begin("CAS")
		w.Element(first.Group)
		slot := -1
		for ; i < len(adjs); i++ {
			a := &adjs[i]
			at := slot + 1
			if a.Element >= 2 && a.Element <= 17 {
				at = (a.Element - 2) / 3
			}
			if slot >= 0 && (at <= slot || at > 5 || a.Group != first.Group) {
				break
			}
			for ; slot+1 < at; slot++ {
				w.Element("")
				w.Element("")
				w.Element("")
			}
			slot = at
			w.Element(a.Reason)
			w.Element(a.Amount.X12())
			w.Element(a.Quantity)
		}
		w.End()
	}
}
