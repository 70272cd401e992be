package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// What an integrator sees of an invalid encounter, and how a correction
// goes: POST /v1/encounters answers 422 with every problem and queues
// nothing; an invalid encounter sent over NATS shows its problems in GET
// /v1/claims/{id} and in its claim event; the same id with corrected
// content is a revision that goes to the payer; new content once the
// claim is sent is refused (422 already_submitted). Before, the API said
// 202 "queued" for anything and the problems were only in the ledger, and
// a correction under the same id was a duplicate.
func TestCorrections(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tmp := t.TempDir()
	s := startSim(t, filepath.Join(tmp, "payer"))
	defer s.Close()
	cfg := config.Default()
	cfg.DataDir, cfg.HTTP.Listen = filepath.Join(tmp, "data"), "127.0.0.1:0"
	cfg.Ledger.DSN = config.Secret(filepath.Join(cfg.DataDir, "ledger.db"))
	cfg.Submitter = config.Submitter{Name: "CLAIMSGW CORRECTIONS TEST", ID: "CLAIMSGW", ContactName: "EDI SUPPORT", Phone: "8005550100"}
	cfg.Payers = []config.Payer{s.route(10, 200*time.Millisecond, 100*time.Millisecond)}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var logs testutil.SyncBuffer
	d, err := daemon.Start(ctx, cfg, daemon.Options{Log: zerolog.New(&logs), Tick: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	f := &faulty{t: t, ctx: ctx, d: d, s: s}
	defer func() {
		if t.Failed() {
			t.Logf("gateway log (end):\n%s", tail(logs.String(), 8000))
		}
	}()
	events, err := d.Conn.SubscribeSync("claimsgw.events.>")
	if err != nil {
		t.Fatal(err)
	}

	good := demo.Encounters(1, demo.PayerID, 11, time.Now())[0]
	id := encounterIDs(t, [][]byte{good})[0]
	var e map[string]any
	if err := json.Unmarshal(good, &e); err != nil {
		t.Fatal(err)
	}
	e["claim"].(map[string]any)["diagnoses"].([]any)[0].(map[string]any)["code"] = "JOHN DOE"
	bad, _ := json.Marshal(e)

	// Over the API: 422, every problem, nothing queued; the name is not
	// quoted.
	code, body := f.post("/v1/encounters", string(bad))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `"code":"invalid_icd10"`) || !strings.Contains(body, `"path":"claim.diagnoses[0].code"`) ||
		strings.Contains(body, "JOHN") {
		t.Errorf("POST of an invalid encounter: %d %s", code, body)
	}
	if _, err := d.Ledger.Claim(ctx, id); err == nil {
		t.Error("an encounter the API refused was recorded")
	}
	for body, want := range map[string]string{`{}`: `"path":"id","code":"required"`, `{"foo":1}`: `"path":"foo","code":"unknown_field"`} {
		if code, got := f.post("/v1/encounters", body); code != http.StatusUnprocessableEntity || !strings.Contains(got, want) {
			t.Errorf("POST %s: %d %s", body, code, got)
		}
	}

	// Over NATS: recorded invalid, and the claim and its event say why.
	if _, _, err := d.SubmitEncounter(ctx, bad); err != nil {
		t.Fatal(err)
	}
	f.waitFor("the invalid claim", func() bool { c, err := d.Ledger.Claim(ctx, id); return err == nil && c.Status == ledger.StatusInvalid })
	if got := f.get("/v1/claims/" + id); !strings.Contains(got, `"code":"invalid_icd10"`) || !strings.Contains(got, `"revision":1`) {
		t.Errorf("GET the invalid claim: %s", got)
	}
	msg, err := events.NextMsg(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(msg.Data), `"status":"invalid"`) || !strings.Contains(string(msg.Data), `"code":"invalid_icd10"`) || bytes.Contains(msg.Data, []byte("JOHN")) {
		t.Errorf("the invalid claim's event: %s", msg.Data)
	}

	// Corrected under the same id: revision 2, to the payer.
	code, body = f.post("/v1/encounters", string(good))
	if code != http.StatusAccepted || !strings.Contains(body, `"url":"/v1/claims/`+id+`"`) {
		t.Fatalf("POST of the correction: %d %s", code, body)
	}
	f.waitFor("the corrected claim sent", func() bool {
		c, err := d.Ledger.Claim(ctx, id)
		return err == nil && c.Status != ledger.StatusInvalid && c.Status != ledger.StatusQueued && c.Status != ledger.StatusBatched
	})
	h, err := d.Ledger.History(ctx, id)
	if err != nil || len(h) < 2 || h[1].From != ledger.StatusInvalid || h[1].To != ledger.StatusQueued || h[1].Reason != "revision 2" {
		t.Errorf("history: %+v, %v", h, err)
	}
	var got struct {
		Problems  []struct{ Severity string } `json:"problems"`
		Revision  int                         `json:"revision"`
		Revisions []ledger.Revision           `json:"revisions"`
	}
	body = f.get("/v1/claims/" + id)
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.Revision != 2 || len(got.Revisions) != 1 || got.Revisions[0].Revision != 1 ||
		!strings.Contains(string(got.Revisions[0].Problems), "invalid_icd10") {
		t.Errorf("GET the corrected claim: %s", body)
	}
	for _, p := range got.Problems {
		if p.Severity == "error" {
			t.Errorf("the corrected claim has an error: %s", body)
		}
	}

	// Sent: the same content is a duplicate; new content is refused.
	if code, body = f.post("/v1/encounters", string(good)); code != http.StatusAccepted || !strings.Contains(body, `"duplicate":true`) {
		t.Errorf("POST of the same content again: %d %s", code, body)
	}
	e["claim"].(map[string]any)["diagnoses"].([]any)[0].(map[string]any)["code"] = "E119"
	changed, _ := json.Marshal(e)
	if code, body = f.post("/v1/encounters", string(changed)); code != http.StatusUnprocessableEntity || !strings.Contains(body, `"code":"already_submitted"`) {
		t.Errorf("POST of new content for a sent claim: %d %s", code, body)
	}
}
