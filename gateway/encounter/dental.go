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

// codeList is what a list of codes in one element may hold: at most max,
// each in valid, none twice.
type codeList struct {
	max           int
	tooMany       string
	noun, element string // for the message of too many: "areas", "SV304"
	valid         map[string]bool
	invalid, what string // the code and words of a code not in valid
	width         int    // the codes' width, for quoting a bad one
}

func (c *checker) codeList(path string, vs []string, l codeList) {
	if n := len(vs); n > l.max {
		c.add(path, l.tooMany, "%d %s: %s holds at most %d", n, l.noun, l.element, l.max)
	}
	seen := map[string]bool{}
	for i, v := range vs {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !c.present(p, v):
		case !l.valid[v]:
			c.add(p, l.invalid, "%s is not %s", quoted(v, l.width), l.what)
		case seen[v]:
			c.add(p, l.invalid, "%q is given twice", v)
		}
		seen[v] = true
	}
}

// dentalLine checks the 837D's 2400 fields of a line.
func (c *checker) dentalLine(path string, l *ServiceLine) {
	c.codeList(path+".oral_cavity_areas", l.OralCavityAreas, codeList{max: 5, tooMany: CodeTooManyAreas, noun: "areas", element: "SV304",
		valid: oralCavityAreas, invalid: CodeInvalidOralCavity, what: "an oral cavity area (00, 01, 02, 09, 10, 20, 30, 40, L, R)", width: 2})
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
		c.codeList(p+".surfaces", t.Surfaces, codeList{max: 5, tooMany: CodeTooManySurfaces, noun: "surfaces", element: "TOO03",
			valid: toothSurfaces, invalid: CodeInvalidSurface, what: "a tooth surface (B, D, F, I, L, M, O, V)", width: 1})
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
