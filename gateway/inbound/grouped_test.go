package inbound_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Issue 17's repetitive 835 in small: one payment repeating a CLP 3,000
// times. The first CLP pays its claim; the 2,999 others, each a second
// payment of the same line, open 100 exceptions of their own and one that
// groups the 2,899 after them, saying so and listing the first 1,000.
// (Before: 2,999 exceptions.) Nothing is posted twice and the payment
// balances, the refused CLPs in its unmatched total. The grouped
// exception cannot be matched or posted; it is dismissed.
func TestRepetitive835OpensBoundedExceptions(t *testing.T) {
	const repeats, own, listed = 3000, 100, 1000
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("REP", 10000))
		clps := make([][]string, repeats)
		for i := range clps {
			clps[i] = gatewaytest.CLP1("REP", "1", "PAYREP", 80, "REP-1")
		}
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTREP", "", clps)))

		if n, net := h.PaidOn("REP"); n != 1 || net != 8000 || h.Status("REP") != ledger.StatusPaid {
			t.Errorf("REP after the repetitive 835: %s, %d payments, net %s", h.Status("REP"), n, net)
		}
		p, err := l.PaymentBalance(h.Ctx, gatewaytest.PayerID, "EFTREP")
		if err != nil || !p.Balanced || p.ClaimCount != 1 || p.MatchedPaid != 8000 || p.UnmatchedPaid != money.Cents(8000*(repeats-1)) {
			t.Errorf("the payment: %+v, %v", p, err)
		}
		if n := h.Exceptions(); n != own+1 {
			t.Fatalf("%d exceptions open, want %d", n, own+1)
		}
		open, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		// CLP k (from 0) is at position 12 + 6k: ST, BPR, TRN, DTM, N1,
		// N3, N4, PER, N1, REF, LX, then six segments a CLP.
		at := func(k int) int { return 12 + 6*k }
		const refused = "line 1 was adjudicated before (paid or denied) and not reversed: a new CLP needs a reversal first"
		for i, e := range open[:own] {
			if e.Count != 1 || e.Items != nil || e.Position != at(i+1) || e.PCN != "REP" || e.Reason != refused {
				t.Fatalf("exception %d of its own: %+v", i, e)
			}
		}
		g := open[own]
		if g.Count != repeats-1-own || len(g.Items) != listed || g.ST02 != "0001" || g.Position != at(own+1) || g.PCN != "REP" || g.Kind != "835" {
			t.Fatalf("the grouped exception: count %d, %d items, at %s/%d PCN %s", g.Count, len(g.Items), g.ST02, g.Position, g.PCN)
		}
		for i, it := range g.Items {
			if it.ST02 != "0001" || it.Position != at(own+1+i) || it.PCN != "REP" {
				t.Fatalf("item %d of the grouped exception: %+v", i, it)
			}
		}
		want := fmt.Sprintf("%d more CLPs for the same reason as the %d exceptions of their own before them, the first of which says: %s. ", repeats-1-own, own, refused)
		if !strings.HasPrefix(g.Reason, want) || !strings.Contains(g.Reason, "items lists the first 1000 (ST02, position, PCN)") {
			t.Errorf("the grouped exception's reason: %s", g.Reason)
		}

		if _, err := h.Inbound.MatchException(h.Ctx, g.ID, inbound.Match{ClaimID: "REP", Actor: "alice", Force: true, Reason: "all of them"}); !errors.Is(err, inbound.ErrGrouped) ||
			!strings.HasSuffix(err.Error(), fmt.Sprintf("(exception %d stands for %d CLPs)", g.ID, g.Count)) {
			t.Errorf("matching the grouped exception: %v", err)
		}
		if err := h.Inbound.PostException(h.Ctx, g.ID, "alice", "all of them"); !errors.Is(err, inbound.ErrNotPostable) {
			t.Errorf("posting the grouped exception: %v", err)
		}
		if err := h.Inbound.DismissException(h.Ctx, g.ID, "alice", "the payer repeated one CLP"); err != nil {
			t.Fatal(err)
		}
		if e, err := l.Exception(h.Ctx, g.ID); err != nil || e.Resolution != ledger.Dismissed || e.Count != g.Count {
			t.Errorf("the dismissed grouped exception: %+v, %v", e, err)
		}
		if n, net := h.PaidOn("REP"); n != 1 || net != 8000 || h.Exceptions() != own {
			t.Errorf("after the dismissal: REP %d payments, net %s; %d exceptions open", n, net, h.Exceptions())
		}
	})
}

