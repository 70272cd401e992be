// Package ledgertest opens fresh ledgers for tests, on every database the
// machine offers: SQLite always, PostgreSQL when CLAIMSGW_TEST_POSTGRES_DSN
// names one (.ci/run sets it).
package ledgertest

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

	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// PostgresEnv names the environment variable holding the PostgreSQL DSN.
const PostgresEnv = "CLAIMSGW_TEST_POSTGRES_DSN"

var schemas atomic.Int64

// Each runs f as a subtest once per database, each with a new, empty
// ledger. Without PostgreSQL it says so in the test log.
func Each(t *testing.T, f func(t *testing.T, l *ledger.Ledger)) {
	EachOpen(t, func(t *testing.T, open func(testing.TB) *ledger.Ledger) { f(t, open(t)) })
}

// EachOpen is Each for a test that opens the ledger itself, with open.
func EachOpen(t *testing.T, f func(t *testing.T, open func(testing.TB) *ledger.Ledger)) {
	t.Run(ledger.SQLite, func(t *testing.T) { f(t, SQLite) })
	t.Run(ledger.Postgres, func(t *testing.T) { f(t, Postgres) })
}

// SQLite opens a ledger in a new SQLite file under t.TempDir().
func SQLite(t testing.TB) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(context.Background(), ledger.SQLite, t.TempDir()+"/ledger.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// Postgres opens a ledger in a new schema of the database named by
// CLAIMSGW_TEST_POSTGRES_DSN, dropped when the test ends, or skips the test
// when the variable is unset.
func Postgres(t testing.TB) *ledger.Ledger {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		t.Skipf("%s is not set: the PostgreSQL ledger is not tested (.ci/run sets it)", PostgresEnv)
	}
	schema := fmt.Sprintf("claimsgw_test_%d_%d", time.Now().UnixNano(), schemas.Add(1))
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() { admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE") })
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	l, err := ledger.Open(ctx, ledger.Postgres, dsn+sep+"search_path="+schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// SQLiteFile is SQLite, and the ledger's file.
func SQLiteFile(t testing.TB) (*ledger.Ledger, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := ledger.Open(context.Background(), ledger.SQLite, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, path
}

// Outage makes an SQLite ledger refuse writes, from a connection of its
// own, as a database that is down or full does, until End.
type Outage struct{ db *sql.DB }

// OutageOf returns the outage switch of the SQLite ledger file at path.
func OutageOf(t testing.TB, path string) *Outage {
	t.Helper()
	// It waits for the ledger's writer as the ledger's own connections do:
	// without a busy timeout, ending an outage while the writer holds the
	// lock failed at once (SQLITE_BUSY) on a loaded machine.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &Outage{db: db}
}

// Start makes every write of the kind given fail, e.g. "INSERT ON
// encounters" or "UPDATE OF staged_name ON files".
func (o *Outage) Start(t testing.TB, writes string) {
	t.Helper()
	if _, err := o.db.Exec(`CREATE TRIGGER outage BEFORE ` + writes + ` BEGIN SELECT RAISE(ABORT, 'the database is down'); END`); err != nil {
		t.Fatal(err)
	}
}

// End ends the outage.
func (o *Outage) End(t testing.TB) {
	t.Helper()
	if _, err := o.db.Exec(`DROP TRIGGER outage`); err != nil {
		t.Fatal(err)
	}
}
