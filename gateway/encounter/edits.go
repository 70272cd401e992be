package encounter

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// The code-set edits: what the imported official code sets (ICD-10-CM,
// HCPCS, an operator's CPT list, NCCI PTP and MUE tables) say of an
// encounter's codes, each by its date of service. They run when sets are
// loaded (CodeSets.Imported); each problem names the set it came from.

// Edit codes. A trading partner's config may change their severity
// (payers[].edits: error, warning or off).
const (
	CodeHeaderCode         = "header_code"          // an ICD-10-CM category header: not billable
	CodeExternalCauseFirst = "external_cause_first" // V00-Y99 as the principal or first-listed diagnosis
	CodeDuplicateDiagnosis = "duplicate_diagnosis"  // the same code twice on one claim
	CodeMaternitySex       = "maternity_sex"        // warning: a pregnancy code (O00-O9A) for a male patient
	CodeMaternityAge       = "maternity_age"        // warning: a pregnancy code outside ages 9-64
	CodeGestationAlone     = "gestation_without_pregnancy"
	CodeICD10TooEarly      = "icd10_before_2015" // ICD-10-CM for a service before 2015-10-01
	CodeTerminatedCode     = "terminated_code"   // a HCPCS code terminated before the date of service
	CodeNotYetEffective    = "code_not_yet_effective"
	CodeUnknownModifier    = "unknown_modifier"
	CodeNCCIPTP            = "ncci_ptp"          // a column-2 code billed with its column-1 code on one date
	CodeMUEUnits           = "mue_units"         // units over the medically unlikely edit's value
	CodeCodeSetOutdated    = "code_set_outdated" // warning: no set loaded covers the date; the newest was used
)

// EditCodes are the problem codes whose severity a trading partner may set:
// the code-set edits, and unknown_code.
var EditCodes = []string{CodeUnknownCode, CodeHeaderCode, CodeExternalCauseFirst, CodeDuplicateDiagnosis, CodeMaternitySex,
	CodeMaternityAge, CodeGestationAlone, CodeICD10TooEarly, CodeTerminatedCode, CodeNotYetEffective, CodeUnknownModifier,
	CodeNCCIPTP, CodeMUEUnits, CodeCodeSetOutdated}

// SeverityOff, in a partner's edits, drops a problem.
const SeverityOff Severity = "off"

// editLine is what the edits need of a service line.
type editLine struct {
	i     int
	code  string // the procedure code, "" without one (or not HCPCS-shaped)
	mods  []string
	dos   codeset.Date
	units int64 // thousandths
}

// path is the line's path, with what follows it: made only for a problem.
func (l editLine) path(rest string) string { return fmt.Sprintf("service_lines[%d]%s", l.i, rest) }

// edits runs the code-set edits.
func (c *checker) edits() {
	b := c.opts.Codes.Imported
	if b == nil || len(b.Sets()) == 0 {
		return
	}
	lines := c.editLines()
	if cl := c.e.Claim; cl != nil && b.Has(codeset.KindICD10CM) {
		c.diagnosisEdits(b, cl, lines)
	}
	c.procedureEdits(b, lines)
	ptp, mue := codeset.KindPTPPractitioner, []codeset.Kind{codeset.KindMUEPractitioner, codeset.KindMUEDME}
	if c.is(claim.Institutional) {
		ptp, mue = codeset.KindPTPHospital, []codeset.Kind{codeset.KindMUEHospital}
	}
	c.ptpEdits(b, ptp, lines)
	c.mueEdits(b, mue, lines)
}

// editLines are the lines with a date of service: the line's, or on an
// 837I without one the statement's first day.
func (c *checker) editLines() []editLine {
	out := make([]editLine, 0, 16)
	for i, l := range c.e.ServiceLines {
		if l == nil {
			continue
		}
		d := cmp.Or(l.ServiceDate, l.ServiceDateFrom)
		if d == "" && c.e.Claim != nil {
			d = c.e.Claim.StatementFrom
		}
		dos, ok := codeset.ParseDate(d)
		if !ok {
			continue
		}
		el := editLine{i: i, dos: dos, units: codeset.Thousandths(l.Units)}
		if p := l.Procedure; p != nil && (p.Qualifier == "" || p.Qualifier == "HC") && ValidHCPCS(p.Code) {
			el.code, el.mods = p.Code, p.Modifiers
		}
		out = append(out, el)
	}
	return out
}

// diagnosisDates are the dates of service the diagnoses are checked for:
// on an 837I the statement's last day, else each line's (once each).
func (c *checker) diagnosisDates(cl *Claim, lines []editLine) []codeset.Date {
	if c.is(claim.Institutional) {
		if d, ok := codeset.ParseDate(cmp.Or(cl.StatementTo, cl.StatementFrom)); ok {
			return []codeset.Date{d}
		}
		return nil
	}
	var out []codeset.Date
	for _, l := range lines {
		seen := false
		for _, d := range out {
			seen = seen || d == l.dos
		}
		if !seen {
			out = append(out, l.dos)
		}
	}
	return out
}

