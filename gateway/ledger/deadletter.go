package ledger

import (
	"context"
	"fmt"
	"time"
)

// DeadLetter is a queue message that could not be processed, parked with
// its error so that nothing is dropped.
type DeadLetter struct {
	ID      int64
	Stream  string
	Subject string
	MsgID   string
	Data    []byte
	Error   string // never PHI: the stage's error, not the message content
	At      time.Time
}

// ParkDeadLetter stores a message that keeps failing.
func (l *Ledger) ParkDeadLetter(ctx context.Context, d DeadLetter) error {
	_, err := l.exec(ctx, `INSERT INTO dead_letters (stream, subject, msg_id, data, error, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		d.Stream, d.Subject, d.MsgID, d.Data, d.Error, l.millis())
	if err != nil {
		return fmt.Errorf("ledger: dead letter: %w", err)
	}
	return nil
}

// DeadLetters lists parked messages, newest first, after the id given (0
// for the first page).
func (l *Ledger) DeadLetters(ctx context.Context, before int64, limit int) ([]DeadLetter, error) {
	if before <= 0 {
		before = 1 << 62
	}
	rows, err := l.db.QueryContext(ctx, `SELECT id, stream, subject, msg_id, data, error, at FROM dead_letters
		WHERE id < $1 ORDER BY id DESC LIMIT $2`, before, limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: dead letters: %w", err)
	}
	defer rows.Close()
	var out []DeadLetter
	for rows.Next() {
		var d DeadLetter
		var at int64
		if err := rows.Scan(&d.ID, &d.Stream, &d.Subject, &d.MsgID, &d.Data, &d.Error, &at); err != nil {
			return nil, fmt.Errorf("ledger: dead letters: %w", err)
		}
		d.At = time.UnixMilli(at)
		out = append(out, d)
	}
	return out, rows.Err()
}
