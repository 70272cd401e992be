package payersim

import (
	"bytes"
	"cmp"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
)

// payerClaimNumber is the payer's own number for a claim (277CA REF*1K,
// 835 CLP07).
func (p *Payer) payerClaimNumber(pcn string) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d/%s", p.Seed, pcn)
	return fmt.Sprintf("SIM%010d", h.Sum32())
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

// estimate prices a line of a predetermination of benefits: nothing is
// paid; the allowed amount is what the payer anticipates paying once the
// services are done (OA-101), the rest CO-45.
func estimate(l *recvLine) paidLine {
	allowed := money.Cents(int64(l.Charge) * allowedPct / 100)
	pl := paidLine{line: l}
	if co := l.Charge - allowed; co != 0 {
		pl.adjs = append(pl.adjs, adj{"CO", "45", co})
	}
	if allowed != 0 {
		pl.adjs = append(pl.adjs, adj{"OA", "101", allowed})
	}
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
	tt     *recvOther  // the secondary payer it is forwarded to (NM1*TT)
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
	if c.Frequency == "8" {
		return p.voidClaims(c) // void.go
	}
	if c.Predetermination {
		// An 837D predetermination of benefits (CLM19 PB): CLP02 25,
		// predetermination pricing only, no payment.
		var lines []paidLine
		for _, l := range c.Lines {
			lines = append(lines, estimate(l))
		}
		return []remittedClaim{{c: c, status: "25", lines: lines, sign: 1}}
	}
	if c.secondary() {
		return []remittedClaim{p.secondaryClaim(c)} // secondary.go
	}
	if d := p.codingDenials(c); d.any() {
		return []remittedClaim{d.remit(c, price(allowedPct))}
	}
	switch p.OutcomeOf(c.PCN, len(c.Lines), c.listedSecondary() != nil) {
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
		return []remittedClaim{{c: c, status: "19", lines: price(allowedPct), sign: 1, tt: c.listedSecondary()}}
	}
	return []remittedClaim{{c: c, status: "1", lines: price(allowedPct), sign: 1}}
}

// remit writes an 835 interchange: one transaction set (one payment) per
// billing provider, from its model by remit.Write. A correction 835
// reverses each claim's first payment and pays it again at a higher
// allowed amount, with interest (PLB L6).
func (p *Payer) remit(rcv *received, claims []*recvClaim, correction bool) ([]byte, error) {
	var buf bytes.Buffer
	w := p.writer(&buf, rcv, "HP", "005010X221A1")
	now := p.now()
	for _, group := range byProvider(claims) {
		p.ctl++
		remit.Write(w, p.ctl, p.remittance(group, correction, now))
	}
	w.EndGroup()
	w.EndInterchange()
	err := w.Flush()
	return buf.Bytes(), err
}

