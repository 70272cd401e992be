package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Rows in and out: the one scan loop every query uses, the batches that
// insert many rows to a statement, and the statements kept prepared.

// scanner is a row to read: a *sql.Row or the current row of *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryEach runs a query and calls f for each row it returns; what names
// the query in errors.
func queryEach(ctx context.Context, r runner, what, query string, args []any, f func(row scanner) error) error {
	rows, err := r.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("ledger: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return fmt.Errorf("ledger: %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger: %s: %w", what, err)
	}
	return nil
}

// queryAll runs a query and reads every row it returns with scan.
func queryAll[T any](ctx context.Context, r runner, what, query string, args []any, scan func(row scanner) (T, error)) ([]T, error) {
	var out []T
	err := queryEach(ctx, r, what, query, args, func(row scanner) error {
		v, err := scan(row)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanOne reads a row of one column.
func scanOne[T any](row scanner) (T, error) {
	var v T
	err := row.Scan(&v)
	return v, err
}

// batchRows is how many rows one INSERT of a rowBatch carries at most: a
// statement's overhead (binding, the driver's round trip) paid once for
// many rows, well below the parameter limits (SQLite 32,766, PostgreSQL
// 65,535). The rest goes in statements of 64, 32, ... 1 rows, so a table
// has eight INSERTs at most, each prepared once (stmtPool).
const batchRows = 128

// rowBatch collects rows for one table and writes them many to a
// statement: an INSERT of their VALUES, or (updateBatch) an UPDATE from
// them.
type rowBatch struct {
	anon  bool   // ? parameters (SQLite), else $1, $2 ... (PostgreSQL)
	table string // for errors
	head  string // up to the rows' VALUES
	tail  string // after them
	casts []string
	n     int // columns
	args  []any
}

// rowBatch inserts into table; suffix follows the VALUES (ON CONFLICT ...,
// RETURNING ...).
func (l *Ledger) rowBatch(table, columns, suffix string) *rowBatch {
	n := strings.Count(columns, ",") + 1
	return &rowBatch{anon: l.driver == SQLite, table: table, n: n, casts: make([]string, n),
		head: "INSERT INTO " + table + " (" + columns + ") VALUES ", tail: strings.TrimRight(" "+suffix, " ")}
}

// updateBatch updates table from its rows: with v(columns) AS (VALUES
// ...), set says what to set FROM v (WHERE included). casts gives each
// column's SQL type where the database must be told (PostgreSQL takes
// parameters in VALUES as text), "" for text.
func (l *Ledger) updateBatch(table, columns string, casts []string, set string) *rowBatch {
	return &rowBatch{anon: l.driver == SQLite, table: table, n: len(casts), casts: casts,
		head: "WITH v(" + columns + ") AS (VALUES ", tail: ") UPDATE " + table + " SET " + set}
}

// add appends one row: a value for each column, in order.
func (b *rowBatch) add(values ...any) {
	if len(values) != b.n {
		panic(fmt.Sprintf("ledger: %s row of %d values, want %d", b.table, len(values), b.n))
	}
	b.args = append(b.args, values...)
}

func (b *rowBatch) rows() int { return len(b.args) / b.n }

// exec inserts the rows collected and empties the batch.
func (b *rowBatch) exec(ctx context.Context, r runner) error {
	return b.each(func(query string, args []any) error {
		if _, err := r.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("ledger: %s: %w", b.table, err)
		}
		return nil
	})
}

// query inserts the rows collected, calls scan for every row the
// statements return (the suffix has a RETURNING clause) and empties the
// batch.
func (b *rowBatch) query(ctx context.Context, r runner, scan func(scanner) error) error {
	return b.each(func(query string, args []any) error {
		return queryEach(ctx, r, b.table, query, args, scan)
	})
}

func (b *rowBatch) each(run func(query string, args []any) error) error {
	defer func() { b.args = b.args[:0] }()
	for len(b.args) > 0 {
		n := batchRows
		for n > b.rows() {
			n /= 2
		}
		if err := run(b.statement(n), b.args[:n*b.n]); err != nil {
			return err
		}
		b.args = b.args[n*b.n:]
	}
	return nil
}

// statement is the statement of rows rows. SQLite takes numbered
// parameters too, but its driver looks each one's name up in a list as
// long as the statement's parameters: ? keeps binding linear.
func (b *rowBatch) statement(rows int) string {
	var s strings.Builder
	s.WriteString(b.head)
	p := 1
	for i := range rows {
		if i > 0 {
			s.WriteByte(',')
		}
		s.WriteByte('(')
		for j := range b.n {
			if j > 0 {
				s.WriteByte(',')
			}
			if b.casts[j] != "" {
				s.WriteString("CAST(")
			}
			if b.anon {
				s.WriteByte('?')
			} else {
				s.WriteByte('$')
				s.WriteString(strconv.Itoa(p))
				p++
			}
			if b.casts[j] != "" {
				s.WriteString(" AS " + b.casts[j] + ")")
			}
		}
		s.WriteByte(')')
	}
	s.WriteString(b.tail)
	return s.String()
}

// historyBatch collects claim_history rows.
func (l *Ledger) historyBatch() *rowBatch {
	return l.rowBatch("claim_history", "claim_id, at, from_status, to_status, source_kind, source_file, source_st02, position, reason, actor", "")
}

func (b *rowBatch) addHistory(claimID string, at int64, from, to Status, src Source) {
	b.add(claimID, at, from, to, src.Kind, src.File, src.Transaction, src.Position, src.Reason, src.Actor)
}

// runner is what the ledger's writes need of a transaction: a *sql.Tx, or a
// stmtCache over one.
type runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtCache prepares each statement once per transaction. A transaction
// that runs the same statements for thousands of items (an 835's CLPs)
// would otherwise spend most of its time parsing SQL again. The statements
// come from the ledger's pool, prepared once per connection, so a short
// transaction does not parse its statements either (a multi-row INSERT of
// a hundred rows is long to parse).
type stmtCache struct {
	tx    *sql.Tx
	pool  *stmtPool
	stmts map[string]*sql.Stmt
}

func (l *Ledger) stmtCache(tx *sql.Tx) *stmtCache {
	return &stmtCache{tx: tx, pool: &l.stmts, stmts: map[string]*sql.Stmt{}}
}

// stmtPool holds the statements prepared on the database: database/sql
// prepares each on a connection the first time it runs there, and
// Tx.StmtContext reuses that.
type stmtPool struct {
	mu    sync.Mutex
	db    *sql.DB
	stmts map[string]*sql.Stmt
}

func (p *stmtPool) get(ctx context.Context, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.stmts[query]; s != nil {
		return s, nil
	}
	s, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[query] = s
	return s, nil
}

func (p *stmtPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.stmts {
		s.Close()
	}
	p.stmts = nil
}

func (c *stmtCache) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if s := c.stmts[query]; s != nil {
		return s, nil
	}
	s, err := c.pool.get(ctx, query)
	if err != nil {
		return nil, err
	}
	s = c.tx.StmtContext(ctx, s)
	c.stmts[query] = s
	return s, nil
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := c.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := c.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := c.prepare(ctx, query)
	if err != nil {
		return c.tx.QueryRowContext(ctx, query, args...) // reports the error itself
	}
	return s.QueryRowContext(ctx, args...)
}
