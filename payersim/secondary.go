package payersim

import (
	"fmt"
	"hash/fnv"

	"github.com/claimsgw/claimsgw/x12/money"
)

// Coordination of benefits: a Payer as secondary or tertiary payer, and
// a primary's crossover. The rule is the package doc's (doc.go).

// Shares, in percent, of the secondary's denials and of the claims listing
// a secondary payer that a primary crosses over.
const (
	secondaryDeniedPct = 15
	crossoverPct       = 25
)

// rank orders payer responsibilities (SBR01): 1 primary, 2 secondary, 3
// tertiary; 0 for any other (A-H, U).
func rank(resp string) int {
	switch resp {
	case "P":
		return 1
	case "S":
		return 2
	case "T":
		return 3
	}
	return 0
}

// secondary reports whether this payer answers the claim as its secondary
// or tertiary payer (2000B SBR01 S or T).
func (c *recvClaim) secondary() bool { return rank(c.Responsibility) >= 2 }

// listedSecondary is the secondary payer a primary's claim names (its
// first 2320 with SBR01 S and a 2330B payer id), or nil.
func (c *recvClaim) listedSecondary() *recvOther {
	if c.secondary() {
		return nil
	}
	for _, o := range c.Others {
		if o.Responsibility == "S" && o.PayerID != "" {
			return o
		}
	}
	return nil
}

// hashPct is a deterministic number 0-99 of the seed, the PCN and a salt.
func (p *Payer) hashPct(pcn, salt string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%s", p.Seed, pcn, salt)
	return h.Sum64() % 100
}

// prior is what the prior payers did with each line: paid, the SVD02s of
// all of them; pr, what the last of them left to the patient. ok is false
// when no prior payer has adjudicated the claim.
func (c *recvClaim) prior() (paid, pr []money.Cents, ok bool) {
	own := rank(c.Responsibility)
	var last *recvOther
	paid = make([]money.Cents, len(c.Lines))
	for _, o := range c.Others {
		r := rank(o.Responsibility)
		if r == 0 || r >= own || !o.adjudicated(c) {
			continue
		}
		op, _ := o.lines(c)
		for i := range paid {
			paid[i] += op[i]
		}
		if last == nil || r > rank(last.Responsibility) {
			last = o
		}
	}
	if last == nil {
		return nil, nil, false
	}
	_, pr = last.lines(c)
	return paid, pr, true
}

// adjudicated reports whether the 837 carries the payer's adjudication.
func (o *recvOther) adjudicated(c *recvClaim) bool {
	if o.HasPaid || len(o.Adjs) > 0 {
		return true
	}
	for _, l := range c.Lines {
		if l.prior(o.PayerID) != nil {
			return true
		}
	}
	return false
}

// prior is the line's 2430s of a payer.
func (l *recvLine) prior(payerID string) []*recvPrior {
	var out []*recvPrior
	for _, p := range l.Prior {
		if p.PayerID == payerID {
			out = append(out, p)
		}
	}
	return out
}

// lines is what the payer paid and left to the patient on each line (see
// the rule above).
func (o *recvOther) lines(c *recvClaim) (paid, pr []money.Cents) {
	n := len(c.Lines)
	paid, pr = make([]money.Cents, n), make([]money.Cents, n)
	without := make([]bool, n)
	var linePaid money.Cents
	some, all := false, true
	for i, l := range c.Lines {
		ps := l.prior(o.PayerID)
		for _, p := range ps {
			paid[i] += p.Paid
			linePaid += p.Paid
			pr[i] += prSum(p.Adjs)
		}
		without[i] = len(ps) == 0
		some, all = some || len(ps) > 0, all && len(ps) > 0
	}
	if all {
		for i := range without {
			without[i] = true
		}
	}
	claimPR, hasPR := money.Cents(0), false
	for _, a := range o.Adjs {
		if a.group == "PR" {
			claimPR, hasPR = claimPR+a.amount, true
		}
	}
	if !hasPR && !some && o.HasRemaining {
		claimPR = o.Remaining
	}
	if rest := o.Paid - linePaid; o.HasPaid && rest > 0 {
		for i, a := range spread(rest, c.Lines, without) {
			paid[i] += a
		}
	}
	for i, a := range spread(claimPR, c.Lines, without) {
		pr[i] = min(max(pr[i]+a, 0), c.Lines[i].Charge)
	}
	return paid, pr
}

func prSum(adjs []adj) money.Cents {
	var s money.Cents
	for _, a := range adjs {
		if a.group == "PR" {
			s += a.amount
		}
	}
	return s
}

// spread divides total over the lines marked on, in proportion to their
// charges, the rounding on the last of them.
func spread(total money.Cents, lines []*recvLine, on []bool) []money.Cents {
	out := make([]money.Cents, len(lines))
	var weight int64
	last := -1
	for i, l := range lines {
		if on[i] {
			weight += int64(l.Charge)
			last = i
		}
	}
	if total == 0 || last < 0 {
		return out
	}
	var given money.Cents
	for i, l := range lines {
		if on[i] && i != last && weight > 0 {
			out[i] = money.Cents(int64(total) * int64(l.Charge) / weight)
			given += out[i]
		}
	}
	out[last] = total - given
	return out
}

// secondaryClaim is the CLP of a claim this payer answers as secondary
// (or tertiary).
func (p *Payer) secondaryClaim(c *recvClaim) remittedClaim {
	paid, pr, ok := c.prior()
	if !ok {
		var lines []paidLine
		for _, l := range c.Lines {
			lines = append(lines, deny(l, "16", "MA04"))
		}
		return remittedClaim{c: c, status: "4", lines: lines, sign: 1}
	}
	status := "2"
	if rank(c.Responsibility) == 3 {
		status = "3"
	}
	denied := p.hashPct(c.PCN, "secondary") < secondaryDeniedPct
	if denied {
		status = "4"
	}
	var lines []paidLine
	for i, l := range c.Lines {
		lines = append(lines, priceSecondary(l, paid[i], pr[i], denied))
	}
	return remittedClaim{c: c, status: status, lines: lines, sign: 1}
}

// priceSecondary answers a line after the prior payers (the rule above).
func priceSecondary(l *recvLine, priorPaid, priorPR money.Cents, denied bool) paidLine {
	pl := paidLine{line: l}
	add := func(group, reason string, amount money.Cents) {
		if amount != 0 {
			pl.adjs = append(pl.adjs, adj{group, reason, amount})
		}
	}
	add("OA", "23", l.Charge-priorPR)
	if denied {
		add("PR", "204", priorPR)
		return pl
	}
	allowed := money.Cents(int64(l.Charge) * allowedPct / 100)
	due := min(max(allowed-priorPaid, 0), priorPR)
	coins := due / 10
	pl.paid = due - coins
	add("CO", "45", priorPR-due)
	add("PR", "2", coins)
	return pl
}
