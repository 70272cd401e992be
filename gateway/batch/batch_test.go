package batch_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/batch"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// The batcher takes most claims converted from intake and converts the
// rest itself; the file it builds must not depend on which came from
// intake (after a restart, none; from another replica's intake, some):
// every one, some or none give the same bytes, and a claim that cannot be
// converted fails the build with its id.
func TestBuildWithClaimsConvertedAhead(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	p := h.Payer()
	o := h.Options
	handoff := &gateway.Handoff{}
	o.Handoff = handoff
	b, err := batch.New(o)
	if err != nil {
		t.Fatal(err)
	}
	var pending []ledger.Pending
	for _, id := range []string{"A1", "A2", "A3"} {
		pending = append(pending, ledger.Pending{ClaimID: id, ClaimType: "professional", Encounter: gatewaytest.EncounterJSON(id, 10000, 2500)})
	}
	all, errs := b.ToClaims(pending, p)
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	alloc := func(string, int) (int64, error) { return 7, nil }
	var files [][]byte
	for _, ahead := range []map[string]claim.Claim{nil, {"A2": all[1]}, {"A1": all[0], "A2": all[1], "A3": all[2]}} {
		handoff.Drop([]string{"A1", "A2", "A3"})
		for id, c := range ahead {
			handoff.Put(id, c)
		}
		f, err := b.Build(p)(alloc, pending)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Claims) != 3 || f.Claims[2].ClaimID != "A3" {
			t.Fatalf("file claims %+v", f.Claims)
		}
		files = append(files, f.Content)
	}
	for i := range files[1:] {
		if !bytes.Equal(files[0], files[i+1]) {
			t.Errorf("file %d differs from the one built with nothing converted ahead", i+1)
		}
	}

	bad := append(pending, ledger.Pending{ClaimID: "B1", ClaimType: "professional", Encounter: []byte(`{"id":`)})
	handoff.Drop([]string{"A2", "A3"})
	if _, err := b.Build(p)(alloc, bad); err == nil || !strings.Contains(err.Error(), "claim B1") {
		t.Errorf("a claim that cannot be converted: %v", err)
	}
}

// Dental claims go in a functional group of their own (GS01 HC, GS08
// 005010X224A2) and transaction sets of their own (ST03 X224A2), beside
// the 837P's, in the payer's one file; each claim's placement names its
// group and set.
func TestDentalClaimsInTheirOwnGroup(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	f := h.Submit(gatewaytest.EncounterJSON("P1", 10000), gatewaytest.DentalEncounterJSON("D1", 6000, 19000),
		gatewaytest.EncounterJSON("P2", 10000), gatewaytest.DentalEncounterJSON("D2", 6000))
	doc, err := x12.ReadFile(bytes.NewReader(f.Content))
	if err != nil || len(doc.Errors) > 0 || len(doc.Interchanges) != 1 {
		t.Fatalf("file: %v %v", err, doc.Errors)
	}
	groups := map[string]string{} // GS06 → version
	for _, g := range doc.Interchanges[0].Groups {
		if g.FunctionalID != "HC" || len(g.Transactions) != 1 || g.Transactions[0].Implementation != g.Version {
			t.Errorf("group %+v", g)
		}
		groups[g.ControlNumber] = g.Version
	}
	if len(groups) != 2 {
		t.Fatalf("groups %v, want one 837P and one 837D", groups)
	}
	for _, fc := range f.Claims {
		want := claim.VersionProfessional
		if strings.HasPrefix(fc.ClaimID, "D") {
			want = claim.VersionDental
		}
		if got := groups[strconv.FormatInt(fc.GS06, 10)]; got != want {
			t.Errorf("claim %s in group %d (%s), want %s", fc.ClaimID, fc.GS06, got, want)
		}
	}
}