func (c *checker) diagnosisEdits(b *codeset.Bundle, cl *Claim, lines []editLine) {
	dates := c.diagnosisDates(cl, lines)
	var early, outdated, uncovered bool
	var pregnancy, gestation = false, -1
	for i, d := range cl.Diagnoses {
		if d == nil || !ValidICD10CM(d.Code) {
			continue
		}
		path := func() string { return fmt.Sprintf("claim.diagnoses[%d].code", i) }
		code := NormalizeICD10(d.Code)
		// An admitting or reason-for-visit code may repeat the principal:
		// each is its own HI; the principal and the others are one list.
		listed := func(d *Diagnosis) bool { return d.Type != DiagAdmitting && d.Type != DiagReasonForVisit }
		for j, o := range cl.Diagnoses[:i] {
			if o != nil && listed(d) && listed(o) && NormalizeICD10(o.Code) == code {
				c.edit(path(), CodeDuplicateDiagnosis, SeverityError, "", "%s is also diagnosis %d", dotted(code), j+1)
				break
			}
		}
		if i == 0 && strings.IndexByte("VWXY", code[0]) >= 0 && (d.Type == "" || d.Type == DiagPrincipal) {
			c.edit(path(), CodeExternalCauseFirst, SeverityError, "", "%s is an external-cause code (V00-Y99): it is never the principal or first-listed diagnosis", dotted(code))
		}
		if code[0] == 'O' {
			pregnancy = true
		}
		if strings.HasPrefix(code, "Z3A") && gestation < 0 {
			gestation = i
		}
		var reported *codeset.Set // the set this code's problem came from: once a set
		for _, dos := range dates {
			if dos < codeset.ICD10Start {
				early = true
				continue
			}
			r := b.Diagnosis(code, dos)
			switch {
			case r.Set == nil:
				uncovered = true
				continue
			case r.Newest && !outdated:
				outdated = true
				c.edit("claim.diagnoses", CodeCodeSetOutdated, SeverityWarning, r.Set.Name,
					"no ICD-10-CM set loaded covers a date of service this late: %s was used", r.Set.Name)
			}
			if reported == r.Set {
				continue
			}
			switch {
			case !r.Found:
				reported = r.Set
				c.edit(path(), CodeUnknownCode, SeverityError, r.Set.Name, "%s is not in %s", dotted(code), r.Set.Name)
			case !r.Billable:
				reported = r.Set
				msg := fmt.Sprintf("%s is a category header in %s, not billable", dotted(code), r.Set.Name)
				if under := b.BillableUnder(r.Set, code, 5, nil); len(under) > 0 {
					for k := range under {
						under[k] = dotted(under[k])
					}
					msg += ": use a code under it, such as " + strings.Join(under, ", ")
				}
				c.edit(path(), CodeHeaderCode, SeverityError, r.Set.Name, "%s", msg)
			}
		}
	}
	if early {
		c.edit("claim.diagnoses", CodeICD10TooEarly, SeverityError, "", "ICD-10-CM codes are not valid for a date of service before 2015-10-01")
	}
	if uncovered {
		c.note("claim.diagnoses", "ICD-10-CM codes were checked for structure only for a date of service that no loaded set covers")
	}
	if gestation >= 0 && !pregnancy {
		c.edit(fmt.Sprintf("claim.diagnoses[%d].code", gestation), CodeGestationAlone, SeverityError, "",
			"a weeks-of-gestation code (Z3A) goes with a pregnancy code (O00-O9A), and the claim has none")
	}
	if pregnancy {
		c.maternity(dates)
	}
}

// maternity warns of a pregnancy code for a male patient or one outside
// the Medicare code editor's maternity ages, 9 to 64.
func (c *checker) maternity(dates []codeset.Date) {
	var p *Person
	switch {
	case c.e.Patient != nil:
		p = &c.e.Patient.Person
	case c.e.Subscriber != nil:
		p = &c.e.Subscriber.Person
	default:
		return
	}
	if p.Gender == "M" {
		c.edit("claim.diagnoses", CodeMaternitySex, SeverityWarning, "", "a pregnancy code (O00-O9A) for a male patient")
	}
	birth, ok := codeset.ParseDate(p.BirthDate)
	if !ok || len(dates) == 0 {
		return
	}
	dos := dates[0]
	age := int(dos/10000) - int(birth/10000)
	if dos%10000 < birth%10000 {
		age--
	}
	if age < 9 || age > 64 {
		c.edit("claim.diagnoses", CodeMaternityAge, SeverityWarning, "", "a pregnancy code (O00-O9A) for a patient outside the maternity ages, 9 to 64")
	}
}

// dotted writes an ICD-10-CM code with its dot: E1165 as E11.65.
func dotted(code string) string {
	if len(code) > 3 {
		return code[:3] + "." + code[3:]
	}
	return code
}

