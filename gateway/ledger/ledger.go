// Package ledger is the gateway's record of everything it has seen and
// done: encounters as received, claims and their status history, the 837
// files it built and delivered, control numbers, payer files picked up, and
// queue messages that could not be processed. The same code runs on SQLite
// (embedded, the default) and PostgreSQL (production).
//
// The ledger is the final guard of idempotency: an encounter id, a control
// number, a file's sha256 is recorded once, whatever the queue redelivers.
package ledger

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Drivers.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Ledger is an open ledger database. It is safe for concurrent use.
type Ledger struct {
	db     *sql.DB
	driver string
	now    func() time.Time
	stmts  stmtPool

	// SQLite: the process's transactions run one at a time on one
	// connection of a pool of their own (see inTx).
	writeMu sync.Mutex
	writeDB *sql.DB
	writer  *sql.Conn

	stopCheckpoints context.CancelFunc // SQLite: ends checkpoints
	checkpoints     sync.WaitGroup
}

//go:embed migrations/*.sql
var migrations embed.FS

// Open opens the ledger and brings its schema up to date. driver is SQLite
// (dsn is a file path) or Postgres (dsn is a PostgreSQL connection string).
func Open(ctx context.Context, driver, dsn string) (*Ledger, error) {
	var db, writeDB *sql.DB
	var err error
	switch driver {
	case SQLite:
		// The ledger holds PHI: a new file is its user's only (SQLite gives
		// its -wal and -shm files the same mode).
		if dsn != ":memory:" && !strings.ContainsAny(dsn, "?") {
			if f, err := os.OpenFile(dsn, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
				f.Close()
			}
		}
		// WAL lets readers run beside the one writer; immediate transactions
		// take the write lock up front, so two writers wait instead of
		// failing half-way.
		dsn = "file:" + dsn + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_txlock=immediate"
		if db, err = sql.Open("sqlite", dsn); err == nil {
			// The writer's pages stay in its cache (below): 64 MB of them.
			// It leaves checkpoints to checkpoint.
			writeDB, err = sql.Open("sqlite", dsn+"&_pragma=cache_size(-65536)&_pragma=wal_autocheckpoint(0)")
		}
	case Postgres:
		db, err = sql.Open("pgx", dsn)
		writeDB = db
	default:
		return nil, fmt.Errorf("ledger: unknown driver %q (want %s or %s)", driver, SQLite, Postgres)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: open: %w", err)
	}
	// database/sql keeps 2 idle connections by default and closes the
	// rest: with the stages, the API and the metrics at work, connections
	// (each with its prepared statements) would be opened and closed all
	// the time.
	db.SetMaxIdleConns(8)
	l := &Ledger{db: db, driver: driver, now: time.Now, writeDB: writeDB, stmts: stmtPool{db: writeDB}}
	if err := db.PingContext(ctx); err != nil {
		l.Close()
		return nil, fmt.Errorf("ledger: connect: %w", err)
	}
	if driver == SQLite {
		// The writer connection, kept for good: a connection's page cache
		// is dropped whenever another connection has written, so the
		// writer's stays warm only if every write is its. The pool's
		// second connection prepares statements for stmtPool (see
		// stmtCache), never runs them.
		writeDB.SetMaxOpenConns(2)
		if l.writer, err = writeDB.Conn(ctx); err != nil {
			l.Close()
			return nil, fmt.Errorf("ledger: connect: %w", err)
		}
	}
	if err := l.migrate(ctx); err != nil {
		l.Close()
		return nil, err
	}
	if driver == SQLite {
		cctx, stop := context.WithCancel(context.Background())
		l.stopCheckpoints = stop
		l.checkpoints.Go(func() { l.checkpoint(cctx) })
	}
	return l, nil
}

// checkpointEvery is how often checkpoint runs.
const checkpointEvery = time.Second

// checkpoint copies the SQLite write-ahead log into the database file
// every checkpointEvery, on a reader connection, until ctx ends. SQLite
// would have the writer do it at its commits, every 4 MB of log, with the
// write lock held: here it runs beside the writer (PASSIVE: it copies what
// no reader still needs and waits for nothing), and the log starts over
// once all of it is copied. A checkpoint that fails is tried again at the
// next tick; the log only grows meanwhile.
func (l *Ledger) checkpoint(ctx context.Context) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, _ = l.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

// Close closes the database.
func (l *Ledger) Close() error {
	if l.stopCheckpoints != nil {
		l.stopCheckpoints()
		l.checkpoints.Wait()
	}
	l.stmts.close()
	var err error
	if l.writer != nil {
		err = l.writer.Close()
	}
	if l.writeDB != l.db {
		err = errors.Join(err, l.writeDB.Close())
	}
	return errors.Join(err, l.db.Close())
}

// Driver returns SQLite or Postgres.
func (l *Ledger) Driver() string { return l.driver }

// The largest payer file each driver's ledger stores (RecordInbound), in
// bytes. SQLite stores a string or blob of at most 1,000,000,000 bytes
// (SQLITE_MAX_LENGTH, which bounds the whole row too): a file of
// 1,000,000,001 bytes fails with "string or blob too big". PostgreSQL's
// bytea holds at most 1 GiB - 1 bytes, and a protocol message (the INSERT's
// Bind, the SELECT's DataRow) at most 1 GiB - 2 with the rest of the row.
const (
	MaxContentSQLite   = 999_000_000
	MaxContentPostgres = 1_000_000_000
)