// Items are grouped by their reason without its numbers, each reason on
// its own: 250 CLPs of 250 patient control numbers no claim has, and 150
// CLP02 23, are 100 exceptions of their own and one grouped of each. A
// claim that CLPs cannot tell from another gets a note in its history for
// each exception of its own, and one for all those grouped.
func TestExceptionsGroupedByReason(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		h.Submit(gatewaytest.EncounterJSON("TIEA", 10000))
		h.Submit(replacementOf("TIEB", "TIEA"))
		var clps [][]string
		for i := range 250 {
			clps = append(clps, gatewaytest.CLP1(fmt.Sprintf("NOSUCH%d", i), "1", fmt.Sprintf("PAYN%d", i), 80, ""))
			if i < 150 {
				clps = append(clps, gatewaytest.CLP1(fmt.Sprintf("THEIRS%d", i), "23", "", 0, ""))
				clps = append(clps, gatewaytest.CLP1("TIEA", "1", "", 80, ""))
			}
		}
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTMIX", "", clps)))
		open, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string][2]int{} // reason's start → exceptions of their own, grouped items
		for _, e := range open {
			r := e.Reason
			if e.Count > 1 {
				_, r, _ = strings.Cut(r, "the first of which says: ")
			}
			c := counts[r[:20]]
			if e.Count > 1 {
				c[1] += e.Count
			} else {
				c[0]++
			}
			counts[r[:20]] = c
		}
		want := map[string][2]int{"no sent claim of thi": {100, 150}, "CLP02 23: the payer ": {100, 50}, "2 claims have this p": {100, 50}}
		if len(open) != 303 || fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Errorf("%d exceptions; of their own and grouped, by reason: %v, want 303: %v", len(open), counts, want)
		}
		for _, id := range []string{"TIEA", "TIEB"} {
			hist, err := l.History(h.Ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			notes := 0
			for _, c := range hist {
				if c.Kind == "835" && strings.Contains(c.Reason, "cannot be told from") {
					notes++
				}
			}
			if notes != 101 {
				t.Errorf("%s has %d notes of the 835, want 101", id, notes)
			}
		}
	})
}

// replacementOf is a replacement claim (frequency 7) with another claim's
// patient control number, which a payer's item with that number and the
// same charge cannot tell from it.
func replacementOf(id, of string) []byte {
	return []byte(strings.Replace(string(gatewaytest.EncounterJSON(id, 10000)), fmt.Sprintf(`"patient_control_number": "%s"`, id),
		fmt.Sprintf(`"patient_control_number": "%s", "frequency": "7", "original_payer_claim_number": "PAY%s"`, of, of), 1))
}

// One CLP past the first 100 of a reason is an exception of its own, as
// those before it, which can be matched to its claim; two or more are one
// exception that counts them. Before, the 101st alone was "1 more CLPs
// ... This exception cannot be matched to one claim".
func TestOneItemPastTheBoundIsItsOwn(t *testing.T) {
	for _, n := range []int{101, 102} {
		l := ledgertest.SQLite(t)
		h := gatewaytest.New(t, l)
		var clps [][]string
		for i := range n {
			clps = append(clps, gatewaytest.CLP1(fmt.Sprintf("NOSUCH%d", i), "1", fmt.Sprintf("PAYN%d", i), 80, ""))
		}
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTONE", "", clps)))
		open, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		own, grouped := 0, 0
		for _, e := range open {
			switch {
			case e.Count > 1:
				grouped += e.Count
			case strings.Contains(e.Reason, "cannot be matched"):
				t.Errorf("%d CLPs: an exception of one says it cannot be matched: %s", n, e.Reason)
			default:
				own++
			}
		}
		if want := map[int][2]int{101: {101, 0}, 102: {100, 2}}[n]; own != want[0] || grouped != want[1] {
			t.Errorf("%d CLPs: %d exceptions of their own, %d grouped; want %v", n, own, grouped, want)
		}
	}
}
