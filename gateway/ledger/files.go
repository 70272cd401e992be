package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// FileStatus is where an outbound file stands.
type FileStatus string

// Outbound file statuses.
const (
	FileBuilt          FileStatus = "built"           // stored, not delivered yet
	FileSubmitted      FileStatus = "submitted"       // on the payer's server
	FileDeliveryFailed FileStatus = "delivery_failed" // given up on: attempts failed for the route's retry_for, or could not succeed
	FileResent         FileStatus = "resent"          // failed, and its claims queued again by hand (ResendFile)
)

// File is an outbound 837 file: one interchange for one payer.
type File struct {
	ID          string
	PayerID     string
	Usage       string // ISA15
	ISA13       int64
	Name        string // the remote file name
	StagedName  string // the temporary name it was staged under, once recorded
	Content     []byte
	SHA256      string
	Status      FileStatus
	Attempts    int
	LastError   string
	CreatedAt   time.Time
	DeliveredAt time.Time
	// FirstFailedAt is when its attempts began failing (zero while none
	// has): the deliverer gives up retry_for after it.
	FirstFailedAt time.Time
	ResentBy      string // who resent it, once it is FileResent
	ResentAt      time.Time
	Claims        []FileClaim
}

// FileClaim places a claim in a file: its group, transaction set and the
// range of segment positions it occupies there (ST = 1), so a 999 that
// points at a segment can be traced to the claim.
type FileClaim struct {
	ClaimID  string `json:"claim_id"`
	GS06     int64  `json:"gs06"`
	ST02     int64  `json:"st02"`
	FirstPos int    `json:"first_pos"`
	LastPos  int    `json:"last_pos"`
	// ISA13 is the file's (set when read): with GS06 and ST02 it names
	// the set an acknowledgment answers.
	ISA13 int64 `json:"-"`
	// Current says the file is the claim's latest: false once the claim
	// went again in another file (after a 999 rejected another claim of
	// its set), when answers to this file no longer concern it.
	Current bool `json:"-"`
}

// Pending is a queued claim handed to a file builder, with the encounter
// it came from.
type Pending struct {
	ClaimID   string
	ClaimType string
	Encounter []byte // the JSON as received
	// Responsibility and Billing say which of the encounter's payers the
	// claim goes to, and what the payers before decided (JSON of
	// encounter.Billing, "" for the encounter's first claim).
	Responsibility string
	Billing        string
}

// Allocator hands out control numbers inside the transaction that stores
// the file they go in: if the file is not stored, the numbers are not
// used up, and if it is, they are never handed out again.
type Allocator func(kind string, n int) (first int64, err error)

// BuildFunc builds a file from claims with control numbers from alloc. It
// fills in everything but ID (when empty), PayerID, SHA256, Status and
// CreatedAt, which the ledger sets.
type BuildFunc func(alloc Allocator, claims []Pending) (*File, error)

// ErrNothingQueued is returned by CreateFile when the payer has no queued
// claims.
var ErrNothingQueued = errors.New("ledger: no queued claims")

