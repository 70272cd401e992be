package ledger

import (
	"context"
	"database/sql"
	"sync"
)

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
