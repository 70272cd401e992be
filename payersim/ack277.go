package payersim

import (
	"bytes"
	"cmp"
	"fmt"
	"strconv"
	"time"

	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/status"
)

// ack277 writes the 277CA: every claim of the accepted sets, accepted
// (A2:20) or rejected (p.rejection: A7:164:IL for its member ID, A7:464
// for a void of a claim the payer does not know), with the totals per
// level, from its model by status.Write.
func (p *Payer) ack277(rcv *received, claims []*recvClaim) ([]byte, error) {
	var buf bytes.Buffer
	w := p.writer(&buf, rcv, "HN", "005010X214")
	if err := status.Write(w, p.ctl, p.claimStatus(rcv, claims, p.now())); err != nil {
		return nil, err
	}
	w.EndGroup()
	w.EndInterchange()
	err := w.Flush()
	return buf.Bytes(), err
}

// claimStatus is the 277CA of the claims: the payer, the submitter with
// the totals of the file, and each billing provider with its totals and
// its claims, each under its patient.
func (p *Payer) claimStatus(rcv *received, claims []*recvClaim, now time.Time) *status.ClaimStatus {
	day := now.Format("2006-01-02")
	src := &status.Source{Party: status.Party{Entity: "PR", Name: p.Name, IDQualifier: "PI", ID: p.ID},
		TraceNumber: fmt.Sprintf("SIM%09d", p.ctl), ReceiptDate: day, ProcessDate: day}
	acc, rej, accAmt, rejAmt := p.tally(claims)
	sub := &status.Receiver{Party: status.Party{Entity: "41", Name: "SUBMITTER", IDQualifier: "46", ID: rcv.SenderID}, TraceNumber: rcv.ISA13,
		Statuses: []*status.Status{statusOf("A1", "19", "PR", day, "WQ", accAmt)},
		Totals:   status.Totals{AcceptedQuantity: strconv.Itoa(acc), AcceptedAmount: &accAmt}}
	if rej > 0 {
		sub.Totals.RejectedQuantity, sub.Totals.RejectedAmount = strconv.Itoa(rej), &rejAmt
	}
	cs := &status.ClaimStatus{Type: "277", Implementation: "005010X214", Reference: fmt.Sprintf("SIM277CA%06d", p.ctl),
		Date: day, Time: now.Format("15:04"), TransactionType: "TH",
		Sources: []*status.Source{src}, Receivers: []*status.Receiver{sub}, Claims: []*status.Claim{}}
	hl := 2
	for _, group := range byProvider(claims) {
		hl++
		first := group[0]
		// NM108 XX even for an 837 without the NPI, as the 837 gave it.
		prov := &status.Provider{Party: status.Party{Entity: "85", Name: first.BillingName, IDQualifier: "XX", NPI: first.BillingNPI},
			TraceNumber: fmt.Sprintf("SIMPRV%06d", hl)}
		cs.Providers = append(cs.Providers, prov)
		pa, pr, paAmt, prAmt := p.tally(group)
		if pa > 0 {
			prov.AcceptedQuantity, prov.AcceptedAmount = strconv.Itoa(pa), &paAmt
		}
		if pr > 0 {
			prov.RejectedQuantity, prov.RejectedAmount = strconv.Itoa(pr), &prAmt
		}
		for _, c := range group {
			hl++ // the claim's HL PT
			last, firstName := c.SubLast, c.SubFirst
			if c.PatLast != "" {
				last, firstName = c.PatLast, c.PatFirst
			}
			// X214 requires the claim's DTP*472: a claim without a date of
			// service (an 837D predetermination of benefits) takes the day
			// the payer received it.
			from := cmp.Or(isoDate(c.ServiceFrom), day)
			cl := &status.Claim{PatientControlNumber: c.PCN, ServiceDateFrom: from, ServiceDateTo: from,
				Patient: &status.Person{LastName: last, FirstName: firstName, MemberID: c.MemberID},
				Payer:   &src.Party, BillingProvider: &prov.Party}
			if why, rejected := p.rejection(c); rejected {
				cl.Statuses = []*status.Status{statusOf(why.category, why.code, why.entity, day, "U", c.Charge)}
			} else {
				cl.Statuses = []*status.Status{statusOf("A2", "20", "PR", day, "WQ", c.Charge)}
				cl.PayerClaimControlNumber = p.payerClaimNumber(c.PCN)
			}
			cl.Charge = cl.Statuses[0].Charge
			cs.Claims = append(cs.Claims, cl)
		}
	}
	return cs
}

func statusOf(category, code, entity, day, action string, charge money.Cents) *status.Status {
	return &status.Status{Category: category, Code: code, Entity: entity, Date: day, ActionCode: action, Charge: &charge}
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

// tally counts the claims the 277CA accepts and rejects, and adds up their
// charges.
func (p *Payer) tally(claims []*recvClaim) (accepted, rejected int, acceptedAmt, rejectedAmt money.Cents) {
	for _, c := range claims {
		if _, no := p.rejection(c); no {
			rejected++
			rejectedAmt += c.Charge
		} else {
			accepted++
			acceptedAmt += c.Charge
		}
	}
	return accepted, rejected, acceptedAmt, rejectedAmt
}

// isoDate is a CCYYMMDD date of the 837 as the models hold dates
// (YYYY-MM-DD); anything else as it came (the writers write it back so).
func isoDate(d string) string {
	if len(d) != 8 {
		return d
	}
	for _, c := range []byte(d) {
		if c < '0' || c > '9' {
			return d
		}
	}
	return d[:4] + "-" + d[4:6] + "-" + d[6:]
}
