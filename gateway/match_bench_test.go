package gateway

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/gateway/payersim"
)

// BenchmarkApply835 matches and posts the CLPs of the payer simulator's
// 835 for 1,000 submitted claims against an SQLite ledger: every CLP is
// found by its PCN, its lines matched, its payment, adjustments and remarks
// stored and its claim moved, in one transaction. Setting the claims up
// (intake, batcher, the payer's answer) is not timed.
func BenchmarkApply835(b *testing.B) {
	const claims = 1000
	var clps int
	for b.Loop() {
		b.StopTimer()
		h := newHarness(b, ledgertest.SQLite(b))
		var encounters [][]byte
		for i := range claims {
			encounters = append(encounters, encounterJSON(fmt.Sprintf("B%06d", i), 18500, 5000, 3500))
		}
		f := h.submit(encounters...)
		payer := &payersim.Payer{Seed: 1, ID: "SIMPAYER", Name: "SIM HEALTH PLAN", TaxID: "512345678", Now: func() time.Time { return testNow }}
		answers, err := payer.Answer(f.Name, f.Content)
		if err != nil {
			b.Fatal(err)
		}
		var remits []payersim.Answer
		for _, a := range answers {
			if a.Kind == "835" {
				remits = append(remits, a)
				clps += strings.Count(string(a.Data), "CLP*")
			}
		}
		b.StartTimer()
		for _, a := range remits {
			h.apply("835", string(a.Data))
		}
		b.StopTimer()
		if n := h.exceptions(); n != 0 {
			b.Fatalf("%d exceptions", n)
		}
		if c, _ := h.led.Claim(h.ctx, "B000000"); c.Status == ledger.StatusSubmitted {
			b.Fatal("the 835 was not applied")
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(clps)/b.Elapsed().Seconds(), "CLP/s")
}
