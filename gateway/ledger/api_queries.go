package ledger

import (
	"context"
	"fmt"
	"time"
)

// DeadLetterInfo describes a parked message without its data, which may
// hold PHI: what the HTTP API lists.
type DeadLetterInfo struct {
	ID      int64
	Stream  string
	Subject string
	MsgID   string
	Error   string
	Size    int // bytes of data
	At      time.Time
}

// DeadLetterInfos lists parked messages like DeadLetters, newest first,
// with ids below before (0 for the first page), never reading their data.
func (l *Ledger) DeadLetterInfos(ctx context.Context, before int64, limit int) ([]DeadLetterInfo, error) {
	if before <= 0 {
		before = 1 << 62
	}
	rows, err := l.db.QueryContext(ctx, `SELECT id, stream, subject, msg_id, error, length(data), at FROM dead_letters
		WHERE id < $1 ORDER BY id DESC LIMIT $2`, before, limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: dead letters: %w", err)
	}
	defer rows.Close()
	var out []DeadLetterInfo
	for rows.Next() {
		var d DeadLetterInfo
		var at int64
		if err := rows.Scan(&d.ID, &d.Stream, &d.Subject, &d.MsgID, &d.Error, &d.Size, &at); err != nil {
			return nil, fmt.Errorf("ledger: dead letters: %w", err)
		}
		d.At = time.UnixMilli(at)
		out = append(out, d)
	}
	return out, rows.Err()
}
