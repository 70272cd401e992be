package payersim

import "github.com/claimsgw/claimsgw/codeset"

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
			if ok && e.Denies(o.Modifiers, l.Modifiers) {
				deny(i, "97", "M80")
			}
		}
		for _, k := range mue {
			m, ok := p.Codes.MUE(k, l.Code, dos)
			if !ok {
				continue
			}
			units := codeset.Thousandths(l.Units)
			if m.Indicator != '1' {
				// A date-of-service edit: the code's units of the day, at
				// its last line.
				units = 0
				for j, o := range c.Lines {
					if o.Code == l.Code && date(o) == dos {
						if j > i {
							units = 0
							break
						}
						units += codeset.Thousandths(o.Units)
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

// over reports whether units (in thousandths) are more than n.
func over(units int64, n int) bool { return units > int64(n)*1000 }
