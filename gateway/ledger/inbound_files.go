package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// InboundFile is a file picked up from a payer.
type InboundFile struct {
	SHA256     string
	PayerID    string
	Name       string
	Kind       string // TA1, 999, 997, 277CA, 277, 835, unknown
	Content    []byte
	ReceivedAt time.Time
	Errors     string // the problems found in it, one a line
}

// RecordInbound archives a picked-up file by its sha256. A file seen
// before is not stored again and reports created false: a file picked up
// twice is processed once.
func (l *Ledger) RecordInbound(ctx context.Context, f InboundFile) (created bool, err error) {
	if f.SHA256 == "" {
		f.SHA256 = sum256(f.Content)
	}
	res, err := l.exec(ctx, `INSERT INTO inbound_files (sha256, payer_id, name, kind, content, status, received_at)
		VALUES ($1, $2, $3, $4, $5, 'received', $6) ON CONFLICT (sha256) DO NOTHING`,
		f.SHA256, f.PayerID, f.Name, f.Kind, f.Content, l.millis())
	if err != nil {
		return false, fmt.Errorf("ledger: inbound file %s: %w", f.Name, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ErrProcessed is returned by ApplyInbound for a file already processed.
var ErrProcessed = errors.New("ledger: inbound file already processed")

// ApplyInbound runs apply in one transaction and marks the inbound file
// processed in it. A file that is already processed is not applied again
// (ErrProcessed): a redelivered message changes nothing.
func (l *Ledger) ApplyInbound(ctx context.Context, sha256 string, apply func(tx *Tx) error) error {
	return l.inTx(ctx, func(tx *sql.Tx) error {
		if err := l.lockPayer(ctx, tx, payerOfFile, sha256); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE inbound_files SET status = 'processed', processed_at = $2 WHERE sha256 = $1 AND status <> 'processed'`,
			sha256, l.millis())
		if err != nil {
			return fmt.Errorf("ledger: inbound file %s: %w", sha256, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM inbound_files WHERE sha256 = $1`, sha256).Scan(&status); errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("ledger: inbound file %s: %w", sha256, ErrNotFound)
			}
			return ErrProcessed
		}
		t := l.newTx(ctx, tx, l.millis)
		if err := apply(t); err != nil {
			return err
		}
		return t.flush()
	})
}

// The payer a lockPayer key names: of an inbound file by its sha256, or
// the payer id itself.
const (
	payerOfFile = `SELECT pg_advisory_xact_lock(7262850, hashtext(payer_id)) FROM inbound_files WHERE sha256 = $1`
	payerByID   = `SELECT pg_advisory_xact_lock(7262850, hashtext($1))`
)

// lockPayer, on PostgreSQL, makes the transactions that apply a payer's
// files (ApplyInbound, and ResolveException when it applies what it
// resolves) run one at a time: each locks the claims it reads
// (Tx.forUpdate) in the order a file names them, so two of them naming the
// same claims in other orders, run at once by two replicas, would
// deadlock. It is taken before any claim is locked. SQLite has one writer.
func (l *Ledger) lockPayer(ctx context.Context, tx *sql.Tx, query, key string) error {
	if l.driver != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, query, key); err != nil {
		return fmt.Errorf("ledger: payer lock for %s: %w", key, err)
	}
	return nil
}

// InboundContent returns an archived inbound file.
func (l *Ledger) InboundContent(ctx context.Context, sha256 string) (*InboundFile, error) {
	f := &InboundFile{SHA256: sha256}
	err := l.db.QueryRowContext(ctx, `SELECT payer_id, name, kind, content, errors FROM inbound_files WHERE sha256 = $1`, sha256).
		Scan(&f.PayerID, &f.Name, &f.Kind, &f.Content, &f.Errors)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger: inbound file %s: %w", sha256, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: inbound file %s: %w", sha256, err)
	}
	return f, nil
}

// CountInbound counts the payer files in a processing status (received,
// processed).
func (l *Ledger) CountInbound(ctx context.Context, status string) (int, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT count(*) FROM inbound_files WHERE status = $1`, status).Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger: inbound files: %w", err)
	}
	return n, nil
}

// SetInboundErrors keeps the problems found in an inbound file with it,
// one a line (positions and codes, never element data).
func (t *Tx) SetInboundErrors(sha256, errs string) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE inbound_files SET errors = $2 WHERE sha256 = $1`, sha256, errs); err != nil {
		return fmt.Errorf("ledger: inbound file %s: %w", sha256, err)
	}
	return nil
}
