package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// phiMarkers are values no log line, dead letter, exception or status
// reason may hold: the subscriber's and patient's names, member IDs,
// birth dates (as written in the encounter and as X12 writes them) and
// addresses of the encounters phiEncounters makes.
var phiMarkers = []string{
	"ZZPHILASTNAME", "ZZPHIFIRSTNAME", "ZZPHIKIDNAME", "PHIMEMBER", "PHIGROUP",
	"1901-02-03", "19010203", "2011-04-05", "20110405", "1901-02-31", "19010231",
	"PHI STREET", "PHICITY", "ZZPHIBAD",
}

// phiEncounters are demo encounters whose subscriber (and for one in four,
// a patient, the subscriber's child) carry distinctive PHI-looking values.
// The last two are invalid: one has a birth date that is not a date, the
// other a name with the X12 segment terminator in it.
func phiEncounters(t testing.TB, n int) [][]byte {
	t.Helper()
	out := demo.Encounters(n, demo.PayerID, 3, time.Now())
	for i, raw := range out {
		var e map[string]any
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		sub := e["subscriber"].(map[string]any)
		tail := "12"
		if strings.HasSuffix(sub["member_id"].(string), "99") {
			tail = "99" // the payer's 277CA rejects these: a reason is written
		}
		sub["member_id"] = fmt.Sprintf("PHIMEMBER%03d%s", i, tail)
		sub["last_name"], sub["first_name"], sub["birth_date"] = "ZZPHILASTNAME", "ZZPHIFIRSTNAME", "1901-02-03"
		sub["group_number"] = fmt.Sprintf("PHIGROUP%d", i)
		sub["address"] = map[string]any{"line1": fmt.Sprintf("%d PHI STREET", 100+i), "city": "PHICITY", "state": "TN", "postal_code": "37205"}
		if i%4 == 1 {
			e["patient"] = map[string]any{"relationship": "19", "last_name": "ZZPHIKIDNAME", "first_name": "ZZPHIFIRSTNAME",
				"birth_date": "2011-04-05", "gender": "F", "address": map[string]any{"line1": "9 PHI STREET", "city": "PHICITY", "state": "TN", "postal_code": "37205"}}
		}
		switch i {
		case n - 2:
			sub["birth_date"] = "1901-02-31"
		case n - 1:
			sub["last_name"] = "ZZPHIBAD~NAME"
		}
		var err error
		if out[i], err = json.Marshal(e); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// The whole loop in process with PHI-looking encounters: none of the
// values shows up in the logs (at every level), in dead letters, in
// exceptions, in claims' status reasons or in the scrubber's problems.
func TestNoPHIInLogs(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end: not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	logs := &testutil.SyncBuffer{}
	d, err := demo.Start(ctx, demo.Options{DataDir: dir, Listen: "127.0.0.1:0", Seed: 1, Log: zerolog.New(logs).Level(zerolog.TraceLevel)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const n = 30
	encounters := phiEncounters(t, n)
	start := time.Now()
	if err := d.Submit(ctx, encounters); err != nil {
		t.Fatal(err)
	}
	s, err := d.Wait(ctx, n, start)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Settled || s.Encounters != n {
		t.Fatalf("not settled: %+v", s)
	}
	t.Logf("%+v", s)
	if s.Invalid != 2 || s.Rejected == 0 {
		t.Errorf("want the 2 invalid encounters invalid and a claim rejected by the payer: %+v", s)
	}
	d.Close()

	check := func(what, text string) {
		t.Helper()
		for _, m := range phiMarkers {
			if strings.Contains(text, m) {
				for line := range strings.Lines(text) {
					if strings.Contains(line, m) {
						t.Errorf("%s holds %q: %s", what, m, strings.TrimSpace(line))
						break
					}
				}
			}
		}
	}
	out := logs.String()
	if !strings.Contains(out, `"message":"file delivered"`) {
		t.Fatalf("the logs are not the gateway's: %.500s", out)
	}
	check("the logs", out)
	db := openSQLite(t, filepath.Join(dir, "ledger.db"))
	for _, q := range []struct{ what, sql string }{
		{"a dead letter", `SELECT error FROM dead_letters`},
		{"an exception", `SELECT reason FROM exceptions`},
		{"a claim history reason", `SELECT reason FROM claim_history`},
		{"an outbound file's last error", `SELECT last_error FROM files`},
		{"an inbound file's errors", `SELECT errors FROM inbound_files`},
		{"the scrubber's problems", `SELECT problems FROM encounters`},
	} {
		check(q.what, strings.Join(queryStrings(ctx, t, db, q.sql), "\n"))
	}
	// The problems of the invalid encounters were recorded (so the check
	// above read something).
	if probs := queryStrings(ctx, t, db, `SELECT problems FROM encounters WHERE status = 'invalid'`); len(probs) != 2 {
		t.Errorf("%d invalid encounters recorded, want 2", len(probs))
	} else {
		t.Logf("problems of the invalid encounters: %s", strings.Join(probs, " | "))
	}
	var st ledger.Status
	if err := db.QueryRowContext(ctx, `SELECT status FROM claims WHERE encounter_id = $1`, encounterIDs(t, encounters)[n-1]).Scan(&st); err != nil || st != ledger.StatusInvalid {
		t.Errorf("the encounter with a segment terminator in a name is %q (%v), want invalid", st, err)
	}
}