// remittance is the 835 payment to one billing provider for its claims.
func (p *Payer) remittance(group []*recvClaim, correction bool, now time.Time) *remit.Remittance {
	day := now.Format("2006-01-02")
	first := group[0]
	r := &remit.Remittance{ProductionDate: day, Headers: []*remit.Header{{Number: "1"}}, Claims: []*remit.Claim{}}
	var total money.Cents
	for _, c := range group {
		for _, rc := range p.remitClaims(c, correction) {
			_, paid, _ := rc.totals()
			total += paid
			r.Claims = append(r.Claims, remitClaim(rc, p.payerClaimNumber(c.PCN)))
		}
	}
	if correction {
		// Interest on the late correction increases the payment: a
		// negative provider adjustment.
		interest := money.Cents(int64(len(group)) * 137)
		r.ProviderAdjustments = []*remit.ProviderAdjustment{{Element: 3, ProviderID: first.BillingNPI,
			FiscalPeriodDate: now.Format("2006") + "-12-31", Reason: "L6", Amount: -interest}}
		total += interest
	}
	r.Payment = remit.Payment{HandlingCode: "H", Amount: total, CreditDebit: "C", Method: "NON", Date: day,
		TraceType: "1", TraceNumber: fmt.Sprintf("SIMEFT%09d", p.ctl), OriginatorID: "1" + p.TaxID}
	if total != 0 {
		pay := &r.Payment
		pay.HandlingCode, pay.Method, pay.Format = "I", "ACH", "CCP"
		pay.SenderDFIQualifier, pay.SenderBankID, pay.SenderAccountQualifier, pay.SenderAccount = "01", "011000015", "DA", "123456789"
		pay.PayerID = "1" + p.TaxID
		pay.ReceiverDFIQualifier, pay.ReceiverBankID, pay.ReceiverAccountQualifier, pay.ReceiverAccount = "01", "021000021", "DA", "987654321"
	}
	r.Payer = remit.Payer{Name: p.Name, ID: p.ID,
		Address:    &remit.Address{Lines: []string{"100 PAYER WAY"}, City: "COLUMBUS", State: "OH", PostalCode: "43215"},
		References: []remit.Reference{{Qualifier: "2U", Value: p.ID}},
		Contacts:   []remit.Contact{{Function: "BL", Name: "PROVIDER SERVICES", Numbers: []remit.Communication{{Qualifier: "TE", Number: "8005551234"}}}}}
	r.Payee = remit.Payee{Name: first.BillingName, IDQualifier: "XX", ID: first.BillingNPI, NPI: first.BillingNPI, TaxID: first.BillingTaxID}
	if first.BillingTaxID != "" {
		r.Payee.References = []remit.Reference{{Qualifier: "TJ", Value: first.BillingTaxID}}
	}
	return r
}

// remitClaim is the CLP of a claim: the patient (and the subscriber when
// the patient is another), the secondary payer it was forwarded to, and
// its lines, each adjustment a CAS of its own.
func remitClaim(rc remittedClaim, payerClaimNumber string) *remit.Claim {
	c := rc.c
	charge, paid, pr := rc.totals()
	facility := c.FacilityOrPOS
	if !c.Institutional {
		facility = "11"
	}
	last, firstName := c.SubLast, c.SubFirst
	if c.PatLast != "" {
		last, firstName = c.PatLast, c.PatFirst
	}
	cl := &remit.Claim{Header: "1", PatientControlNumber: c.PCN, StatusCode: rc.status, Charge: charge, Paid: paid,
		PatientResponsibility: pr, FilingIndicator: "12", PayerClaimControlNumber: payerClaimNumber, FacilityType: facility, Frequency: cmp.Or(c.Frequency, "1"),
		Patient:       remit.Name{EntityType: "1", LastName: last, FirstName: firstName, IDQualifier: "MI", MemberID: c.MemberID},
		StatementFrom: isoDate(c.ServiceFrom)}
	if c.PatLast != "" {
		cl.Insured = &remit.Name{EntityType: "1", LastName: c.SubLast, FirstName: c.SubFirst, IDQualifier: "MI", MemberID: c.MemberID}
	}
	if rc.tt != nil {
		cl.CrossoverCarrier = &remit.Name{EntityType: "2", LastName: rc.tt.PayerName, IDQualifier: "PI", ID: rc.tt.PayerID}
	}
	for _, l := range rc.lines {
		// SVC01 is required: a line billed with a revenue code only is
		// NU:code there, and SVC04 (the revenue code beside a procedure)
		// is left out.
		qual, code, revenue := l.line.Qualifier, l.line.Code, l.line.Revenue
		if code == "" && revenue != "" {
			qual, code, revenue = "NU", revenue, ""
		}
		sl := &remit.ServiceLine{Procedure: remit.Procedure{Qualifier: qual, Code: code, Modifiers: l.line.Modifiers},
			Charge: l.line.Charge * rc.sign, Paid: l.paid * rc.sign, RevenueCode: revenue, Units: l.line.Units,
			ServiceDate: isoDate(l.line.Date), LineItemControlNumber: l.line.LineID}
		for _, a := range l.adjs {
			sl.Adjustments = append(sl.Adjustments, remit.Adjustment{Element: 2, Group: a.group, Reason: a.reason, Amount: a.amount * rc.sign})
		}
		if l.rmk != "" {
			sl.Remarks = []string{l.rmk}
		}
		cl.ServiceLines = append(cl.ServiceLines, sl)
	}
	return cl
}
