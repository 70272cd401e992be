package ledger

import (
	"context"
	"fmt"
	"time"
)

// What the dashboard's Now page reads besides the claims by status: the
// counts of what needs a person, the pipeline's throughput, and each payer
// route's last delivery and pickup. Each is one query by an index.

// CountDeadLetters counts the queue messages parked as dead letters.
func (l *Ledger) CountDeadLetters(ctx context.Context) (int, error) {
	return l.count(ctx, "dead letters", `SELECT count(*) FROM dead_letters`)
}

// CountFiles counts the outbound files in a status.
func (l *Ledger) CountFiles(ctx context.Context, status FileStatus) (int, error) {
	return l.count(ctx, "files", `SELECT count(*) FROM files WHERE status = $1`, status)
}

func (l *Ledger) count(ctx context.Context, what, query string, args ...any) (int, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger: count %s: %w", what, err)
	}
	return n, nil
}

// Minute is one minute of the pipeline: the claims created (encounters
// recorded) and the claims delivered to payers in their files.
type Minute struct {
	At        time.Time // the minute's start, UTC
	Received  int
	Delivered int
}

// Throughput returns the minutes from since to now, oldest first, one for
// each minute (those with nothing at 0).
func (l *Ledger) Throughput(ctx context.Context, since, now time.Time) ([]Minute, error) {
	since, now = since.UTC().Truncate(time.Minute), now.UTC()
	var out []Minute
	for t := since; !t.After(now); t = t.Add(time.Minute) {
		out = append(out, Minute{At: t})
	}
	at := func(ms int64) *Minute {
		i := int((ms - since.UnixMilli()) / 60000)
		if i < 0 || i >= len(out) {
			return nil
		}
		return &out[i]
	}
	from := since.UnixMilli()
	err := queryEach(ctx, l.db, "throughput", `SELECT created_at / 60000, count(*) FROM claims WHERE created_at >= $1 GROUP BY created_at / 60000`,
		[]any{from}, func(row scanner) error {
			var minute int64
			var n int
			err := row.Scan(&minute, &n)
			if m := at(minute * 60000); m != nil {
				m.Received += n
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	err = queryEach(ctx, l.db, "throughput", `SELECT delivered_at / 60000, COALESCE(SUM(claims), 0) FROM files WHERE delivered_at >= $1 GROUP BY delivered_at / 60000`,
		[]any{from}, func(row scanner) error {
			var minute int64
			var n int
			err := row.Scan(&minute, &n)
			if m := at(minute * 60000); m != nil {
				m.Delivered += n
			}
			return err
		})
	return out, err
}

// RouteActivity is what a payer route did last: its last delivery and
// pickup, and its last error, from its newest files.
type RouteActivity struct {
	PayerID       string
	LastDelivery  time.Time // zero: none yet
	LastPickup    time.Time
	LastError     string    // the last delivery error among its newest 100 files, or a payer file among its newest 100 that failed
	LastErrorAt   time.Time // when the file with it was built or picked up
	LastErrorFile string    // an outbound file id or a payer file's sha256
}

// recentFiles is how many of a route's newest files its last error is
// looked for in: bounded, whatever the route's age.
const recentFiles = 100

// RouteActivity reads a payer route's last delivery, pickup and error.
func (l *Ledger) RouteActivity(ctx context.Context, payerID string) (*RouteActivity, error) {
	a := &RouteActivity{PayerID: payerID}
	var delivered, picked int64
	if err := l.db.QueryRowContext(ctx, `SELECT
			(SELECT COALESCE(MAX(delivered_at), 0) FROM files WHERE payer_id = $1),
			(SELECT COALESCE(MAX(received_at), 0) FROM inbound_files WHERE payer_id = $1)`, payerID).Scan(&delivered, &picked); err != nil {
		return nil, fmt.Errorf("ledger: route %s: %w", payerID, err)
	}
	a.LastDelivery, a.LastPickup = fromMillisOrZero(delivered), fromMillisOrZero(picked)
	err := queryEach(ctx, l.db, "route "+payerID+" errors", `SELECT id, last_error, created_at FROM (
			SELECT id, last_error, created_at FROM files WHERE payer_id = $1 ORDER BY isa13 DESC LIMIT $2) f
		WHERE last_error <> '' ORDER BY created_at DESC LIMIT 1`, []any{payerID, recentFiles}, func(row scanner) error {
		var at int64
		err := row.Scan(&a.LastErrorFile, &a.LastError, &at)
		a.LastErrorAt = fromMillis(at)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, queryEach(ctx, l.db, "route "+payerID+" failed files", `SELECT sha256, name, received_at FROM (
			SELECT sha256, name, status, received_at FROM inbound_files WHERE payer_id = $1 ORDER BY received_at DESC LIMIT $2) f
		WHERE status = 'failed' ORDER BY received_at DESC LIMIT 1`, []any{payerID, recentFiles}, func(row scanner) error {
		var sha, name string
		var at int64
		if err := row.Scan(&sha, &name, &at); err != nil {
			return err
		}
		if t := fromMillis(at); t.After(a.LastErrorAt) {
			a.LastError, a.LastErrorAt, a.LastErrorFile = "payer file "+name+" could not be applied", t, sha
		}
		return nil
	})
}