// MaxContent is the largest payer file the ledger stores, in bytes: the
// poller's limit is the route's sftp.max_file_size or this, whichever is
// smaller.
func (l *Ledger) MaxContent() int64 {
	if l.driver == Postgres {
		return MaxContentPostgres
	}
	return MaxContentSQLite
}

// millis is the ledger's time form.
func (l *Ledger) millis() int64 { return l.now().UnixMilli() }

// fromMillis is a time the ledger keeps, as it gives it: in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// fromMillisOrZero is fromMillis, but the zero time for 0 (never).
func fromMillisOrZero(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return fromMillis(ms)
}

// inTx runs f in a transaction and commits it, or rolls it back when f or
// the commit fails.
//
// On SQLite every transaction takes the one write lock at BEGIN, and a
// transaction that finds it taken sleeps in SQLite's busy handler (1, 2,
// 5, 10 ms ...) before it looks again. The process's own transactions
// queue on a mutex instead, so the next one starts the moment the last
// one ends (the busy handler is left for other processes), and they all
// run on the one writer connection.
func (l *Ledger) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	var tx *sql.Tx
	var err error
	if l.writer != nil {
		l.writeMu.Lock()
		defer l.writeMu.Unlock()
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ledger: begin: %w", err)
		}
		// Not ctx: database/sql rolls a transaction back on its own
		// goroutine when the transaction's context ends, and on a kept
		// connection (sql.Conn) nothing waits for that rollback, which
		// could land in the middle of the next transaction, leaving its
		// statements after it to run outside any transaction. Here only
		// the rollback below ends a failed transaction, before the lock
		// is let go; f's statements still end with ctx.
		tx, err = l.writer.BeginTx(context.WithoutCancel(ctx), nil)
	} else {
		tx, err = l.db.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	return nil
}

// CheckWrites reports whether the ledger takes writes, by writing the
// replica's readiness row. On SQLite, a transaction being written shows it
// does: the check does not wait behind it (an 835 of 100,000 CLPs is one
// transaction of seconds).
func (l *Ledger) CheckWrites(ctx context.Context, replica string) error {
	if l.writer != nil {
		if !l.writeMu.TryLock() {
			return nil
		}
		l.writeMu.Unlock()
	}
	_, err := l.exec(ctx, `INSERT INTO readiness (replica, checked_at) VALUES ($1, $2)
		ON CONFLICT (replica) DO UPDATE SET checked_at = excluded.checked_at`, replica, l.millis())
	if err != nil {
		return fmt.Errorf("ledger: write check: %w", err)
	}
	return nil
}

// exec runs one writing statement in a transaction of its own (inTx).
func (l *Ledger) exec(ctx context.Context, query string, args ...any) (res sql.Result, err error) {
	err = l.inTx(ctx, func(tx *sql.Tx) error {
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// migrateUpTo is the last migration Open applies: all of them, but in the
// tests of a migration, which open a ledger as it was before it.
var migrateUpTo = 1 << 30

// migrate applies the embedded migrations not applied yet, each in its own
// transaction. On PostgreSQL an advisory lock keeps two replicas starting
// at once from applying the same one twice. A migration the databases
// need written apart comes in two files of one number,
// NNN_name.sqlite.sql and NNN_name.postgres.sql.
func (l *Ledger) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	return l.inTx(ctx, func(tx *sql.Tx) error {
		if l.driver == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7262849)`); err != nil {
				return fmt.Errorf("ledger: migration lock: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("ledger: migrations table: %w", err)
		}
		for _, name := range names {
			base := strings.TrimPrefix(name, "migrations/")
			// NNN_name.sqlite.sql and NNN_name.postgres.sql are one
			// migration written for each database.
			if other := map[string]string{SQLite: Postgres, Postgres: SQLite}[l.driver]; strings.HasSuffix(base, "."+other+".sql") {
				continue
			}
			v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
			if err != nil {
				return fmt.Errorf("ledger: migration %s has no version number", base)
			}
			if v > migrateUpTo {
				break
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, v).Scan(&n); err != nil {
				return fmt.Errorf("ledger: migrations: %w", err)
			}
			if n > 0 {
				continue
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			for _, stmt := range statements(l.dialect(string(body))) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("ledger: migration %s: %w", base, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, v, l.millis()); err != nil {
				return fmt.Errorf("ledger: migration %s: %w", base, err)
			}
		}
		return nil
	})
}

// dialect fills in the types that differ between the databases.
func (l *Ledger) dialect(sql string) string {
	id, blob, clustered := "INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB", " WITHOUT ROWID"
	if l.driver == Postgres {
		id, blob, clustered = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BYTEA", ""
	}
	return strings.NewReplacer("{{id}}", id, "{{blob}}", blob, "{{clustered}}", clustered).Replace(sql)
}

// statements splits a migration into statements, dropping comments.
func statements(sql string) []string {
	var b strings.Builder
	for line := range strings.Lines(sql) {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i] + "\n"
		}
		b.WriteString(line)
	}
	var out []string
	for s := range strings.SplitSeq(b.String(), ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ErrNotFound is returned when what was asked for is not in the ledger.
var ErrNotFound = errors.New("ledger: not found")
