package remit

import (
	"cmp"
	"slices"

	"github.com/claimsgw/claimsgw/x12"
)

// Write writes an 835 transaction set (ST to SE) of the remittance r, in
// the order of 005010X221A1: BPR, TRN, CUR, REF*EV, REF*F2, DTM*405, the
// payer (1000A: N1*PR, N3, N4, REF, PER) and the payee (1000B: N1*PE, N3,
// N4, REF), each header number (2000: LX, TS3, TS2) with its claims (2100
// and 2110, see writeClaim), then the provider adjustments (PLB). st02 is
// the set's control number, unique in its group; the set has no ST03, as
// the guide's ST has none.
//
// It writes what the decoder reads, so that decoding what Write wrote
// gives r back (but for the positions and ST02): the dates as the model
// holds them (YYYY-MM-DD) in CCYYMMDD, the amounts as X12 decimals, the
// CAS and PLB segments as the adjustments' elements say they were split
// (Adjustment.Element, ProviderAdjustment.Element; a model made by hand,
// with no elements, gets one CAS per group of adjacent adjustments and one
// PLB per provider and fiscal period, up to six of each to a segment).
// Where the model has a segment's use in several places (a REF's
// qualifier, a PER's function), they are written in the guide's order.
func Write(w *x12.Writer, st02 int, r *Remittance) {
	w.BeginTransaction("835", st02, "")
	p := &r.Payment
	w.Segment("BPR", p.HandlingCode, p.Amount.X12(), p.CreditDebit, p.Method, p.Format,
		p.SenderDFIQualifier, p.SenderBankID, p.SenderAccountQualifier, p.SenderAccount,
		p.PayerID, p.PayerSupplementalCode,
		p.ReceiverDFIQualifier, p.ReceiverBankID, p.ReceiverAccountQualifier, p.ReceiverAccount,
		date(p.Date))
	w.Segment("TRN", p.TraceType, p.TraceNumber, p.OriginatorID, p.OriginatorSupplementalCode)
	if c := r.Currency; c != nil {
		w.Segment("CUR", c.Entity, c.Code, c.Rate)
	}
	if r.ReceiverID != "" {
		w.Segment("REF", "EV", r.ReceiverID)
	}
	if r.VersionID != "" {
		w.Segment("REF", "F2", r.VersionID)
	}
	if r.ProductionDate != "" {
		w.Segment("DTM", "405", date(r.ProductionDate))
	}
	writePayer(w, &r.Payer)
	writePayee(w, &r.Payee)
	writeDetail(w, r)
	writePLB(w, r.ProviderAdjustments)
	w.EndTransaction()
}

// writePayer writes loop 1000A. The payer's ID is its N104 when it has a
// qualifier (N103) or when no REF*2U carries it (the decoder takes a REF*2U
// as the ID of a payer without N104).
func writePayer(w *x12.Writer, p *Payer) {
	qual, id := p.IDQualifier, p.ID
	if qual == "" && slices.ContainsFunc(p.References, func(r Reference) bool { return r.Qualifier == "2U" && r.Value == id }) {
		id = ""
	}
	w.Segment("N1", "PR", p.Name, qual, id)
	writeAddress(w, p.Address)
	writeRefs(w, p.References, nil)
	contacts := slices.Clone(p.Contacts)
	slices.SortStableFunc(contacts, func(a, b Contact) int { return cmp.Compare(perOrder(a.Function), perOrder(b.Function)) })
	for _, c := range contacts {
		writeContact(w, c)
	}
}

// perOrder is the place of a payer PER in 1000A: business contact (CX),
// technical contact (BL), web site (IC).
func perOrder(function string) int {
	switch function {
	case "CX":
		return 0
	case "BL":
		return 1
	case "IC":
		return 2
	}
	return 3
}

// writePayee writes loop 1000B: N104 is the ID, or else the NPI (N103 XX);
// a tax ID that is not N104 is a REF*TJ, added when the references lack
// it.
func writePayee(w *x12.Writer, p *Payee) {
	qual, id := p.IDQualifier, p.ID
	if id == "" && qual == "" && p.NPI != "" {
		qual, id = "XX", p.NPI
	}
	w.Segment("N1", "PE", p.Name, qual, id)
	writeAddress(w, p.Address)
	writeRefs(w, p.References, nil)
	if p.TaxID != "" && !(qual == "FI" && id == p.TaxID) &&
		!slices.ContainsFunc(p.References, func(r Reference) bool { return r.Qualifier == "TJ" }) {
		w.Segment("REF", "TJ", p.TaxID)
	}
}

