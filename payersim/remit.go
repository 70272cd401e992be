package payersim

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
)

// payerClaimNumber is the payer's own number for a claim (277CA REF*1K,
// 835 CLP07).
func (p *Payer) payerClaimNumber(pcn string) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d/%s", p.Seed, pcn)
	return fmt.Sprintf("SIM%010d", h.Sum32())
}

// ack277 writes the 277CA: every claim of the accepted sets, accepted
// (A2:20) or rejected for its member ID (A7:164:IL), with the totals per
// level.
func (p *Payer) ack277(rcv *received, claims []*recvClaim) ([]byte, error) {
	var buf bytes.Buffer
	w := p.writer(&buf, rcv, "HN", "005010X214")
	now := p.now()
	date := now.Format("20060102")
	w.BeginTransaction("277", p.ctl, "005010X214")
	w.Segment("BHT", "0085", "08", fmt.Sprintf("SIM277CA%06d", p.ctl), date, now.Format("1504"), "TH")
	w.Segment("HL", "1", "", "20", "1")
	w.Segment("NM1", "PR", "2", p.Name, "", "", "", "", "PI", p.ID)
	w.Segment("TRN", "1", fmt.Sprintf("SIM%09d", p.ctl))
	w.Segment("DTP", "050", "D8", date)
	w.Segment("DTP", "009", "D8", date)
	acc, rej, accAmt, rejAmt := tally(claims)
	w.Segment("HL", "2", "1", "21", "1")
	w.Segment("NM1", "41", "2", "SUBMITTER", "", "", "", "", "46", rcv.SenderID)
	w.Segment("TRN", "2", rcv.ISA13)
	stc(w, "A1:19:PR", date, "WQ", accAmt.X12())
	w.Segment("QTY", "90", strconv.Itoa(acc))
	if rej > 0 {
		w.Segment("QTY", "AA", strconv.Itoa(rej))
	}
	w.Segment("AMT", "YU", accAmt.X12())
	if rej > 0 {
		w.Segment("AMT", "YY", rejAmt.X12())
	}
	hl := 2
	for _, group := range byProvider(claims) {
		hl++
		provider := hl
		w.Segment("HL", strconv.Itoa(provider), "2", "19", "1")
		first := group[0]
		w.Segment("NM1", "85", "2", first.BillingName, "", "", "", "", "XX", first.BillingNPI)
		w.Segment("TRN", "1", fmt.Sprintf("SIMPRV%06d", hl))
		// 2200C: the QTYs, then the AMTs (X214 orders them so).
		pa, pr, paAmt, prAmt := tally(group)
		if pa > 0 {
			w.Segment("QTY", "QA", strconv.Itoa(pa))
		}
		if pr > 0 {
			w.Segment("QTY", "QC", strconv.Itoa(pr))
		}
		if pa > 0 {
			w.Segment("AMT", "YU", paAmt.X12())
		}
		if pr > 0 {
			w.Segment("AMT", "YY", prAmt.X12())
		}
		for _, c := range group {
			hl++
			w.Segment("HL", strconv.Itoa(hl), strconv.Itoa(provider), "PT")
			last, first := c.SubLast, c.SubFirst
			if c.PatLast != "" {
				last, first = c.PatLast, c.PatFirst
			}
			w.Segment("NM1", "QC", "1", last, first, "", "", "", "MI", c.MemberID)
			w.Segment("TRN", "2", c.PCN)
			if RejectedMember(c.MemberID) {
				stc(w, "A7:164:IL", date, "U", c.Charge.X12())
			} else {
				stc(w, "A2:20:PR", date, "WQ", c.Charge.X12())
				w.Segment("REF", "1K", p.payerClaimNumber(c.PCN))
			}
			w.Segment("DTP", "472", "D8", c.ServiceFrom)
		}
	}
	w.EndTransaction()
	w.EndGroup()
	w.EndInterchange()
	err := w.Flush()
	return buf.Bytes(), err
}

// byProvider groups claims by billing provider NPI, in order of first
// appearance.
func byProvider(claims []*recvClaim) [][]*recvClaim {
	var order []string
	groups := map[string][]*recvClaim{}
	for _, c := range claims {
		if _, ok := groups[c.BillingNPI]; !ok {
			order = append(order, c.BillingNPI)
		}
		groups[c.BillingNPI] = append(groups[c.BillingNPI], c)
	}
	out := make([][]*recvClaim, len(order))
	for i, npi := range order {
		out[i] = groups[npi]
	}
	return out
}

// adj is one CAS triplet.
type adj struct {
	group, reason string
	amount        money.Cents
}

// paidLine is what the payer pays on a line.
type paidLine struct {
	line *recvLine
	paid money.Cents
	adjs []adj
	rmk  string
}

