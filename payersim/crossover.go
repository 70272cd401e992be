package payersim

import (
	"fmt"

	"github.com/claimsgw/claimsgw/x12/money"
)

// CrossedOver is a claim a primary payer crossed over to the secondary
// payer the 837 listed (its 835 CLP02 19 with NM1*TT), with what the
// primary decided of each line: the secondary answers it as if it had
// received it from the primary (Payer.CrossOver).
type CrossedOver struct {
	PCN                string      // CLP01
	PayerID, PayerName string      // the secondary payer, as the 837's 2330B named it
	FromID, FromName   string      // the primary payer
	FromClaimNumber    string      // the primary's CLP07
	Paid               money.Cents // what the primary paid (CLP04)

	// The claim as the secondary sees it (its own subscriber, from the
	// 2330A; the primary's adjudication as the prior payer's), and the
	// envelope of the 837 the gateway sent the primary: the secondary's
	// 835 goes back to the same receiver.
	claim                *recvClaim
	senderQual, senderID string // ISA05/06 of the 837: the gateway
	receiverQual, usage  string // ISA07 and ISA15 of the 837
}

// crossedOver is what the primary passes on of a claim it forwards, rc
// being its CLP19 (one paidLine per line of c).
func (p *Payer) crossedOver(rcv *received, c *recvClaim, rc remittedClaim) CrossedOver {
	sec := c.listedSecondary()
	cc := *c
	cc.Responsibility, cc.Frequency, cc.OriginalRef = "S", "1", ""
	if sec.MemberID != "" {
		cc.MemberID, cc.SubLast, cc.SubFirst = sec.MemberID, sec.SubLast, sec.SubFirst
	}
	patLast, patFirst := c.PatLast, c.PatFirst
	if patLast == "" {
		patLast, patFirst = c.SubLast, c.SubFirst
	}
	cc.PatLast, cc.PatFirst = "", ""
	if patLast != cc.SubLast || patFirst != cc.SubFirst {
		cc.PatLast, cc.PatFirst = patLast, patFirst
	}
	_, paid, _ := rc.totals()
	primary := &recvOther{Responsibility: "P", PayerID: p.ID, PayerName: p.Name, MemberID: c.MemberID, SubLast: c.SubLast, SubFirst: c.SubFirst,
		Paid: paid, HasPaid: true, ClaimNumber: p.payerClaimNumber(c.PCN)}
	cc.Others = []*recvOther{primary}
	cc.Lines = nil
	for _, pl := range rc.lines {
		l := *pl.line
		l.Prior = []*recvPrior{{PayerID: p.ID, Paid: pl.paid, Adjs: append([]adj(nil), pl.adjs...)}}
		cc.Lines = append(cc.Lines, &l)
	}
	return CrossedOver{PCN: c.PCN, PayerID: sec.PayerID, PayerName: sec.PayerName, FromID: p.ID, FromName: p.Name,
		FromClaimNumber: primary.ClaimNumber, Paid: paid, claim: &cc,
		senderQual: rcv.SenderQual, senderID: rcv.SenderID, receiverQual: rcv.RecvQual, usage: rcv.Usage}
}

// CrossOver takes a claim another payer crossed over to this one, when it
// names this payer (PayerID is its ID; others are ignored), to answer it
// on its next round: CrossoverAnswers. It is the hook a primary's
// Crossover calls (primary.Crossover = secondary.CrossOver). The claims
// wait in memory: a payer stopped before its next round forgets them.
func (p *Payer) CrossOver(c CrossedOver) {
	if c.PayerID != p.ID || c.claim == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.crossed = append(p.crossed, c)
}

// CrossoverAnswers answers the claims crossed over to this payer since the
// last call: an 835 for each receiver (the gateway that sent the claims to
// the primary), each claim priced as a secondary's (secondary.go) from
// the primary's adjudication. Run calls it every round and writes them to
// outbound/.
func (p *Payer) CrossoverAnswers() ([]Answer, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	queue := p.crossed
	p.crossed = nil
	var out []Answer
	for len(queue) > 0 {
		first := queue[0]
		var claims []*recvClaim
		var rest []CrossedOver
		for _, c := range queue {
			if c.senderQual == first.senderQual && c.senderID == first.senderID && c.receiverQual == first.receiverQual && c.usage == first.usage {
				claims = append(claims, c.claim)
			} else {
				rest = append(rest, c)
			}
		}
		queue = rest
		rcv := &received{SenderQual: first.senderQual, SenderID: first.senderID, RecvQual: first.receiverQual, RecvID: p.ID, Usage: first.usage}
		b, err := p.remit(rcv, claims, false)
		if err != nil {
			return out, fmt.Errorf("payersim: 835 for claims crossed over: %w", err)
		}
		p.seq++
		out = append(out, Answer{Name: fmt.Sprintf("%06d_crossover.835", p.seq), Kind: "835", Data: b})
	}
	return out, nil
}
