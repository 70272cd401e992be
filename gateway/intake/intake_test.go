package intake_test

import (
	"bytes"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// An encounter with a field that does not decode is kept invalid with
// every problem at once: the decoding one and those the scrubber finds in
// the rest (here a bad CPT code), not the first alone.
func TestIntakeGivesEveryProblemAtOnce(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	raw := bytes.Replace(gatewaytest.EncounterJSON("Q1", 10000), []byte(`"units": "1"`), []byte(`"unit": "1"`), 1)
	raw = bytes.Replace(raw, []byte(`"code": "99214"`), []byte(`"code": "9921"`), 1)
	ec, handed := h.Intake.Prepare(raw)
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