// allowed percentage of the charge on a first payment and on a correction.
const (
	allowedPct    = 80
	correctionPct = 85
)

// priceLine prices one line: the allowed amount is pct% of the charge,
// the rest is CO-45; the patient owes a 20.00 copay on the first line and
// 20% coinsurance on the others (PR-3, PR-2), never more than allowed.
func priceLine(l *recvLine, first bool, pct int64) paidLine {
	allowed := money.Cents(int64(l.Charge) * pct / 100)
	pl := paidLine{line: l}
	if co := l.Charge - allowed; co != 0 {
		pl.adjs = append(pl.adjs, adj{"CO", "45", co})
	}
	pr, reason := allowed/5, "2"
	if first {
		pr, reason = min(2000, allowed), "3"
	}
	if pr != 0 {
		pl.adjs = append(pl.adjs, adj{"PR", reason, pr})
	}
	pl.paid = allowed - pr
	return pl
}

func deny(l *recvLine, reason, remark string) paidLine {
	return paidLine{line: l, adjs: []adj{{"CO", reason, l.Charge}}, rmk: remark}
}

// remittedClaim is one CLP.
type remittedClaim struct {
	c      *recvClaim
	status string // CLP02
	lines  []paidLine
	sign   money.Cents // -1 for a reversal
	tt     bool        // crossover to a secondary payer
}

func (rc remittedClaim) totals() (charge, paid, pr money.Cents) {
	for _, l := range rc.lines {
		charge += l.line.Charge
		paid += l.paid
		for _, a := range l.adjs {
			if a.group == "PR" {
				pr += a.amount
			}
		}
	}
	return charge * rc.sign, paid * rc.sign, pr * rc.sign
}

// remitClaims decides the CLPs for a claim in the first 835, or in the
// second (correction) 835 of a reversed claim.
func (p *Payer) remitClaims(c *recvClaim, correction bool) []remittedClaim {
	price := func(pct int64) []paidLine {
		var out []paidLine
		for i, l := range c.Lines {
			out = append(out, priceLine(l, i == 0, pct))
		}
		return out
	}
	if correction {
		return []remittedClaim{
			{c: c, status: "22", lines: price(allowedPct), sign: -1},
			{c: c, status: "1", lines: price(correctionPct), sign: 1},
		}
	}
	if d := p.codingDenials(c); d.any() {
		return []remittedClaim{d.remit(c, price(allowedPct))}
	}
	switch p.OutcomeOf(c.PCN, len(c.Lines)) {
	case PartiallyPaid:
		lines := price(allowedPct)
		last := len(lines) - 1
		lines[last] = deny(c.Lines[last], "97", "M15")
		return []remittedClaim{{c: c, status: "1", lines: lines, sign: 1}}
	case Denied:
		var lines []paidLine
		for _, l := range c.Lines {
			lines = append(lines, deny(l, "50", "N130"))
		}
		return []remittedClaim{{c: c, status: "4", lines: lines, sign: 1}}
	case Split:
		lines := price(allowedPct)
		half := len(lines) / 2
		return []remittedClaim{{c: c, status: "1", lines: lines[:half], sign: 1}, {c: c, status: "1", lines: lines[half:], sign: 1}}
	case Forwarded:
		return []remittedClaim{{c: c, status: "19", lines: price(allowedPct), sign: 1, tt: true}}
	}
	return []remittedClaim{{c: c, status: "1", lines: price(allowedPct), sign: 1}}
}