func writeAddress(w *x12.Writer, a *Address) {
	if a == nil {
		return
	}
	if len(a.Lines) > 0 {
		w.Segment("N3", a.Lines...)
	}
	if a.City != "" || a.State != "" || a.PostalCode != "" || a.Country != "" {
		w.Segment("N4", a.City, a.State, a.PostalCode, a.Country)
	}
}

// writeRefs writes REF segments, stably sorted by order (the place of a
// qualifier in the loop) when it is not nil.
func writeRefs(w *x12.Writer, refs []Reference, order func(qualifier string) int) {
	if order != nil {
		refs = slices.Clone(refs)
		slices.SortStableFunc(refs, func(a, b Reference) int { return cmp.Compare(order(a.Qualifier), order(b.Qualifier)) })
	}
	for _, r := range refs {
		w.Segment("REF", r.Qualifier, r.Value)
	}
}

// writeContact writes a PER: function, name, and up to three numbers.
func writeContact(w *x12.Writer, c Contact) {
	w.Begin("PER")
	w.Element(c.Function)
	w.Element(c.Name)
	for _, n := range c.Numbers[:min(3, len(c.Numbers))] {
		w.Element(n.Qualifier)
		w.Element(n.Number)
	}
	w.End()
}

// writeDetail writes the claims, each under the header number (LX) it
// names (the next header of that number); a header without claims is
// written where it stands, and a claim of no header (or of a number no
// header after the last has) under the last one written.
func writeDetail(w *x12.Writer, r *Remittance) {
	next := 0 // the next header to write
	var open *Header
	for _, c := range r.Claims {
		if c.Header != "" && (open == nil || open.Number != c.Header) {
			for j := next; j < len(r.Headers); j++ {
				if r.Headers[j].Number != c.Header {
					continue
				}
				for ; next <= j; next++ {
					writeHeader(w, r.Headers[next])
				}
				open = r.Headers[j]
				break
			}
		}
		writeClaim(w, c)
	}
	for _, h := range r.Headers[next:] {
		writeHeader(w, h)
	}
}

func writeHeader(w *x12.Writer, h *Header) {
	w.Segment("LX", h.Number)
	if s := h.Summary; s != nil {
		writeValues(w, "TS3", ts3Kinds, []string{s.ProviderID, s.FacilityType, date(s.FiscalPeriodDate), s.ClaimCount}, s.Values, nil)
	}
	if s := h.Supplemental; s != nil {
		writeValues(w, "TS2", ts2Kinds, nil, s.Values, nil)
	}
}

// writeValues writes a segment kept by position (TS3, TS2, MIA, MOA): the
// named elements first, each value at its element, and the remark codes
// in the elements that kinds marks r, in order.
func writeValues(w *x12.Writer, id, kinds string, named []string, values []Value, remarks []string) {
	elems := make([]string, len(kinds))
	copy(elems[1:], named)
	for _, v := range values {
		for v.Element >= len(elems) {
			elems = append(elems, "")
		}
		if v.Amount.Valid {
			elems[v.Element] = v.Amount.Cents.X12()
		} else {
			elems[v.Element] = v.Value
		}
	}
	for n := 1; n < len(kinds) && len(remarks) > 0; n++ {
		if kinds[n] == 'r' {
			elems[n], remarks = remarks[0], remarks[1:]
		}
	}
	w.Segment(id, elems[1:]...)
}

// writePLB writes the provider adjustments, a PLB for each provider and
// fiscal period, up to six adjustments to a segment, split as
// ProviderAdjustment.Element says when it is set.
func writePLB(w *x12.Writer, adjs []*ProviderAdjustment) {
	for i := 0; i < len(adjs); {
		first := adjs[i]
		w.Begin("PLB")
		w.Element(first.ProviderID)
		w.Element(date(first.FiscalPeriodDate))
		slot := -1
		for ; i < len(adjs); i++ {
			a := adjs[i]
			at := slot + 1
			if a.Element >= 3 && a.Element <= 13 {
				at = (a.Element - 3) / 2
			}
			if slot >= 0 && (at <= slot || at > 5 || a.ProviderID != first.ProviderID || a.FiscalPeriodDate != first.FiscalPeriodDate) {
				break
			}
			for ; slot+1 < at; slot++ {
				w.Element("")
				w.Element("")
			}
			slot = at
			w.Element(a.Reason)
			if a.Reference != "" {
				w.Component(a.Reference)
			}
			w.Element(a.Amount.X12())
		}
		w.End()
	}
}

// date writes a date of the model (YYYY-MM-DD) as CCYYMMDD; anything else
// (a date that did not parse, kept as sent) as it is.
func date(s string) string {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return s[:4] + s[5:7] + s[8:]
	}
	return s
}
