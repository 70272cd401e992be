package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Exception is something a payer sent that could not be matched to a
// claim, or applied at all.
type Exception struct {
	ID            int64
	InboundSHA256 string // the payer file, "" for one not archived (too large)
	Kind          string
	ST02          string
	Position      int
	PCN           string
	Reason        string
	Status        string // open or resolved
	ClaimID       string
	ResolvedBy    string
	Resolution    string // how it was resolved: Matched, Posted, Dismissed
	Note          string // why, as who resolved it said
	// Count is how many items of the payer file the exception stands for:
	// 1, or, for one that groups the items failing for the same reason
	// past the first ones (the inbound processor's), all the rest; Items
	// lists the first of those.
	Count int
	Items []ExceptionItem
}

// ExceptionItem is one of the items a grouped exception stands for: where
// it is in its payer file, and the patient control number it names.
type ExceptionItem struct {
	ST02     string `json:"st02"`
	Position int    `json:"position"`
	PCN      string `json:"pcn,omitempty"`
}

// How an exception is resolved.
const (
	Matched   = "matched"   // to a claim, by hand (its CLP posted there, if it is one)
	Posted    = "posted"    // an 835 that did not balance, posted anyway
	Dismissed = "dismissed" // closed with a reason, nothing applied
)

// AddException parks an unmatched item for a person to look at, or, with
// a Count, the items it groups.
func (t *Tx) AddException(e Exception) error {
	items := ""
	if len(e.Items) > 0 {
		b, err := json.Marshal(e.Items)
		if err != nil {
			return fmt.Errorf("ledger: exception: %w", err)
		}
		items = string(b)
	}
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO exceptions (inbound_sha256, kind, st02, position, pcn, reason, status, at, item_count, items)
		VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9)`, e.InboundSHA256, e.Kind, e.ST02, e.Position, e.PCN, e.Reason, t.now(), max(e.Count, 1), items); err != nil {
		return fmt.Errorf("ledger: exception: %w", err)
	}
	return nil
}

// RefusedFile is a payer file the poller left on the payer's server (too
// large to take), known by its name, size and modification time.
type RefusedFile struct {
	PayerID    string
	Name       string
	Size       int64
	ModifiedAt time.Time
	Reason     string
}

// RecordRefused records a payer file the poller leaves on the server, once:
// the first time, with an open exception (kind "file") saying why, and
// created is true; the same file seen again at the next poll is not
// recorded again. A file changed since (another size or time) is another.
func (l *Ledger) RecordRefused(ctx context.Context, f RefusedFile) (created bool, err error) {
	err = l.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO refused_files (payer_id, name, size, modified_at, reason, at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (payer_id, name, size, modified_at) DO NOTHING RETURNING id`,
			f.PayerID, f.Name, f.Size, f.ModifiedAt.UnixMilli(), f.Reason, l.millis()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		created = true
		_, err = tx.ExecContext(ctx, `INSERT INTO exceptions (inbound_sha256, kind, st02, position, pcn, reason, status, at, payer_id)
			VALUES ('', 'file', '', $1, '', $2, 'open', $3, $4)`, id, f.Reason, l.millis(), f.PayerID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("ledger: refused file %s: %w", f.Name, err)
	}
	return created, nil
}

// CountOpenExceptions counts the unmatched items nobody has resolved.
func (l *Ledger) CountOpenExceptions(ctx context.Context) (int, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT count(*) FROM exceptions WHERE status = 'open'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger: exceptions: %w", err)
	}
	return n, nil
}

// ExceptionInfo is an exception with its payer, when it was parked and
// when it was resolved.
type ExceptionInfo struct {
	Exception
	PayerID    string // of the file it came in, or of the server it was left on
	At         time.Time
	ResolvedAt time.Time // zero while open
}

// ExceptionFilter selects exceptions. Status is open, resolved or "" for
// both.
type ExceptionFilter struct {
	Status string
	After  int64 // the last id of the previous page
	Limit  int   // 0 means 100, at most 1000
}

