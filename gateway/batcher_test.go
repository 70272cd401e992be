package gateway

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// The batcher takes most claims converted from intake and converts the
// rest itself; the file it builds must not depend on which came from
// intake (after a restart, none; from another replica's intake, some):
// every one, some or none give the same bytes, and a claim that cannot be
// converted fails the build with its id.
func TestBuildWithClaimsConvertedAhead(t *testing.T) {
	h := newHarness(t, ledgertest.SQLite(t))
	p := &h.g.cfg.Payers[0]
	var pending []ledger.Pending
	for _, id := range []string{"A1", "A2", "A3"} {
		pending = append(pending, ledger.Pending{ClaimID: id, ClaimType: "professional", Encounter: encounterJSON(id, 10000, 2500)})
	}
	all, errs := h.g.toClaims(pending, p)
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	alloc := func(string, int) (int64, error) { return 7, nil }
	var files [][]byte
	for _, ahead := range []map[string]claim.Claim{nil, {"A2": all[1]}, {"A1": all[0], "A2": all[1], "A3": all[2]}} {
		h.g.ready.drop([]string{"A1", "A2", "A3"})
		for id, c := range ahead {
			h.g.ready.put(id, c)
		}
		f, err := h.g.build(p)(alloc, pending)
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
	h.g.ready.drop([]string{"A2", "A3"})
	if _, err := h.g.build(p)(alloc, bad); err == nil || !strings.Contains(err.Error(), "claim B1") {
		t.Errorf("a claim that cannot be converted: %v", err)
	}
}

// Intake hands the claim it converted to the batcher, which then does not
// convert the stored encounter again: the two must be the same claim. The
// contract's examples (both claim types, lower-case and dotted codes
// normalized on the way) and the test encounters are checked.
func TestIntakeClaimIsTheBatchersClaim(t *testing.T) {
	h := newHarness(t, ledgertest.SQLite(t))
	p := &h.g.cfg.Payers[0]
	raws := [][]byte{encounterJSON("H1", 10000, 2500), encounterJSON("H2", 18500)}
	for _, name := range []string{"professional.json", "institutional.json"} {
		data, err := os.ReadFile(filepath.Join("../../shared/contracts/examples", name))
		if errors.Is(err, os.ErrNotExist) {
			t.Logf("the contract examples are not at ../shared: %s not checked", name)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		lower := []byte(strings.NewReplacer(`"J10.1"`, `"j10.1"`, `"I21.4"`, `" i21.4 "`).Replace(string(data)))
		if bytes.Equal(lower, data) {
			t.Fatalf("%s: no code to write in lower case", name)
		}
		raws = append(raws, data, lower)
	}
	for i, raw := range raws {
		ec, handed := h.g.prepare(raw)
		if !ec.Encounter.Valid || handed == nil {
			t.Fatalf("encounter %d: valid %v, claim %v: %s", i, ec.Encounter.Valid, handed != nil, ec.Encounter.Problems)
		}
		stored, errs := h.g.toClaims([]ledger.Pending{{ClaimID: ec.Claim.ID, Encounter: raw}}, p)
		if errs[0] != nil {
			t.Fatal(errs[0])
		}
		if !reflect.DeepEqual(*handed, stored[0]) {
			t.Errorf("encounter %d (%s): intake's claim differs from the one converted from the ledger", i, ec.Claim.ID)
		}
	}
}

// An encounter with a field that does not decode is kept invalid with
// every problem at once: the decoding one and those the scrubber finds in
// the rest (here a bad CPT code), not the first alone.
func TestIntakeGivesEveryProblemAtOnce(t *testing.T) {
	h := newHarness(t, ledgertest.SQLite(t))
	raw := bytes.Replace(encounterJSON("Q1", 10000), []byte(`"units": "1"`), []byte(`"unit": "1"`), 1)
	raw = bytes.Replace(raw, []byte(`"code": "99214"`), []byte(`"code": "9921"`), 1)
	ec, handed := h.g.prepare(raw)
	if ec.Encounter.Valid || handed != nil {
		t.Fatalf("valid %v, claim %v", ec.Encounter.Valid, handed != nil)
	}
	if ec.Encounter.ID != "Q1" || ec.Encounter.PayerID != "SIMPAYER" || ec.Claim.PCN != "Q1" {
		t.Errorf("recorded as %s for %s, PCN %s; want Q1, SIMPAYER, Q1", ec.Encounter.ID, ec.Encounter.PayerID, ec.Claim.PCN)
	}
	for _, want := range []string{`"path":"service_lines[0].unit","code":"unknown_field"`, `"path":"service_lines[0].procedure.code","code":"invalid_cpt"`} {
		if !bytes.Contains(ec.Encounter.Problems, []byte(want)) {
			t.Errorf("no %s in %s", want, ec.Encounter.Problems)
		}
	}
}
