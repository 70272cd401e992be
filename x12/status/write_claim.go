package status

import (
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
)

// writeClaim writes a claim status tracking loop (2200D): TRN*2, its
// STCs, REF*1K, D9, BLT, EJ and the others, DTP*472 (required by X214,
// written even without a date), then its service lines (2220D). Charge
// and Paid are those of the statuses (the first STC04 and STC05), not
// written apart.
func writeClaim(w *x12.Writer, c *Claim) {
	w.Segment("TRN", "2", c.PatientControlNumber)
	writeStatuses(w, c.Statuses)
	for _, r := range [][2]string{{"1K", c.PayerClaimControlNumber}, {"D9", c.ClearinghouseTrace}, {"BLT", c.BillType}, {"EJ", c.PatientAccountNumber}} {
		if r[1] != "" {
			w.Segment("REF", r[0], r[1])
		}
	}
	for _, r := range c.References {
		w.Segment("REF", r.Qualifier, r.Value)
	}
	writePeriod(w, c.ServiceDateFrom, c.ServiceDateTo)
	for _, l := range c.ServiceLines {
		w.Begin("SVC")
		w.Element(l.Procedure.Qualifier)
		w.Component(l.Procedure.Code)
		for _, m := range l.Procedure.Modifiers {
			w.Component(m)
		}
		w.Element(amount(l.Charge))
		w.Element(amount(l.Paid))
		w.Element(l.RevenueCode)
		w.Element("")
		w.Element("")
		w.Element(l.Units)
		w.End()
		writeStatuses(w, l.Statuses)
		if l.LineItemControlNumber != "" {
			w.Segment("REF", "FJ", l.LineItemControlNumber)
		}
		if l.ServiceDateFrom != "" {
			writePeriod(w, l.ServiceDateFrom, l.ServiceDateTo)
		}
	}
}

// writePeriod writes a DTP*472: D8 for one day, RD8 for a range.
func writePeriod(w *x12.Writer, from, to string) {
	if to == "" || to == from {
		w.Segment("DTP", "472", "D8", date(from))
		return
	}
	w.Segment("DTP", "472", "RD8", date(from)+"-"+date(to))
}

// writeStatuses writes statuses as STC segments: adjacent ones that share
// the rest of the STC (dates, action, amounts, payment, message) are the
// composites STC01, STC10 and STC11 of one.
func writeStatuses(w *x12.Writer, sts []*Status) {
	for i := 0; i < len(sts); {
		j := i + 1
		for j < len(sts) && j-i < 3 && sameRest(sts[i], sts[j]) {
			j++
		}
		writeSTC(w, sts[i:j])
		i = j
	}
}

// sameRest reports whether two statuses differ only in their composite.
func sameRest(a, b *Status) bool {
	return a.Date == b.Date && a.ActionCode == b.ActionCode && sameAmount(a.Charge, b.Charge) && sameAmount(a.Paid, b.Paid) &&
		a.AdjudicationDate == b.AdjudicationDate && a.PaymentMethod == b.PaymentMethod &&
		a.CheckDate == b.CheckDate && a.CheckNumber == b.CheckNumber && a.Message == b.Message
}

func sameAmount(a, b *money.Cents) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// writeSTC writes one STC of up to three statuses that share the rest.
func writeSTC(w *x12.Writer, sts []*Status) {
	s := sts[0]
	w.Begin("STC")
	composite(w, s)
	w.Element(date(s.Date))
	w.Element(s.ActionCode)
	w.Element(amount(s.Charge))
	w.Element(amount(s.Paid))
	w.Element(date(s.AdjudicationDate))
	w.Element(s.PaymentMethod)
	w.Element(date(s.CheckDate))
	w.Element(s.CheckNumber)
	for k := 1; k < 3; k++ {
		if k < len(sts) {
			composite(w, sts[k])
		} else {
			w.Element("")
		}
	}
	w.Element(s.Message)
	w.End()
}

// composite writes an STC01, STC10 or STC11: category, status code,
// entity and code list.
func composite(w *x12.Writer, s *Status) {
	w.Element(s.Category)
	w.Component(s.Code)
	w.Component(s.Entity)
	w.Component(s.CodeList)
}
