package encounter

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// Both contract examples become 837s that validate clean and decode back to
// the same claims.
func TestToClaimRoundTrip(t *testing.T) {
	payer := claim.Payer{Name: "SIM HEALTH PLAN", ID: "SIMPAYER"}
	var claims []claim.Claim
	for _, src := range []string{professionalJSON, institutionalJSON} {
		e, err := Decode(strings.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		if probs := Scrub(e, Options{Now: today}); HasErrors(probs) {
			t.Fatalf("example has problems: %v", probs)
		}
		claims = append(claims, ToClaim(e, payer))
	}
	if got := claims[0].Info.Diagnoses; got[0].Type != claim.Principal || got[1].Type != claim.Other || got[0].Code != "J101" {
		t.Errorf("837P diagnoses %+v", got)
	}
	if got := claims[1].Info.Diagnoses; got[1].Type != claim.Admitting || got[2].Type != claim.Other || got[2].PresentOnAdmission != "Y" {
		t.Errorf("837I diagnoses %+v", got)
	}
	var buf bytes.Buffer
	_, err := claim.Write(&buf, claim.Batch{
		SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: "SIMPAYER", Usage: 'T',
		Time: today, InterchangeControlNumber: 1, GroupControlNumber: 1, TransactionControlNumber: 1, ReferenceID: "B1",
		Submitter: claim.Submitter{Name: "CLAIMSGW", ID: "CLAIMSGW", ContactName: "EDI", Phone: "8005550100"},
		Receiver:  claim.Receiver{Name: payer.Name, ID: payer.ID},
	}, claims)
	if err != nil {
		t.Fatal(err)
	}
	f, err := x12.ReadFile(bytes.NewReader(buf.Bytes()))
	if err != nil || len(f.Errors) != 0 {
		t.Fatalf("written 837 does not validate: %v %v", err, f.Errors)
	}
	dec, err := claim.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil || len(dec.Errors) != 0 {
		t.Fatalf("decode: %v %v", err, dec.Errors)
	}
	back := dec.Claims()
	if len(back) != 2 {
		t.Fatalf("%d claims decoded", len(back))
	}
	for i := range claims {
		if !reflect.DeepEqual(back[i], claims[i]) {
			t.Errorf("claim %d changed in the round trip:\n got %+v\nwant %+v", i, back[i], claims[i])
		}
	}
}
