package encounter

import (
	"fmt"

	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/money"
)

// lines checks the 2400 loops and that the claim total is their sum.
func (c *checker) lines() {
	e := c.e
	prof, inst, dent := c.is(claim.Professional), c.is(claim.Institutional), c.is(claim.Dental)
	switch n := len(e.ServiceLines); {
	case n == 0:
		c.present("service_lines", "")
	case prof && n > 50:
		c.add("service_lines", CodeTooManyLines, "%d lines: an 837P claim carries at most 50", n)
	case dent && n > 50:
		c.add("service_lines", CodeTooManyLines, "%d lines: an 837D claim carries at most 50", n)
	case inst && n > 999:
		c.add("service_lines", CodeTooManyLines, "%d lines: an 837I claim carries at most 999", n)
	}
	var sum money.Cents
	sums := true
	ids := map[string]bool{}
	for i, l := range e.ServiceLines {
		path := fmt.Sprintf("service_lines[%d]", i)
		if l == nil {
			c.present(path, "")
			continue
		}
		if c.present(path+".line_id", l.LineID) {
			if len(l.LineID) > 30 {
				c.add(path+".line_id", CodeLineIDTooLong, "%d characters: REF*6R holds at most 30", len(l.LineID))
			}
			if ids[l.LineID] {
				c.add(path+".line_id", CodeDuplicateLineID, "the same line_id as an earlier line")
			}
			ids[l.LineID] = true
		}
		switch {
		case l.Charge == nil:
			c.present(path+".charge", "")
			sums = false
		case *l.Charge < 0:
			c.add(path+".charge", CodeNegativeAmount, "must not be negative")
		}
		if l.Charge != nil {
			sum += *l.Charge
		}
		if c.present(path+".units", l.Units) && !validUnits(l.Units) {
			c.add(path+".units", CodeInvalidUnits, "not a positive decimal quantity")
		}
		if u := unitTypes[e.ClaimType]; u != nil {
			c.oneOf(path+".unit_type", l.UnitType, u, CodeInvalidUnitType, "a unit type for this claim type (UN; MJ on 837P, DA on 837I)")
		}
		if dent && l.UnitType != "" {
			c.add(path+".unit_type", CodeNotAllowed, "not carried on a dental claim: SV306 is a count of procedures")
		}
		c.lineProcedure(path, l)
		if inst && c.present(path+".revenue_code", l.RevenueCode) && !allDigits(l.RevenueCode, 4) {
			c.add(path+".revenue_code", CodeInvalidRevenueCode, "%s is not a four-digit revenue code", quoted(l.RevenueCode, 4))
		}
		if prof || dent {
			c.notAllowed(path+".revenue_code", l.RevenueCode != "")
		}
		c.lineDates(path, l)
		c.pointers(path, l)
		if dent {
			c.dentalLine(path, l)
		} else {
			c.notDental(path, l)
		}
	}
	if cl := e.Claim; cl != nil && cl.TotalCharge != nil && sums && len(e.ServiceLines) > 0 && *cl.TotalCharge != sum {
		c.add("claim.total_charge", CodeTotalMismatch, "%s differs from the sum of the line charges, %s", cl.TotalCharge, sum)
	}
}

// lineProcedure checks SV101/SV202/SV301: required on 837P and 837D
// lines, a CDT code on the 837D.
func (c *checker) lineProcedure(path string, l *ServiceLine) {
	p := l.Procedure
	if p == nil {
		if c.is(claim.Professional) || c.isDental() {
			c.present(path+".procedure", "")
		}
		return
	}
	path += ".procedure"
	if q := qualifiers[c.e.ClaimType]; q != nil {
		c.oneOf(path+".qualifier", p.Qualifier, q, CodeInvalidQualifier, "a procedure code qualifier for this claim type")
	}
	switch {
	case !c.present(path+".code", p.Code):
	case c.isDental():
		c.cdt(path+".code", p.Code)
	case p.Qualifier != "" && p.Qualifier != "HC":
		if len(p.Code) > 48 || !allAlnum(p.Code) {
			c.add(path+".code", CodeInvalidProcedureCode, "not a procedure code (letters and digits, at most 48)")
		}
	case !ValidHCPCS(p.Code):
		c.add(path+".code", CodeInvalidCPT, "%s is not a CPT or HCPCS code", quoted(p.Code, 5))
	case c.opts.Codes.HCPCS.Covers(p.Code) && !c.opts.Codes.importedProcedure(p.Code) && !c.opts.Codes.HCPCS.Has(p.Code):
		c.add(path+".code", CodeUnknownCode, "%q is not in the HCPCS code set", p.Code)
	}
	if len(p.Modifiers) > 4 {
		c.add(path+".modifiers", CodeTooManyModifiers, "%d modifiers: at most 4", len(p.Modifiers))
	}
	for i, m := range p.Modifiers {
		if len(m) != 2 || !allAlnum(m) {
			c.add(fmt.Sprintf("%s.modifiers[%d]", path, i), CodeInvalidModifier, "%s is not a modifier (two letters or digits)", quoted(m, 2))
		}
	}
}

