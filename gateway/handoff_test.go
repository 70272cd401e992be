package gateway_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// Intake hands the claim it converted to the batcher, which then does not
// convert the stored encounter again: the two must be the same claim. The
// contract's examples (both claim types, lower-case and dotted codes
// normalized on the way) and the test encounters are checked.
func TestIntakeClaimIsTheBatchersClaim(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	p := h.Payer()
	raws := [][]byte{gatewaytest.EncounterJSON("H1", 10000, 2500), gatewaytest.EncounterJSON("H2", 18500)}
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
		ec, handed := h.Intake.Prepare(raw)
		if !ec.Encounter.Valid || handed == nil {
			t.Fatalf("encounter %d: valid %v, claim %v: %s", i, ec.Encounter.Valid, handed != nil, ec.Encounter.Problems)
		}
		stored, err := encounter.StoredClaim(raw, "", func(string) claim.Payer { return claim.Payer{Name: p.Name, ID: p.PayerID} })
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*handed, stored) {
			t.Errorf("encounter %d (%s): intake's claim differs from the one converted from the ledger", i, ec.Claim.ID)
		}
	}
}
