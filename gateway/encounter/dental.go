package encounter

import (
	"fmt"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// The 837D's own fields (005010X224A2), checked as the guide has them: the
// orthodontic treatment (DN1, DTP*452) and the missing teeth (DN2) of the
// claim; the CDT code (SV301), oral cavity areas (SV304), prosthesis
// (SV305, DTP*441) and teeth (TOO*JP) of a line.

// dentalClaim checks the 837D's 2300 fields.
func (c *checker) dentalClaim(cl *Claim) {
	if o := cl.Orthodontic; o != nil {
		path := "claim.orthodontic"
		for _, m := range []struct {
			name string
			n    *int
		}{{"total_months", o.TotalMonths}, {"months_remaining", o.MonthsRemaining}} {
			if m.n != nil && *m.n < 0 {
				c.add(path+"."+m.name, CodeInvalidMonths, "%d months: a count of months is 0 or more", *m.n)
			}
		}
		if o.TotalMonths != nil && o.MonthsRemaining != nil && *o.MonthsRemaining > *o.TotalMonths {
			c.add(path+".months_remaining", CodeInvalidMonths, "%d months remaining of a treatment of %d months", *o.MonthsRemaining, *o.TotalMonths)
		}
		if o.BandingDate != "" {
			c.serviceDate(path+".banding_date", o.BandingDate)
		}
	}
	if n := len(cl.MissingTeeth); n > 35 {
		c.add("claim.missing_teeth", CodeTooManyTeeth, "%d teeth: DN2 repeats at most 35 times", n)
	}
	seen := map[string]bool{}
	for i, t := range cl.MissingTeeth {
		path := fmt.Sprintf("claim.missing_teeth[%d]", i)
		if t == nil {
			c.present(path, "")
			continue
		}
		if c.tooth(path+".number", t.Number) {
			if seen[t.Number] {
				c.add(path+".number", CodeDuplicateTooth, "tooth %s is given twice", t.Number)
			}
			seen[t.Number] = true
		}
		if c.present(path+".status", t.Status) {
			c.oneOf(path+".status", t.Status, toothStatuses, CodeInvalidCode, "a tooth status code (E to be extracted, M missing, X extracted, I impacted)")
		}
	}
}

// tooth checks a tooth number, required, and reports whether it is one.
func (c *checker) tooth(path, number string) bool {
	switch {
	case !c.present(path, number):
		return false
	case !validTooth(number):
		c.add(path, CodeInvalidTooth, "%s is not a tooth number (1-32, A-T, supernumerary 51-82 or AS-TS)", quoted(number, 2))
		return false
	}
	return true
}

// dentalLine checks the 837D's 2400 fields of a line.
func (c *checker) dentalLine(path string, l *ServiceLine) {
	if n := len(l.OralCavityAreas); n > 5 {
		c.add(path+".oral_cavity_areas", CodeTooManyAreas, "%d areas: SV304 holds at most 5", n)
	}
	areas := map[string]bool{}
	for i, a := range l.OralCavityAreas {
		p := fmt.Sprintf("%s.oral_cavity_areas[%d]", path, i)
		switch {
		case !c.present(p, a):
		case !oralCavityAreas[a]:
			c.add(p, CodeInvalidOralCavity, "%s is not an oral cavity area (00, 01, 02, 09, 10, 20, 30, 40, L, R)", quoted(a, 2))
		case areas[a]:
			c.add(p, CodeInvalidOralCavity, "%q is given twice", a)
		}
		areas[a] = true
	}
	if p := l.Prosthesis; p != nil {
		c.prosthesis(path+".prosthesis", l, p)
	}
	if n := len(l.Teeth); n > 32 {
		c.add(path+".teeth", CodeTooManyTeeth, "%d teeth: TOO repeats at most 32 times on a line", n)
	}
	teeth := map[string]bool{}
	for i, t := range l.Teeth {
		p := fmt.Sprintf("%s.teeth[%d]", path, i)
		if t == nil {
			c.present(p, "")
			continue
		}
		if c.tooth(p+".number", t.Number) {
			if teeth[t.Number] {
				c.add(p+".number", CodeDuplicateTooth, "tooth %s is given twice on the line", t.Number)
			}
			teeth[t.Number] = true
		}
		if n := len(t.Surfaces); n > 5 {
			c.add(p+".surfaces", CodeTooManySurfaces, "%d surfaces: TOO03 holds at most 5", n)
		}
		surfaces := map[string]bool{}
		for j, s := range t.Surfaces {
			sp := fmt.Sprintf("%s.surfaces[%d]", p, j)
			switch {
			case !c.present(sp, s):
			case !toothSurfaces[s]:
				c.add(sp, CodeInvalidSurface, "%s is not a tooth surface (B, D, F, I, L, M, O, V)", quoted(s, 1))
			case surfaces[s]:
				c.add(sp, CodeInvalidSurface, "%q is given twice", s)
			}
			surfaces[s] = true
		}
	}
}

// prosthesis checks SV305 and DTP*441: a replacement needs the prior
// placement's date, which an initial placement has none of; that date is
// on or before the date of service.
func (c *checker) prosthesis(path string, l *ServiceLine, p *Prosthesis) {
	if c.present(path+".placement", p.Placement) {
		c.oneOf(path+".placement", p.Placement, placements, CodeInvalidProsthesis, "a prosthesis placement (I initial, R replacement)")
	}
	switch {
	case p.Placement == "R" && p.PriorDate == "":
		c.add(path+".prior_date", CodeRequired, "required: a replacement (R) needs the date of the prior placement (DTP*441)")
	case p.Placement == "I" && p.PriorDate != "":
		c.add(path+".prior_date", CodeNotAllowed, "an initial placement (I) has no prior placement")
	case p.PriorDate != "" && c.serviceDate(path+".prior_date", p.PriorDate):
		if dos := l.ServiceDate + l.ServiceDateFrom; validDate(dos) && p.PriorDate > dos {
			c.add(path+".prior_date", CodeDateOrder, "is after the line's date of service")
		}
	}
}

// notDental refuses the 837D's line fields on another claim type.
func (c *checker) notDental(path string, l *ServiceLine) {
	c.notAllowed(path+".oral_cavity_areas", len(l.OralCavityAreas) > 0)
	c.notAllowed(path+".prosthesis", l.Prosthesis != nil)
	c.notAllowed(path+".teeth", len(l.Teeth) > 0)
}

// cdt checks a dental line's procedure code: a CDT code's structure, and
// its presence in an operator's licensed CDT list when one is loaded (the
// project ships no CDT codes: the ADA licenses them).
func (c *checker) cdt(path string, code string) {
	if !ValidCDT(code) {
		c.add(path, CodeInvalidCDT, "%s is not a CDT code (D and four digits)", quoted(code, 5))
		return
	}
	if b := c.opts.Codes.Imported; b.Has(codeset.KindCDT) {
		if r := b.Procedure(code, 0); r.Set != nil && !r.Found {
			c.edit(path, CodeUnknownCode, SeverityError, r.Set.Name, "%q is not in %s", code, r.Set.Name)
		}
	}
}

// isDental reports whether the claim is an 837D.
func (c *checker) isDental() bool { return c.is(claim.Dental) }
