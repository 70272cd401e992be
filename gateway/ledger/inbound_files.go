package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// InboundInfo is a payer file as it is listed: without its content.
type InboundInfo struct {
	SHA256      string
	PayerID     string
	Name        string
	Kind        string
	Status      string // received, processed, failed
	ReceivedAt  time.Time
	ProcessedAt time.Time // zero until processed
	Size        int
	// Errors are the problems found in it, one an entry: positions and
	// codes (x12.Error), never element data.
	Errors []string
}

// InboundFilter selects payer files: of a payer, a kind and a status (""
// for any), before the file Before (the last sha256 of the previous page).
type InboundFilter struct {
	PayerID string
	Kind    string
	Status  string
	Before  string
	Limit   int // 0 means 100, at most 1000
}

const inboundColumns = `sha256, payer_id, name, kind, status, received_at, processed_at, length(content), errors`

// ListInbound lists payer files, newest first (by pick-up, then sha256),
// one page at a time.
func (l *Ledger) ListInbound(ctx context.Context, f InboundFilter) ([]InboundInfo, error) {
	return queryAll(ctx, l.db, "list inbound files", `SELECT `+inboundColumns+` FROM inbound_files
		WHERE ($1 = '' OR payer_id = $1) AND ($2 = '' OR kind = $2) AND ($3 = '' OR status = $3)
			AND ($4 = '' OR received_at < (SELECT received_at FROM inbound_files WHERE sha256 = $4)
				OR (received_at = (SELECT received_at FROM inbound_files WHERE sha256 = $4) AND sha256 < $4))
		ORDER BY received_at DESC, sha256 DESC LIMIT $5`,
		[]any{f.PayerID, f.Kind, f.Status, f.Before, pageSize(f.Limit)}, scanInbound)
}

// Inbound returns a payer file, without its content.
func (l *Ledger) Inbound(ctx context.Context, sha256 string) (*InboundInfo, error) {
	fs, err := queryAll(ctx, l.db, "inbound file "+sha256, `SELECT `+inboundColumns+` FROM inbound_files WHERE sha256 = $1`, []any{sha256}, scanInbound)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, fmt.Errorf("ledger: inbound file %s: %w", sha256, ErrNotFound)
	}
	return &fs[0], nil
}

func scanInbound(row scanner) (InboundInfo, error) {
	var f InboundInfo
	var received, processed int64
	var errs string
	err := row.Scan(&f.SHA256, &f.PayerID, &f.Name, &f.Kind, &f.Status, &received, &processed, &f.Size, &errs)
	f.ReceivedAt, f.ProcessedAt = fromMillis(received), fromMillisOrZero(processed)
	for line := range strings.Lines(errs) {
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			f.Errors = append(f.Errors, line)
		}
	}
	return f, err
}
