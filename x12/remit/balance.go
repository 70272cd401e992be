package remit

import (
	"slices"

	"github.com/claimsgw/claimsgw/x12"
)

// The balancing rules of the 835 (SNIP type 3), checked as each service
// line, claim and transaction set closes. Amounts are signed, so reversals
// (CLP02 22, negative amounts) balance by the same rules. A scope with an
// amount that did not parse is not checked: the syntax error says enough.
//
//	service line: SVC02 − SVC03 = Σ CAS amounts of the line
//	claim:        CLP03 − CLP04 = Σ claim CAS + Σ line CAS of its lines
//	transaction:  BPR02 = Σ CLP04 − Σ PLB amounts (BPR03 D: −BPR02)

// closeLine checks the open service line and adds its adjustments to its
// claim's.
func (d *Decoder) closeLine() {
	l := d.line
	if l == nil {
		return
	}
	if !d.lineBad && l.Charge-l.Paid != d.lineCAS {
		d.errorf(l.Position, "SVC", 3, 0, x12.SeverityError, CodeBalance,
			"service line charge %s minus paid %s is %s, but its adjustments sum to %s (difference %s)",
			l.Charge, l.Paid, l.Charge-l.Paid, d.lineCAS, l.Charge-l.Paid-d.lineCAS)
	}
	d.claimLineCAS += d.lineCAS
	d.claimBad = d.claimBad || d.lineBad
	d.line, d.lineCAS, d.lineBad = nil, 0, false
	if d.loop == loopLine {
		d.loop = loopClaim
	}
}

// closeClaim closes the open service line and claim, checks the claim and
// adds its payment to the transaction's.
func (d *Decoder) closeClaim() {
	d.closeLine()
	c := d.claim
	if c == nil {
		return
	}
	if !d.claimPatient {
		d.errorf(c.Position, "CLP", 0, 0, x12.SeverityError, CodeMissingSegment, "the claim has no NM1*QC patient name, which the guide requires")
	}
	adj := d.claimCAS + d.claimLineCAS
	if !d.claimBad && c.Charge-c.Paid != adj {
		d.errorf(c.Position, "CLP", 4, 0, x12.SeverityError, CodeBalance,
			"claim charge %s minus paid %s is %s, but the claim adjustments %s and service line adjustments %s sum to %s (difference %s)",
			c.Charge, c.Paid, c.Charge-c.Paid, d.claimCAS, d.claimLineCAS, adj, c.Charge-c.Paid-adj)
	}
	d.paidSum += c.Paid
	d.claim, d.claimPatient, d.claimCAS, d.claimLineCAS, d.claimBad = nil, false, 0, 0, false
	d.loop = loopNumber
	switch {
	case d.checkOnly:
		d.rem.Claims = d.rem.Claims[:0]
		d.store.reuse()
	case d.each != nil:
		d.keepHeader()
		keep := d.each(d.rem, c)
		d.rem.Claims = d.rem.Claims[:0]
		if keep {
			d.store.release()
		} else {
			d.store.reuse()
		}
	}
}

// balanceTransaction checks BPR02 against the claim payments and the
// provider adjustments.
func (d *Decoder) balanceTransaction() {
	if !d.seenBPR || d.txBad {
		return
	}
	pay := &d.rem.Payment
	want := d.paidSum - d.plbSum
	got := pay.Amount
	if pay.CreditDebit == "D" {
		got = -got
	}
	if got != want {
		d.errorf(pay.Position, "BPR", 2, 0, x12.SeverityError, CodeBalance,
			"payment amount %s differs from the claim payments %s minus the provider adjustments %s = %s (difference %s)",
			pay.Amount, d.paidSum, d.plbSum, want, got-want)
	}
}

// keepHeader copies the header's lists out of the chunks, which the claims
// (and the next set) reuse: once, before the first claim is handed over,
// or as the set ends when it has none (a PLB alone).
func (d *Decoder) keepHeader() {
	if d.each == nil || d.handed {
		return
	}
	d.rem.Payer.References = slices.Clone(d.rem.Payer.References)
	d.rem.Payee.References = slices.Clone(d.rem.Payee.References)
	d.handed = true
}