func (c *checker) procedureEdits(b *codeset.Bundle, lines []editLine) {
	outdated := false
	for _, l := range lines {
		if l.code == "" {
			continue
		}
		r := b.Procedure(l.code, l.dos)
		if r.Set != nil {
			if r.Newest && !outdated {
				outdated = true
				c.edit(l.path(".procedure"), CodeCodeSetOutdated, SeverityWarning, r.Set.Name,
					"no procedure code set loaded covers a date of service this late: %s was used", r.Set.Name)
			}
			switch {
			case !r.Found:
				c.edit(l.path(".procedure.code"), CodeUnknownCode, SeverityError, r.Set.Name, "%q is not in %s", l.code, r.Set.Name)
			case r.Terminated != 0 && l.dos > r.Terminated:
				c.edit(l.path(".procedure.code"), CodeTerminatedCode, SeverityError, r.Set.Name, "%q was terminated on %s (%s), before the date of service", l.code, r.Terminated, r.Set.Name)
			case r.Added != 0 && l.dos < r.Added:
				c.edit(l.path(".procedure.code"), CodeNotYetEffective, SeverityError, r.Set.Name, "%q is valid from %s (%s), after the date of service", l.code, r.Added, r.Set.Name)
			}
		}
		for j, m := range l.mods {
			if len(m) != 2 || !allAlnum(m) {
				continue
			}
			if set, found := b.Modifier(m, l.dos); set != nil && !found {
				c.edit(l.path(fmt.Sprintf(".procedure.modifiers[%d]", j)), CodeUnknownModifier, SeverityError, set.Name, "%q is not a modifier of %s on the date of service", m, set.Name)
			}
		}
	}
}

// ptpEdits finds NCCI procedure-to-procedure pairs: a column-2 code on
// the same date of service as its column-1 code.
func (c *checker) ptpEdits(b *codeset.Bundle, k codeset.Kind, lines []editLine) {
	if !b.Has(k) {
		return
	}
	for _, l1 := range lines {
		for _, l2 := range lines {
			if l1.i == l2.i || l1.code == "" || l2.code == "" || l1.code == l2.code || l1.dos != l2.dos {
				continue
			}
			e, ok := b.PTP(k, l1.code, l2.code, l1.dos)
			if !ok || !e.Denies(l1.mods, l2.mods) {
				continue
			}
			set := fmt.Sprintf("%s, modifier indicator %c", e.Set.Name, e.Modifier)
			switch {
			case e.Modifier == '1':
				c.edit(l2.path(".procedure.code"), CodeNCCIPTP, SeverityError, set,
					"%q is not billed with %q (line %d) on one date of service (%s): an NCCI-associated modifier such as 59 or XS on either line allows it when the services were distinct",
					l2.code, l1.code, l1.i+1, set)
			default:
				c.edit(l2.path(".procedure.code"), CodeNCCIPTP, SeverityError, set,
					"%q is not billed with %q (line %d) on one date of service (%s): no modifier allows it", l2.code, l1.code, l1.i+1, set)
			}
		}
	}
}

// mueEdits checks units against the medically unlikely edits: a line's
// (indicator 1), or the sum of the lines of one code and date of service
// (2 and 3). kinds are the tables to look in, in order.
func (c *checker) mueEdits(b *codeset.Bundle, kinds []codeset.Kind, lines []editLine) {
	for n, l := range lines {
		if l.code == "" {
			continue
		}
		var m codeset.MUE
		var ok bool
		for _, k := range kinds {
			if m, ok = b.MUE(k, l.code, l.dos); ok {
				break
			}
		}
		if !ok {
			continue
		}
		units, what := l.units, "on one line"
		if m.Indicator != '1' {
			// The lines of this code and date, summed, at the last of them.
			last := true
			for _, o := range lines[n+1:] {
				last = last && !(o.code == l.code && o.dos == l.dos)
			}
			if !last {
				continue
			}
			units, what = 0, "on one date of service"
			for _, o := range lines[:n+1] {
				if o.code == l.code && o.dos == l.dos {
					units += o.units
				}
			}
		}
		if units > int64(m.Value)*1000 {
			set := fmt.Sprintf("%s, adjudication indicator %c", m.Set.Name, m.Indicator)
			c.edit(l.path(".units"), CodeMUEUnits, SeverityError, set, "%s units of %q %s: the medically unlikely edit allows %d (%s)",
				unitsText(units), l.code, what, m.Value, set)
		}
	}
}

// unitsText writes thousandths as a decimal: 2500 as 2.5.
func unitsText(v int64) string {
	s := fmt.Sprintf("%d.%03d", v/1000, v%1000)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// edit adds a code-set edit's problem, with the set it came from.
func (c *checker) edit(path, code string, sev Severity, set, format string, args ...any) {
	c.probs = append(c.probs, Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...), Severity: sev, Set: set})
}

// partnerSeverities applies the trading partner's severities to the
// edits' problems; off drops a problem.
func (c *checker) partnerSeverities() {
	if len(c.opts.Severity) == 0 {
		return
	}
	out := c.probs[:0]
	for _, p := range c.probs {
		if s, ok := c.opts.Severity[p.Code]; ok {
			if s == SeverityOff {
				continue
			}
			p.Severity = s
		}
		out = append(out, p)
	}
	c.probs = out
}
