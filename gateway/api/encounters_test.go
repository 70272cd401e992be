package api_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// stageIntake is the intake the daemon puts behind the API: the stage's
// own check, and publishing to its stream.
type stageIntake struct{ h *gatewaytest.Harness }

func (s stageIntake) CheckEncounter(ctx context.Context, raw []byte) (string, []encounter.Problem, error) {
	return s.h.Intake.Check(ctx, raw)
}

func (s stageIntake) SubmitEncounter(ctx context.Context, raw []byte) (string, bool, error) {
	return intake.Submit(ctx, s.h.Options.JS, s.h.Options.Names, raw)
}

// POST /v1/encounters answers an encounter over a limit of the contract
// at once: 422 with the reason for too many values; a body over the
// size limit is refused before it is read whole (400 body_too_large, as
// for any body over 1 MiB).
func TestPostEncounterOverTheLimits(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	srv := httptest.NewServer(api.New(h.Ledger, stageIntake{h}, api.Options{Log: zerolog.Nop()}))
	defer srv.Close()
	check(t, srv, []call{
		{"POST", "/v1/encounters", string(gatewaytest.EncounterJSON("OK1", 10000)), 202, ""}, // the same intake takes a valid one
		{"POST", "/v1/encounters", string(gatewaytest.EncounterWithKeys("KEYS1", encounter.MaxValues)), 422,
			`{"error":{"code":"invalid_encounter","message":"the encounter has errors (every one is in problems); nothing was queued"},"id":"KEYS1","problems":[` +
				`{"path":"","code":"too_many_values","message":"more than 100000 values (fields and array elements): an encounter has at most 100000","severity":"error"}]}`},
		{"POST", "/v1/encounters", string(gatewaytest.EncounterWithKeys("BIG1", 150000)), 400, `{"error":{"code":"body_too_large","message":"the encounter is larger than 1 MiB"}}`},
	})
}
