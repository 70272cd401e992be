package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/queue"
)

var pgSchemas atomic.Int64

// postgresDSN makes a new schema in the database CLAIMSGW_TEST_POSTGRES_DSN
// names, dropped when the test ends, and returns a DSN for it; it skips the
// test when the variable is unset.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(ledgertest.PostgresEnv)
	if dsn == "" {
		t.Skipf("%s is not set: two replicas need a shared PostgreSQL ledger", ledgertest.PostgresEnv)
	}
	schema := fmt.Sprintf("claimsgw_e2e_%d_%d", time.Now().UnixNano(), pgSchemas.Add(1))
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at %s: %v", ledgertest.PostgresEnv, err)
	}
	t.Cleanup(func() { admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE") })
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// Two replicas with the same config, one NATS server and one PostgreSQL
// ledger share the work: each encounter is one claim in exactly one file,
// each file reaches the payer once, no control number is used twice, and
// both replicas take part (counted from their logs).
func TestTwoReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end: not in -short")
	}
	dsn := postgresDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	tmp := t.TempDir()
	ns, err := queue.StartEmbedded(filepath.Join(tmp, "nats"), queue.WithPort(0))
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Shutdown()
	s := startSim(t, filepath.Join(tmp, "payer"))

	newConfig := func(i int) *config.Config {
		cfg := config.Default()
		cfg.DataDir = filepath.Join(tmp, fmt.Sprintf("replica%d", i))
		cfg.NATS.Embedded, cfg.NATS.URLs, cfg.NATS.Replicas = false, []string{ns.ClientURL()}, 1
		cfg.Ledger.Driver, cfg.Ledger.DSN = ledger.Postgres, config.Secret(dsn)
		cfg.HTTP.Listen = "127.0.0.1:0"
		cfg.Submitter = config.Submitter{Name: "CLAIMSGW REPLICA TEST", ID: "CLAIMSGW", ContactName: "EDI SUPPORT", Phone: "8005550100"}
		cfg.Payers = []config.Payer{s.route(10, 300*time.Millisecond, 100*time.Millisecond)}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	var logs [2]*testutil.SyncBuffer
	var daemons [2]*daemon.Daemon
	for i := range daemons {
		logs[i] = &testutil.SyncBuffer{}
		d, err := daemon.Start(ctx, newConfig(i), daemon.Options{Log: zerolog.New(logs[i]), Tick: 100 * time.Millisecond,
			MaxDeliver: 5, Backoff: []time.Duration{200 * time.Millisecond, time.Second}})
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		daemons[i] = d
		defer d.Close()
	}

	const n = 100
	encounters := demo.Encounters(n, demo.PayerID, 11, time.Now())
	for i, e := range encounters {
		// Half through each replica's API path, as two load-balanced
		// instances would take them.
		if _, _, err := daemons[i%2].SubmitEncounter(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	waitSettled(ctx, t, daemons[0].Ledger, s, n)
	for _, d := range daemons {
		if err := d.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}

	files := s.received837s(t)
	checkReceived(t, files, pcns(t, encounters))
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkLedger(ctx, t, db, encounterIDs(t, encounters))

	// Who did what, from the logs: intake records each encounter once
	// (outcome accepted or invalid; a redelivery says duplicate), each
	// file is built by one replica and delivered by one.
	var work [2]map[string]int
	for i, l := range logs {
		work[i] = map[string]int{}
		for line := range strings.Lines(l.String()) {
			switch {
			case strings.Contains(line, `"message":"encounter"`) && !strings.Contains(line, `"outcome":"duplicate"`):
				work[i]["encounters"]++
			case strings.Contains(line, `"message":"file built"`):
				work[i]["files built"]++
			case strings.Contains(line, `"message":"file delivered"`):
				work[i]["files delivered"]++
			case strings.Contains(line, `"message":"file picked up"`) && strings.Contains(line, `"new":true`):
				work[i]["payer files picked up"]++
			}
		}
		t.Logf("replica %d: %v", i, work[i])
	}
	for _, k := range []string{"encounters", "files built", "files delivered"} {
		total := work[0][k] + work[1][k]
		want := len(files)
		if k == "encounters" {
			want = n
		}
		if total != want {
			t.Errorf("%s: %d by replica 0 + %d by replica 1 = %d, want %d", k, work[0][k], work[1][k], total, want)
		}
	}
	for i := range work {
		if work[i]["encounters"]+work[i]["files built"]+work[i]["files delivered"] == 0 {
			t.Errorf("replica %d did no work: %v", i, work[i])
		}
	}
}