// lineDates checks the date of service (DTP*472): one date or a from/to
// range, required on 837P and 837D lines, within the statement period on
// 837I, and none on a predetermination of benefits (837D), whose services
// are planned.
func (c *checker) lineDates(path string, l *ServiceLine) {
	one, from, to := path+".service_date", path+".service_date_from", path+".service_date_to"
	if cl := c.e.Claim; c.isDental() && cl != nil && cl.Predetermination {
		for _, d := range []struct{ path, v string }{{one, l.ServiceDate}, {from, l.ServiceDateFrom}, {to, l.ServiceDateTo}} {
			if d.v != "" {
				c.add(d.path, CodeNotAllowed, "a predetermination of benefits has no date of service (DTP*472): its services are planned")
			}
		}
		return
	}
	switch {
	case l.ServiceDate != "" && (l.ServiceDateFrom != "" || l.ServiceDateTo != ""):
		c.add(one, CodeConflictingDates, "give service_date or service_date_from/service_date_to, not both")
	case l.ServiceDate != "":
		if c.serviceDate(one, l.ServiceDate) {
			c.inStatement(one, l.ServiceDate)
		}
	case l.ServiceDateFrom == "":
		if l.ServiceDateTo != "" || c.is(claim.Professional) || c.isDental() {
			c.add(one, CodeRequired, "required: service_date, or service_date_from and optionally service_date_to")
		}
	default:
		okFrom := c.serviceDate(from, l.ServiceDateFrom)
		if okFrom {
			c.inStatement(from, l.ServiceDateFrom)
		}
		if c.serviceDate(to, l.ServiceDateTo) {
			if okFrom && l.ServiceDateFrom > l.ServiceDateTo {
				c.add(to, CodeDateOrder, "is before service_date_from")
			}
			c.inStatement(to, l.ServiceDateTo)
		}
	}
}

// inStatement checks that an 837I line date lies within the claim's
// statement period.
func (c *checker) inStatement(path, d string) {
	cl := c.e.Claim
	if !c.is(claim.Institutional) || cl == nil || !validDate(cl.StatementFrom) || !validDate(cl.StatementTo) {
		return
	}
	if d < cl.StatementFrom || d > cl.StatementTo {
		c.add(path, CodeOutsideStatementPeriod, "is outside the claim's statement period")
	}
}

// pointers checks SV107 and SV311: one to four distinct 1-based diagnosis
// pointers on every 837P line, none to four on an 837D line; the 837I has
// none.
func (c *checker) pointers(path string, l *ServiceLine) {
	path += ".diagnosis_pointers"
	if c.is(claim.Institutional) {
		c.notAllowed(path, len(l.DiagnosisPointers) > 0)
		return
	}
	if c.is(claim.Professional) && len(l.DiagnosisPointers) == 0 {
		c.present(path, "")
	}
	if len(l.DiagnosisPointers) > 4 {
		c.add(path, CodeTooManyPointers, "%d pointers: at most 4", len(l.DiagnosisPointers))
	}
	n := 0
	if c.e.Claim != nil {
		n = len(c.e.Claim.Diagnoses)
	}
	seen := map[int]bool{}
	for i, p := range l.DiagnosisPointers {
		switch {
		case p < 1 || p > n:
			c.add(fmt.Sprintf("%s[%d]", path, i), CodeBadPointer, "%d points at no diagnosis: the claim has %d", p, n)
		case seen[p]:
			c.add(fmt.Sprintf("%s[%d]", path, i), CodeBadPointer, "%d is given twice", p)
		}
		seen[p] = true
	}
}
