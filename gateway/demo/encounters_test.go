package demo

import (
	"bytes"
	"strings"
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

// Every dental encounter passes the scrubber as an 837D: teeth, surfaces,
// oral cavity areas, prostheses (a replacement with its prior date), some
// diagnoses; the same seed gives the same ones; RunMix puts one in ten
// before the professional and institutional encounters, which stay what
// RunEncounters makes.
func TestDentalEncounters(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	seen := map[string]int{}
	for _, raw := range DentalEncounters(100, "SIMPAYER", 1, 1, now) {
		e, err := encounter.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if probs := encounter.Scrub(e, encounter.Options{Now: now}); encounter.HasErrors(probs) {
			t.Fatalf("%s: %v", e.ID, probs)
		}
		if e.ClaimType != "dental" || !strings.Contains(e.ID, "-d") || !strings.Contains(e.Claim.PatientControlNumber, "D") {
			t.Fatalf("%s: %s, PCN %s", e.ID, e.ClaimType, e.Claim.PatientControlNumber)
		}
		if len(e.Claim.Diagnoses) > 0 {
			seen["diagnosis"]++
		}
		for _, l := range e.ServiceLines {
			switch {
			case len(l.Teeth) > 0 && len(l.Teeth[0].Surfaces) > 0:
				seen["surfaces"]++
			case len(l.OralCavityAreas) > 0:
				seen["area"]++
			}
			if p := l.Prosthesis; p != nil {
				seen["prosthesis "+p.Placement]++
			}
		}
	}
	for _, k := range []string{"diagnosis", "surfaces", "area", "prosthesis I", "prosthesis R"} {
		if seen[k] == 0 {
			t.Errorf("no dental encounter has a %s: %v", k, seen)
		}
	}
	if !bytes.Equal(DentalEncounters(3, "P", 5, 1, now)[2], DentalEncounters(3, "P", 5, 1, now)[2]) {
		t.Fatal("not deterministic")
	}
	mix := RunMix(50, "P", 5, 2, now)
	if len(mix) != 50 || Dentals(50) != 5 {
		t.Fatalf("%d encounters, %d dental", len(mix), Dentals(50))
	}
	for i, raw := range mix {
		dental := bytes.Contains(raw, []byte(`"claim_type":"dental"`))
		if dental != (i < 5) {
			t.Errorf("encounter %d: dental %v", i, dental)
		}
	}
	if rest := WithSecondary(RunEncounters(45, "P", 5, 2, now), 3, SecondPayerID, SecondPayerName, 5); !bytes.Equal(mix[5], rest[0]) || !bytes.Equal(mix[49], rest[44]) {
		t.Error("the mix's professional and institutional encounters are not RunEncounters' with a secondary payer on one in three")
	}
	for i, raw := range mix[5:] {
		if has := bytes.Contains(raw, []byte(`"other_payers"`)); has != (i%3 == 0) {
			t.Errorf("encounter %d: other_payers %v", i+5, has)
		}
	}
}
