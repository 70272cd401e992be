package daemon_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// A code set imported while the daemon runs is used from then on, without
// a restart: POST /v1/encounters finds a header code once the ICD-10-CM
// zip is in the ledger.
func TestImportedCodeSetsPickedUpWithoutRestart(t *testing.T) {
	zip, err := os.ReadFile(testutil.Shared(t, "codesets", "icd10cm-code-descriptions-2025.zip"))
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(testutil.Shared(t, "contracts", "examples", "professional.json"))
	if err != nil {
		t.Fatal(err)
	}
	enc := strings.ReplaceAll(strings.Replace(string(example), `"R50.9"`, `"E11"`, 1), "2026-11-02", "2025-03-10")
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Ledger.DSN = config.Secret(filepath.Join(dir, "ledger.db"))
	cfg.HTTP.Listen = "127.0.0.1:0"
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Log: zerolog.New(&testutil.SyncBuffer{}), CodeSetPoll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	codes := func() []string {
		t.Helper()
		resp, err := http.Post("http://"+d.Addr+"/v1/encounters", "application/json", bytes.NewReader([]byte(enc)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct{ Problems []struct{ Code string } }
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range body.Problems {
			out = append(out, p.Code)
		}
		return out
	}
	if got := strings.Join(codes(), " "); strings.Contains(got, "header_code") || !strings.Contains(got, "codes_not_verified") {
		t.Fatalf("before the import: %s", got)
	}
	if _, _, err := d.Ledger.ImportCodeSet(context.Background(), "icd10cm-code-descriptions-2025.zip", "", zip); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, "the imported ICD-10-CM set in use", func() bool { return strings.Contains(strings.Join(codes(), " "), "header_code") })
}

// A daemon starting while the ledger does not answer for its code sets
// waits for them, and starts with them once it answers. Before, it did not
// start ("ledger: code sets: ..."): a replica restarted during a database
// restart exited in the chaos test.
func TestStartWaitsForTheCodeSets(t *testing.T) {
	zip, err := os.ReadFile(testutil.Shared(t, "codesets", "icd10cm-code-descriptions-2025.zip"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.db")
	l, err := ledger.Open(context.Background(), ledger.SQLite, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.ImportCodeSet(context.Background(), "icd10cm-code-descriptions-2025.zip", "", zip); err != nil {
		t.Fatal(err)
	}
	l.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The table away: reading it fails, as a database that does not answer.
	if _, err := db.Exec(`ALTER TABLE code_sets RENAME TO code_sets_away`); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(700 * time.Millisecond)
		db.Exec(`ALTER TABLE code_sets_away RENAME TO code_sets`)
	}()
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Ledger.DSN = config.Secret(path)
	cfg.HTTP.Listen = "127.0.0.1:0"
	logs := &testutil.SyncBuffer{}
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Log: zerolog.New(logs)})
	if err != nil {
		t.Fatalf("did not start: %v", err)
	}
	defer d.Close()
	if !strings.Contains(logs.String(), "code sets not loaded yet") || !strings.Contains(logs.String(), `"code_sets":1`) {
		t.Errorf("the log does not show the wait and the sets loaded:\n%s", logs.String())
	}
}
