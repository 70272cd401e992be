package demo

import (
	"bytes"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/encounter"
)

// Every generated encounter passes the scrubber, and the mix has both claim
// types and the member IDs the payer rejects.
func TestEncountersAreValid(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	types := map[string]int{}
	rejected := 0
	for _, raw := range Encounters(200, "SIMPAYER", 1, now) {
		e, err := encounter.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if probs := encounter.Scrub(e, encounter.Options{Now: now}); encounter.HasErrors(probs) {
			t.Fatalf("%s: %v", e.ID, probs)
		}
		types[string(e.ClaimType)]++
		if m := e.Subscriber.MemberID; m[len(m)-2:] == "99" {
			rejected++
		}
	}
	if types["professional"] < 100 || types["institutional"] < 30 || rejected != 8 {
		t.Fatalf("mix: %v, %d member IDs the payer rejects", types, rejected)
	}
	if !bytes.Equal(Encounters(3, "P", 5, now)[2], Encounters(3, "P", 5, now)[2]) {
		t.Fatal("not deterministic")
	}
}