// Exceptions lists exceptions in id order, one page at a time.
func (l *Ledger) Exceptions(ctx context.Context, f ExceptionFilter) ([]ExceptionInfo, error) {
	return l.exceptions(ctx, `($1 = '' OR e.status = $1) AND e.id > $2 ORDER BY e.id LIMIT $3`, f.Status, f.After, pageSize(f.Limit))
}

// Exception returns one exception.
func (l *Ledger) Exception(ctx context.Context, id int64) (*ExceptionInfo, error) {
	es, err := l.exceptions(ctx, `e.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("ledger: exception %d: %w", id, ErrNotFound)
	}
	return &es[0], nil
}

// ExceptionsOfFile lists the exceptions a payer file opened, in id order.
func (l *Ledger) ExceptionsOfFile(ctx context.Context, sha256 string) ([]ExceptionInfo, error) {
	if sha256 == "" { // the exceptions of files not archived
		return nil, nil
	}
	return l.exceptions(ctx, `e.inbound_sha256 = $1 ORDER BY e.id`, sha256)
}

func (l *Ledger) exceptions(ctx context.Context, where string, args ...any) ([]ExceptionInfo, error) {
	return queryAll(ctx, l.db, "exceptions", `SELECT e.id, e.inbound_sha256, e.kind, e.st02, e.position, e.pcn, e.reason, e.status, e.claim_id,
			e.resolved_by, e.resolution, e.note, e.at, e.resolved_at, COALESCE(f.payer_id, e.payer_id), e.item_count, e.items
		FROM exceptions e LEFT JOIN inbound_files f ON f.sha256 = e.inbound_sha256 WHERE `+where, args, func(row scanner) (ExceptionInfo, error) {
		var e ExceptionInfo
		var at, resolved int64
		var items string
		if err := row.Scan(&e.ID, &e.InboundSHA256, &e.Kind, &e.ST02, &e.Position, &e.PCN, &e.Reason, &e.Status, &e.ClaimID,
			&e.ResolvedBy, &e.Resolution, &e.Note, &at, &resolved, &e.PayerID, &e.Count, &items); err != nil {
			return e, err
		}
		e.At = fromMillis(at)
		if resolved > 0 {
			e.ResolvedAt = fromMillis(resolved)
		}
		if items != "" {
			if err := json.Unmarshal([]byte(items), &e.Items); err != nil {
				return e, fmt.Errorf("exception %d: items: %w", e.ID, err)
			}
		}
		return e, nil
	})
}

// Errors of ResolveException.
var (
	ErrResolved     = errors.New("ledger: exception already resolved")
	ErrUnknownClaim = errors.New("ledger: unknown claim")
	ErrOtherPayer   = errors.New("ledger: the claim belongs to another payer than the exception's file")
)

// Resolution is how a person resolves an exception: Matched to a claim,
// Posted anyway, or Dismissed; who (Actor), why (Note, which posting and
// dismissing need, and a forced match), and when (At).
type Resolution struct {
	How     string
	ClaimID string // Matched: the claim
	Actor   string
	Note    string
	// At is when: the exception's resolution, the claim's history and
	// events, and the rows apply writes are at this time. Zero means the
	// ledger's clock.
	At time.Time
}

// ResolveException resolves an exception by hand: it becomes resolved,
// with how, who, why and when. Matched to a claim, the claim's history
// gets an entry (source kind manual, the actor, the exception's file,
// transaction set and position, the note), its status unchanged.
//
// apply, when given, runs in the same transaction: the inbound processor
// posts a parked CLP there, as it would have posted it, or the payment
// that did not balance (inbound's MatchException, PostException).
//
// Errors: ErrNotFound for an unknown exception, ErrResolved, ErrUnknownClaim,
// ErrOtherPayer when the claim is another payer's.
func (l *Ledger) ResolveException(ctx context.Context, id int64, r Resolution, apply func(tx *Tx, e Exception) error) error {
	r.Actor, r.Note = strings.TrimSpace(r.Actor), strings.TrimSpace(r.Note)
	switch {
	case r.Actor == "":
		return errors.New("ledger: resolving an exception needs an actor")
	case r.How != Matched && r.How != Posted && r.How != Dismissed:
		return fmt.Errorf("ledger: an exception is matched, posted or dismissed, not %q", r.How)
	case r.How == Matched && r.ClaimID == "":
		return errors.New("ledger: matching an exception needs a claim")
	case r.How != Matched && r.Note == "":
		return fmt.Errorf("ledger: an exception %s needs a reason", r.How)
	}
	now := l.millis
	if !r.At.IsZero() {
		at := r.At.UnixMilli()
		now = func() int64 { return at }
	}
	return l.inTx(ctx, func(tx *sql.Tx) error {
		q := `SELECT e.status, e.kind, e.inbound_sha256, e.st02, e.position, e.pcn, COALESCE(f.payer_id, e.payer_id)
			FROM exceptions e LEFT JOIN inbound_files f ON f.sha256 = e.inbound_sha256 WHERE e.id = $1`
		if l.driver == Postgres {
			q += ` FOR UPDATE OF e`
		}
		var status, kind, sha, st02, pcn, payer string
		var pos int
		err := tx.QueryRowContext(ctx, q, id).Scan(&status, &kind, &sha, &st02, &pos, &pcn, &payer)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("ledger: exception %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("ledger: exception %d: %w", id, err)
		}
		if status != "open" {
			return fmt.Errorf("ledger: exception %d: %w", id, ErrResolved)
		}
		if apply != nil {
			if err := l.lockPayer(ctx, tx, payerByID, payer); err != nil {
				return err
			}
		}
		var claimStatus Status
		if r.How == Matched {
			var claimPayer string
			err = tx.QueryRowContext(ctx, `SELECT payer_id, status FROM claims WHERE id = $1`, r.ClaimID).Scan(&claimPayer, &claimStatus)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("ledger: exception %d: claim %q: %w", id, r.ClaimID, ErrUnknownClaim)
			}
			if err != nil {
				return fmt.Errorf("ledger: claim %s: %w", r.ClaimID, err)
			}
			if payer != "" && claimPayer != payer {
				return fmt.Errorf("ledger: exception %d of payer %s, claim %s of payer %s: %w", id, payer, r.ClaimID, claimPayer, ErrOtherPayer)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE exceptions SET status = 'resolved', claim_id = $2, resolved_by = $3, resolved_at = $4, resolution = $5, note = $6
			WHERE id = $1 AND status = 'open'`, id, r.ClaimID, r.Actor, now(), r.How, r.Note)
		if err != nil {
			return fmt.Errorf("ledger: exception %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("ledger: exception %d: %w", id, ErrResolved)
		}
		if r.How == Matched {
			reason := fmt.Sprintf("exception %d (%s", id, kind)
			if pcn != "" {
				reason += " PCN " + pcn
			}
			reason += ") matched by hand"
			if r.Note != "" {
				reason += ": " + r.Note
			}
			if _, err = l.transition(ctx, tx, r.ClaimID, claimStatus, Source{Kind: "manual", File: sha, Transaction: st02, Position: pos, Reason: reason, Actor: r.Actor}, now()); err != nil {
				return err
			}
		}
		if apply == nil {
			return nil
		}
		t := l.newTx(ctx, tx, now)
		if err := apply(t, Exception{ID: id, InboundSHA256: sha, Kind: kind, ST02: st02, Position: pos, PCN: pcn, Status: "resolved", ClaimID: r.ClaimID,
			ResolvedBy: r.Actor, Resolution: r.How, Note: r.Note}); err != nil {
			return err
		}
		return t.flush()
	})
}