// CreateFile takes up to max queued claims of a payer, oldest first, has
// build make the file, and stores it with its claims, which become
// batched, in one transaction. On PostgreSQL the claims are locked with
// SKIP LOCKED, so two replicas batching at once take different claims.
func (l *Ledger) CreateFile(ctx context.Context, payerID string, max int, build BuildFunc) (*File, error) {
	var f *File
	err := l.inTx(ctx, func(sqlTx *sql.Tx) error {
		tx := l.stmtCache(sqlTx) // the same statements for every 100 claims
		pending, err := queued(ctx, tx, payerID, max, l.driver == Postgres)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			return ErrNothingQueued
		}
		f, err = build(func(kind string, n int) (int64, error) { return allocate(ctx, tx, payerID, kind, n) }, pending)
		if err != nil {
			return err
		}
		f.PayerID, f.SHA256, f.Status, f.CreatedAt = payerID, sum256(f.Content), FileBuilt, l.now()
		if f.ID == "" {
			f.ID = fmt.Sprintf("%s-%09d", payerID, f.ISA13)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO files (id, payer_id, usage, isa13, name, content, sha256, claims, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			f.ID, f.PayerID, f.Usage, f.ISA13, f.Name, f.Content, f.SHA256, len(f.Claims), f.Status, f.CreatedAt.UnixMilli()); err != nil {
			return fmt.Errorf("ledger: file %s: %w", f.ID, err)
		}
		// The claims were queued when selected above (the transaction holds
		// them: SQLite's write lock, PostgreSQL's row locks).
		now := l.millis()
		placed, history, events := l.rowBatch("file_claims", "file_id, claim_id, gs06, st02, first_pos, last_pos", ""), l.historyBatch(), l.outboxBatch()
		for _, fc := range f.Claims {
			placed.add(f.ID, fc.ClaimID, fc.GS06, fc.ST02, fc.FirstPos, fc.LastPos)
			src := Source{Kind: "batcher", File: f.ID, Transaction: fmt.Sprint(fc.ST02), Position: fc.FirstPos, Actor: "batcher"}
			history.addHistory(fc.ClaimID, now, StatusQueued, StatusBatched, src)
			events.addEvent(fc.ClaimID, now, StatusQueued, StatusBatched, src, 0, nil)
		}
		if err := placed.exec(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE claims SET status = $2, file_id = $1, updated_at = $3
			WHERE id IN (SELECT claim_id FROM file_claims WHERE file_id = $1)`, f.ID, StatusBatched, now); err != nil {
			return fmt.Errorf("ledger: file %s claims: %w", f.ID, err)
		}
		if err := history.exec(ctx, tx); err != nil {
			return err
		}
		return events.exec(ctx, tx)
	})
	return f, err
}

// queued reads a payer's queued claims, oldest first; lock takes them
// (PostgreSQL) so that another replica's CreateFile skips them.
func queued(ctx context.Context, r runner, payerID string, max int, lock bool) ([]Pending, error) {
	q := `SELECT c.id, c.claim_type, e.raw, c.responsibility, c.billing FROM claims c JOIN encounters e ON e.id = c.encounter_id
		WHERE c.payer_id = $1 AND c.status = $2 ORDER BY c.created_at, c.id LIMIT $3`
	if lock {
		q += ` FOR UPDATE OF c SKIP LOCKED`
	}
	return queryAll(ctx, r, "queued claims", q, []any{payerID, StatusQueued, max}, func(row scanner) (Pending, error) {
		var p Pending
		err := row.Scan(&p.ClaimID, &p.ClaimType, &p.Encounter, &p.Responsibility, &p.Billing)
		return p, err
	})
}

// sum256 is the sha256 of a file's content, in hex: what the ledger knows
// an outbound file and a payer file by.
func sum256(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// FileByID returns an outbound file with its claims.
func (l *Ledger) FileByID(ctx context.Context, id string) (*File, error) {
	f := &File{}
	var created, delivered, failed, resent int64
	err := l.db.QueryRowContext(ctx, `SELECT id, payer_id, usage, isa13, name, staged_name, content, sha256, status, attempts, last_error, created_at, delivered_at,
			first_failed_at, resent_by, resent_at
		FROM files WHERE id = $1`, id).Scan(&f.ID, &f.PayerID, &f.Usage, &f.ISA13, &f.Name, &f.StagedName, &f.Content, &f.SHA256, &f.Status, &f.Attempts, &f.LastError, &created, &delivered,
		&failed, &f.ResentBy, &resent)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger: file %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: file %s: %w", id, err)
	}
	f.CreatedAt = fromMillis(created)
	f.DeliveredAt, f.FirstFailedAt, f.ResentAt = fromMillisOrZero(delivered), fromMillisOrZero(failed), fromMillisOrZero(resent)
	f.Claims, err = queryFileClaims(ctx, l.db, "file "+id+" claims", `fc.file_id = $1`, id)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// queryFileClaims reads the claims of the files (f) that where selects,
// in segment order.
func queryFileClaims(ctx context.Context, r runner, what, where string, args ...any) ([]FileClaim, error) {
	return queryAll(ctx, r, what, `SELECT fc.claim_id, fc.gs06, fc.st02, fc.first_pos, fc.last_pos, f.isa13, c.file_id = fc.file_id
		FROM file_claims fc JOIN files f ON f.id = fc.file_id JOIN claims c ON c.id = fc.claim_id
		WHERE `+where+` ORDER BY f.id, fc.gs06, fc.st02, fc.first_pos`, args, func(row scanner) (FileClaim, error) {
		var fc FileClaim
		err := row.Scan(&fc.ClaimID, &fc.GS06, &fc.ST02, &fc.FirstPos, &fc.LastPos, &fc.ISA13, &fc.Current)
		return fc, err
	})
}

// FilesInStatus lists the ids of a payer's files in a status, oldest
// first ("" payer: every payer). The deliverer uses it at start to pick
// up files built before a crash.
func (l *Ledger) FilesInStatus(ctx context.Context, payerID string, status FileStatus) ([]string, error) {
	return queryAll(ctx, l.db, "files", `SELECT id FROM files WHERE status = $1 AND ($2 = '' OR payer_id = $2) ORDER BY created_at, id`,
		[]any{status, payerID}, scanOne[string])
}

// MarkHandedOff records that a built file's message for the deliverer is
// in NATS.
func (l *Ledger) MarkHandedOff(ctx context.Context, fileID string) error {
	_, err := l.exec(ctx, `UPDATE files SET handed_off_at = $2 WHERE id = $1 AND handed_off_at = 0`, fileID, l.millis())
	if err != nil {
		return fmt.Errorf("ledger: file %s: %w", fileID, err)
	}
	return nil
}

// FileRef is a built file as its hand-off to the deliverer names it.
type FileRef struct {
	ID, PayerID string
	HandedOff   bool // its hand-off is recorded
}

// BuiltFiles lists the files built and not delivered, oldest first: with
// all, every one; else those whose hand-off is not recorded and that were
// built age ago or more (by the ledger's clock; with age 0, every one).
func (l *Ledger) BuiltFiles(ctx context.Context, all bool, age time.Duration) ([]FileRef, error) {
	q := `SELECT id, payer_id, handed_off_at <> 0 FROM files WHERE status = $1`
	args := []any{FileBuilt}
	if !all {
		q += ` AND handed_off_at = 0 AND created_at <= $2`
		args = append(args, l.millis()-age.Milliseconds())
	}
	return queryAll(ctx, l.db, "files", q+` ORDER BY created_at, id`, args, func(row scanner) (FileRef, error) {
		var f FileRef
		return f, row.Scan(&f.ID, &f.PayerID, &f.HandedOff)
	})
}

// RecordAttempt counts a delivery attempt that failed with err, and
// returns when the file's attempts began failing: this one's time if it is
// the first.
func (l *Ledger) RecordAttempt(ctx context.Context, fileID string, err error) (firstFailed time.Time, _ error) {
	var first int64
	dbErr := l.db.QueryRowContext(ctx, `UPDATE files SET attempts = attempts + 1, last_error = $2,
			first_failed_at = CASE WHEN first_failed_at = 0 THEN $3 ELSE first_failed_at END
		WHERE id = $1 RETURNING first_failed_at`, fileID, err.Error(), l.millis()).Scan(&first)
	if dbErr != nil {
		return time.Time{}, fmt.Errorf("ledger: file %s: %w", fileID, dbErr)
	}
	return fromMillis(first), nil
}

// ErrNotFailed is returned by ResendFile for a file that did not fail.
var ErrNotFailed = errors.New("ledger: the file is not delivery_failed")

// ResendFile sends a failed file's claims again: the file becomes
// FileResent (who, when), and each of its claims still delivery_failed
// (and in it last) becomes queued, its history naming the file, the
// actor and the reason, when one is given; the batcher puts them in a new
// file, under a new interchange control number. It returns the claims
// queued.
//
// Errors: ErrNotFound, ErrNotFailed for a file that is not
// delivery_failed (delivered, still being tried, or resent before).
func (l *Ledger) ResendFile(ctx context.Context, fileID, actor, reason string) ([]string, error) {
	if actor = strings.TrimSpace(actor); actor == "" {
		return nil, errors.New("ledger: resending a file needs an actor")
	}
	why := "file " + fileID + " resent by hand: queued for a new file"
	if reason = strings.TrimSpace(reason); reason != "" {
		why += ": " + reason
	}
	var queued []string
	err := l.inTx(ctx, func(sqlTx *sql.Tx) error {
		var status FileStatus
		err := sqlTx.QueryRowContext(ctx, `SELECT status FROM files WHERE id = $1`, fileID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("ledger: file %s: %w", fileID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("ledger: file %s: %w", fileID, err)
		}
		now := l.millis()
		res, err := sqlTx.ExecContext(ctx, `UPDATE files SET status = $2, resent_by = $3, resent_at = $4 WHERE id = $1 AND status = $5`,
			fileID, FileResent, actor, now, FileDeliveryFailed)
		if err != nil {
			return fmt.Errorf("ledger: file %s: %w", fileID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("ledger: file %s is %s: %w", fileID, status, ErrNotFailed)
		}
		return l.moveFileClaims(ctx, sqlTx, fileID, StatusDeliveryFailed, StatusQueued, &queued,
			Source{Kind: "manual", File: fileID, Reason: why, Actor: actor})
	})
	if err != nil {
		return nil, err
	}
	return queued, nil
}

// MarkStaged records that a built file was staged on the payer's server
// under the temporary name tmp, and returns the name on record: tmp, or the
// name an earlier (or racing) attempt recorded first, which is the one to
// publish. Record it before the rename that makes the file visible, and
// publish only a recorded name: then a file is never delivered twice.
func (l *Ledger) MarkStaged(ctx context.Context, fileID, tmp string) (string, error) {
	var name string
	err := l.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE files SET staged_name = $2 WHERE id = $1 AND staged_name = ''`, fileID, tmp); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT staged_name FROM files WHERE id = $1`, fileID).Scan(&name)
	})
	if err != nil {
		return "", fmt.Errorf("ledger: file %s staged: %w", fileID, err)
	}
	return name, nil
}

// MarkDelivered records that a file is on the payer's server: the file
// becomes submitted, and so do its claims. It returns the claims that
// changed, none when the file was marked before (a redelivered message).
func (l *Ledger) MarkDelivered(ctx context.Context, fileID string) ([]string, error) {
	return l.settleFile(ctx, fileID, FileSubmitted, StatusSubmitted, "", "")
}

// MarkDeliveryFailed records that a file could not be delivered after its
// last attempt: the file and its claims become delivery_failed. The file
// keeps cause as its last error, for the operator; the claims' history
// gets reason, which their events carry out of the process.
func (l *Ledger) MarkDeliveryFailed(ctx context.Context, fileID string, cause error, reason string) ([]string, error) {
	return l.settleFile(ctx, fileID, FileDeliveryFailed, StatusDeliveryFailed, cause.Error(), reason)
}

func (l *Ledger) settleFile(ctx context.Context, fileID string, fs FileStatus, cs Status, lastError, reason string) ([]string, error) {
	var changed []string
	err := l.inTx(ctx, func(sqlTx *sql.Tx) error {
		// The successful attempt is counted here; failed ones by RecordAttempt.
		attempt, deliveredAt := 0, int64(0)
		if fs == FileSubmitted {
			attempt, deliveredAt = 1, l.millis()
		}
		res, err := sqlTx.ExecContext(ctx, `UPDATE files SET status = $2, attempts = attempts + $3, last_error = $4, delivered_at = $5 WHERE id = $1 AND status = $6`,
			fileID, fs, attempt, lastError, deliveredAt, FileBuilt)
		if err != nil {
			return fmt.Errorf("ledger: file %s: %w", fileID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return l.moveFileClaims(ctx, sqlTx, fileID, StatusBatched, cs, &changed, Source{Kind: "deliverer", File: fileID, Reason: reason, Actor: "deliverer"})
	})
	if err != nil {
		return nil, err
	}
	return changed, nil
}

// moveFileClaims moves the claims of a file that are in it last and in
// status from to status to, each with a history entry from src, and puts
// their ids in moved.
func (l *Ledger) moveFileClaims(ctx context.Context, sqlTx *sql.Tx, fileID string, from, to Status, moved *[]string, src Source) error {
	tx := l.stmtCache(sqlTx) // the same history statement for every 100 claims
	changed, err := queryAll(ctx, tx, "file "+fileID+" claims", `SELECT c.id FROM claims c JOIN file_claims fc ON fc.claim_id = c.id
		WHERE fc.file_id = $1 AND c.file_id = $1 AND c.status = $2 ORDER BY c.id`, []any{fileID, from}, scanOne[string])
	if err != nil || len(changed) == 0 {
		return err
	}
	*moved = changed
	now, history, events := l.millis(), l.historyBatch(), l.outboxBatch()
	for _, id := range changed {
		history.addHistory(id, now, from, to, src)
		events.addEvent(id, now, from, to, src, 0, nil)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE claims SET status = $2, updated_at = $3
		WHERE file_id = $1 AND status = $4 AND id IN (SELECT claim_id FROM file_claims WHERE file_id = $1)`, fileID, to, now, from); err != nil {
		return fmt.Errorf("ledger: file %s claims: %w", fileID, err)
	}
	if err := history.exec(ctx, tx); err != nil {
		return err
	}
	return events.exec(ctx, tx)
}

// QueuedStats tells the batcher how many claims of a payer wait and since
// when the oldest has waited.
func (l *Ledger) QueuedStats(ctx context.Context, payerID string) (n int, oldest time.Time, err error) {
	var min sql.NullInt64
	if err := l.db.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM claims WHERE payer_id = $1 AND status = $2`, payerID, StatusQueued).
		Scan(&n, &min); err != nil {
		return 0, time.Time{}, fmt.Errorf("ledger: queued claims: %w", err)
	}
	if min.Valid {
		oldest = fromMillis(min.Int64)
	}
	return n, oldest, nil
}

// ClaimFile is an outbound file a claim went in (a claim sent again after
// a rejected set is in more than one).
type ClaimFile struct {
	FileID    string     `json:"file_id"`
	Name      string     `json:"name"`
	Status    FileStatus `json:"status"`
	ISA13     int64      `json:"isa13"`
	GS06      int64      `json:"gs06"`
	ST02      int64      `json:"st02"`
	FirstPos  int        `json:"first_pos"`
	LastPos   int        `json:"last_pos"`
	CreatedAt time.Time  `json:"created_at"`
}

// ClaimFiles lists the files a claim went in, oldest first.
func (l *Ledger) ClaimFiles(ctx context.Context, claimID string) ([]ClaimFile, error) {
	return queryAll(ctx, l.db, "files of claim "+claimID, `SELECT f.id, f.name, f.status, f.isa13, fc.gs06, fc.st02, fc.first_pos, fc.last_pos, f.created_at
		FROM file_claims fc JOIN files f ON f.id = fc.file_id WHERE fc.claim_id = $1 ORDER BY f.created_at, f.id`, []any{claimID}, func(row scanner) (ClaimFile, error) {
		var f ClaimFile
		var created int64
		err := row.Scan(&f.FileID, &f.Name, &f.Status, &f.ISA13, &f.GS06, &f.ST02, &f.FirstPos, &f.LastPos, &created)
		f.CreatedAt = fromMillis(created)
		return f, err
	})
}

// ClaimsInSet returns the claims placed in a payer's transaction set,
// found by the group and transaction control numbers an acknowledgment
// names, with their segment ranges.
func (t *Tx) ClaimsInSet(payerID string, gs06, st02 int64) ([]FileClaim, error) {
	return queryFileClaims(t.ctx, t.tx, "claims in set", `f.payer_id = $1 AND fc.gs06 = $2 AND fc.st02 = $3`, payerID, gs06, st02)
}

// ClaimsInGroup returns the claims of every set of the functional group
// (GS06) the gateway sent the payer, with their segment ranges.
func (t *Tx) ClaimsInGroup(payerID string, gs06 int64) ([]FileClaim, error) {
	return queryFileClaims(t.ctx, t.tx, "claims in group", `f.payer_id = $1 AND fc.gs06 = $2`, payerID, gs06)
}

// ClaimsInInterchange returns the claims of the file a payer's TA1 names
// by its ISA13.
func (t *Tx) ClaimsInInterchange(payerID string, isa13 int64) ([]FileClaim, error) {
	return queryFileClaims(t.ctx, t.tx, "claims in interchange", `f.payer_id = $1 AND f.isa13 = $2`, payerID, isa13)
}

// FileInfo is an outbound file as it is listed: without its content.
type FileInfo struct {
	ID          string
	PayerID     string
	ISA13       int64
	Name        string
	Status      FileStatus
	Attempts    int
	LastError   string
	CreatedAt   time.Time
	DeliveredAt time.Time // zero until delivered
	Claims      int       // how many claims it was built with
}

// FileFilter selects outbound files: of a payer and in a status ("" for
// any), before the file Before (the last id of the previous page).
type FileFilter struct {
	PayerID string
	Status  FileStatus
	Before  string
	Limit   int // 0 means 100, at most 1000
}

// ListFiles lists outbound files, newest first (by creation, then id),
// one page at a time.
func (l *Ledger) ListFiles(ctx context.Context, f FileFilter) ([]FileInfo, error) {
	return queryAll(ctx, l.db, "list files", `SELECT id, payer_id, isa13, name, status, attempts, last_error, created_at, delivered_at, claims FROM files
		WHERE ($1 = '' OR payer_id = $1) AND ($2 = '' OR status = $2)
			AND ($3 = '' OR created_at < (SELECT created_at FROM files WHERE id = $3)
				OR (created_at = (SELECT created_at FROM files WHERE id = $3) AND id < $3))
		ORDER BY created_at DESC, id DESC LIMIT $4`,
		[]any{f.PayerID, f.Status, f.Before, pageSize(f.Limit)}, func(row scanner) (FileInfo, error) {
			var fi FileInfo
			var created, delivered int64
			err := row.Scan(&fi.ID, &fi.PayerID, &fi.ISA13, &fi.Name, &fi.Status, &fi.Attempts, &fi.LastError, &created, &delivered, &fi.Claims)
			fi.CreatedAt, fi.DeliveredAt = fromMillis(created), fromMillisOrZero(delivered)
			return fi, err
		})
}