// remit writes an 835 interchange: one transaction set (one payment) per
// billing provider. A correction 835 reverses each claim's first payment
// and pays it again at a higher allowed amount, with interest (PLB L6).
func (p *Payer) remit(rcv *received, claims []*recvClaim, correction bool) ([]byte, error) {
	var buf bytes.Buffer
	w := p.writer(&buf, rcv, "HP", "005010X221A1")
	now := p.now()
	date := now.Format("20060102")
	for _, group := range byProvider(claims) {
		var clps []remittedClaim
		var total money.Cents
		for _, c := range group {
			for _, rc := range p.remitClaims(c, correction) {
				_, paid, _ := rc.totals()
				total += paid
				clps = append(clps, rc)
			}
		}
		type plb struct {
			reason, ref string
			amount      money.Cents
		}
		var plbs []plb
		if correction {
			// Interest on the late correction increases the payment: a
			// negative provider adjustment.
			interest := money.Cents(int64(len(group)) * 137)
			plbs = append(plbs, plb{"L6", "", -interest})
			total += interest
		}
		p.ctl++
		st := p.ctl
		first := group[0]
		w.BeginTransaction("835", st, "")
		method := "ACH"
		if total == 0 {
			method = "NON"
		}
		if method == "ACH" {
			w.Segment("BPR", "I", total.X12(), "C", method, "CCP", "01", "011000015", "DA", "123456789", "1"+p.TaxID, "", "01", "021000021", "DA", "987654321", date)
		} else {
			w.Segment("BPR", "H", total.X12(), "C", method, "", "", "", "", "", "", "", "", "", "", "", date)
		}
		w.Segment("TRN", "1", fmt.Sprintf("SIMEFT%09d", st), "1"+p.TaxID)
		w.Segment("DTM", "405", date)
		w.Segment("N1", "PR", p.Name)
		w.Segment("N3", "100 PAYER WAY")
		w.Segment("N4", "COLUMBUS", "OH", "43215")
		w.Segment("REF", "2U", p.ID)
		w.Segment("PER", "BL", "PROVIDER SERVICES", "TE", "8005551234")
		w.Segment("N1", "PE", first.BillingName, "XX", first.BillingNPI)
		if first.BillingTaxID != "" {
			w.Segment("REF", "TJ", first.BillingTaxID)
		}
		w.Segment("LX", "1")
		for _, rc := range clps {
			writeCLP(w, rc, p.payerClaimNumber(rc.c.PCN))
		}
		for _, a := range plbs {
			w.Begin("PLB")
			w.Element(first.BillingNPI)
			w.Element(now.Format("2006") + "1231")
			w.Element(a.reason)
			if a.ref != "" {
				w.Component(a.ref)
			}
			w.Element(a.amount.X12())
			w.End()
		}
		w.EndTransaction()
	}
	w.EndGroup()
	w.EndInterchange()
	err := w.Flush()
	return buf.Bytes(), err
}

func writeCLP(w *x12.Writer, rc remittedClaim, payerClaimNumber string) {
	c := rc.c
	charge, paid, pr := rc.totals()
	freq, facility := "1", c.FacilityOrPOS
	if !c.Institutional {
		facility = "11"
	}
	w.Segment("CLP", c.PCN, rc.status, charge.X12(), paid.X12(), pr.X12(), "12", payerClaimNumber, facility, freq)
	last, firstName := c.SubLast, c.SubFirst
	if c.PatLast != "" {
		last, firstName = c.PatLast, c.PatFirst
	}
	w.Segment("NM1", "QC", "1", last, firstName, "", "", "", "MI", c.MemberID)
	if c.PatLast != "" {
		w.Segment("NM1", "IL", "1", c.SubLast, c.SubFirst, "", "", "", "MI", c.MemberID)
	}
	if rc.tt {
		w.Segment("NM1", "TT", "2", "SIM SECONDARY PLAN", "", "", "", "", "PI", "SIMSECOND")
	}
	if c.ServiceFrom != "" { // a claim without a line date has none (DTM02 is required)
		w.Segment("DTM", "232", c.ServiceFrom)
	}
	for _, l := range rc.lines {
		// SVC01 is required: a line billed with a revenue code only is
		// NU:code there, and SVC04 (the revenue code beside a procedure)
		// is left out.
		qual, code, revenue := l.line.Qualifier, l.line.Code, l.line.Revenue
		if code == "" && revenue != "" {
			qual, code, revenue = "NU", revenue, ""
		}
		w.Begin("SVC")
		w.Element(qual)
		w.Component(code)
		for _, m := range l.line.Modifiers {
			w.Component(m)
		}
		w.Element((l.line.Charge * rc.sign).X12())
		w.Element((l.paid * rc.sign).X12())
		w.Element(revenue)
		w.Element(l.line.Units)
		w.End()
		if l.line.Date != "" {
			w.Segment("DTM", "472", l.line.Date)
		}
		for _, a := range l.adjs {
			w.Segment("CAS", a.group, a.reason, (a.amount * rc.sign).X12())
		}
		if l.line.LineID != "" {
			w.Segment("REF", "6R", l.line.LineID)
		}
		if l.rmk != "" {
			w.Segment("LQ", "HE", l.rmk)
		}
	}
}

// stc writes an STC segment whose first element is a composite written
// with ':' between its parts.
func stc(w *x12.Writer, composite, date, action string, amount string) {
	w.Begin("STC")
	for i, part := range strings.Split(composite, ":") {
		if i == 0 {
			w.Element(part)
		} else {
			w.Component(part)
		}
	}
	w.Element(date)
	w.Element(action)
	w.Element(amount)
	w.End()
}

// tally counts the claims the 277CA accepts and rejects, and adds up their
// charges.
func tally(claims []*recvClaim) (accepted, rejected int, acceptedAmt, rejectedAmt money.Cents) {
	for _, c := range claims {
		if RejectedMember(c.MemberID) {
			rejected++
			rejectedAmt += c.Charge
		} else {
			accepted++
			acceptedAmt += c.Charge
		}
	}
	return accepted, rejected, acceptedAmt, rejectedAmt
}
