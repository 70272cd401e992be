package payersim

import (
	"fmt"

	"github.com/claimsgw/claimsgw/codeset"
)

// A payer that adjudicates codes denies what the gateway's code-set edits
// would have refused, when a claim reaches it anyway (an edit a partner's
// config made a warning, or no sets loaded at the gateway):
//   - a category header as a diagnosis (not billable): the claim, CO-16
//     with remark M76 (missing/incomplete/invalid diagnosis);
//   - a HCPCS code terminated before its date of service: its line, CO-181
//     (procedure code invalid on the date of service), remark M51;
//   - the column-2 code of an NCCI PTP pair on the date of its column-1
//     code, without a modifier that the edit allows: its line, CO-97
//     (included in another service), remark M80;
//   - units over the MUE: the line, CO-151 (the information does not
//     support this many services), remark N362.
//
// The others are priced as usual; a claim with a coding denial has no
// other outcome (it is not split, forwarded or reversed).

// codingDenial is what the payer's code edits found on a claim.
type codingDenial struct {
	claim bool              // a header diagnosis: the whole claim
	lines map[int][2]string // line index: CARC, remark
}

func (d codingDenial) any() bool { return d.claim || len(d.lines) > 0 }

// remit is the claim's CLP with the denials applied to its priced lines.
func (d codingDenial) remit(c *recvClaim, priced []paidLine) remittedClaim {
	if d.claim {
		var lines []paidLine
		for _, l := range c.Lines {
			lines = append(lines, deny(l, "16", "M76"))
		}
		return remittedClaim{c: c, status: "4", lines: lines, sign: 1}
	}
	for i, why := range d.lines {
		priced[i] = deny(c.Lines[i], why[0], why[1])
	}
	status := "1"
	if len(d.lines) == len(c.Lines) {
		status = "4"
	}
	return remittedClaim{c: c, status: status, lines: priced, sign: 1}
}

// ncciModifiers are the modifiers that bypass a PTP edit whose indicator is 1.
var ncciModifiers = map[string]bool{}

func init() {
	for _, m := range []string{"24", "25", "27", "57", "58", "59", "78", "79", "91", "XE", "XP", "XS", "XU", "E1", "E2", "E3", "E4",
		"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "FA", "LC", "LD", "LM", "RC", "RI", "LT", "RT", "TA",
		"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9"} {
		ncciModifiers[m] = true
	}
}

func (p *Payer) codingDenials(c *recvClaim) codingDenial {
	var d codingDenial
	if p.Codes == nil {
		return d
	}
	date := func(l *recvLine) codeset.Date {
		dt, _ := codeset.ParseDate(l.Date)
		if dt == 0 {
			dt, _ = codeset.ParseDate(c.ServiceFrom)
		}
		return dt
	}
	first, _ := codeset.ParseDate(c.ServiceFrom)
	for _, code := range c.Diagnoses {
		if r := p.Codes.Diagnosis(code, first); r.Set != nil && r.Found && !r.Billable {
			d.claim = true
			return d
		}
	}
	deny := func(i int, carc, remark string) {
		if d.lines == nil {
			d.lines = map[int][2]string{}
		}
		if _, ok := d.lines[i]; !ok {
			d.lines[i] = [2]string{carc, remark}
		}
	}
	ptp, mue := codeset.KindPTPPractitioner, []codeset.Kind{codeset.KindMUEPractitioner, codeset.KindMUEDME}
	if c.Institutional {
		ptp, mue = codeset.KindPTPHospital, []codeset.Kind{codeset.KindMUEHospital}
	}
	for i, l := range c.Lines {
		if l.Code == "" || l.Qualifier != "HC" {
			continue
		}
		dos := date(l)
		if r := p.Codes.Procedure(l.Code, dos); r.Set != nil && r.Found && r.Terminated != 0 && dos > r.Terminated {
			deny(i, "181", "M51")
		}
		for j, o := range c.Lines {
			if i == j || o.Code == "" || o.Qualifier != "HC" || o.Code == l.Code || date(o) != dos {
				continue
			}
			// l is column 2 of the pair (o, l).
			e, ok := p.Codes.PTP(ptp, o.Code, l.Code, dos)
			if ok && (e.Modifier == '0' || e.Modifier == '1' && !anyNCCI(l.Modifiers) && !anyNCCI(o.Modifiers)) {
				deny(i, "97", "M80")
			}
		}
		for _, k := range mue {
			m, ok := p.Codes.MUE(k, l.Code, dos)
			if !ok {
				continue
			}
			units := l.Units
			if m.Indicator != '1' {
				// A date-of-service edit: the code's units of the day, at
				// its last line.
				units = ""
				for j, o := range c.Lines {
					if o.Code == l.Code && date(o) == dos {
						if j > i {
							units = "0"
							break
						}
						units = addUnits(units, o.Units)
					}
				}
			}
			if over(units, m.Value) {
				deny(i, "151", "N362")
			}
			break
		}
	}
	return d
}

func anyNCCI(mods []string) bool {
	for _, m := range mods {
		if ncciModifiers[m] {
			return true
		}
	}
	return false
}

// addUnits adds two units quantities, to thousandths.
func addUnits(a, b string) string {
	t := thousandths(a) + thousandths(b)
	return fmt.Sprintf("%d.%03d", t/1000, t%1000)
}

func thousandths(s string) int {
	v, frac := 0, -1
	for i := 0; i < len(s) && frac < 3; i++ {
		switch ch := s[i]; {
		case ch == '.':
			frac = 0
		case ch >= '0' && ch <= '9':
			v = v*10 + int(ch-'0')
			if frac >= 0 {
				frac++
			}
		}
	}
	for frac = max(frac, 0); frac < 3; frac++ {
		v *= 10
	}
	return v
}

// over reports whether a units quantity (SV104, SV205) is more than n.
func over(units string, n int) bool {
	whole, frac := 0, false
	for i := 0; i < len(units); i++ {
		switch ch := units[i]; {
		case ch == '.':
			for _, f := range units[i+1:] {
				frac = frac || f != '0'
			}
			return whole > n || whole == n && frac
		case ch >= '0' && ch <= '9':
			whole = whole*10 + int(ch-'0')
		}
	}
	return whole > n
}
