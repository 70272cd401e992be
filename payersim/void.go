package payersim

// Voids and replacements: the package doc (doc.go) says what the payer
// answers.

// why is a 277CA status of a rejected claim: STC01-1, -2, -3.
type why struct{ category, code, entity string }

// rejection is why the 277CA rejects a claim, if it does.
func (p *Payer) rejection(c *recvClaim) (why, bool) {
	switch {
	case RejectedMember(c.MemberID):
		return why{"A7", "164", "IL"}, true
	case c.Frequency == "8" && c.OriginalRef != p.payerClaimNumber(c.PCN):
		return why{"A7", "464", ""}, true
	}
	return why{}, false
}

// voidClaims reverses the payer's last adjudication of the claim a void
// repeats.
func (p *Payer) voidClaims(c *recvClaim) []remittedClaim {
	orig := *c
	orig.Frequency, orig.OriginalRef = "1", ""
	last := p.remitClaims(&orig, false)
	if p.reversedLater(&orig) {
		last = p.remitClaims(&orig, true)[1:]
	}
	for i := range last {
		last[i].c, last[i].status, last[i].sign, last[i].tt = c, "22", -1, nil
	}
	return last
}
