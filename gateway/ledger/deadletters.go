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

// DeadLetters lists parked messages, newest first, with ids below before
// (0 for the first page).
func (l *Ledger) DeadLetters(ctx context.Context, before int64, limit int) ([]DeadLetter, error) {
	dls, _, err := l.deadLetters(ctx, true, before, limit)
	return dls, err
}

// DeadLetterInfo describes a parked message without its data, which may
// hold PHI: what the HTTP API lists.
type DeadLetterInfo struct {
	ID      int64     `json:"id"`
	Stream  string    `json:"stream"`
	Subject string    `json:"subject"`
	MsgID   string    `json:"msg_id"`
	Error   string    `json:"error"`
	At      time.Time `json:"at"`
	Size    int       `json:"size"` // bytes of data
}

// DeadLetterInfos lists parked messages like DeadLetters, never reading
// their data.
func (l *Ledger) DeadLetterInfos(ctx context.Context, before int64, limit int) ([]DeadLetterInfo, error) {
	dls, sizes, err := l.deadLetters(ctx, false, before, limit)
	out := make([]DeadLetterInfo, len(dls))
	for i, d := range dls {
		out[i] = DeadLetterInfo{ID: d.ID, Stream: d.Stream, Subject: d.Subject, MsgID: d.MsgID, Error: d.Error, At: d.At, Size: sizes[i]}
	}
	return out, err
}

// deadLetters reads a page of dead letters and the size of each one's
// data, with the data itself or without.
func (l *Ledger) deadLetters(ctx context.Context, withData bool, before int64, limit int) ([]DeadLetter, []int, error) {
	if before <= 0 {
		before = 1 << 62
	}
	data := "NULL"
	if withData {
		data = "data"
	}
	var sizes []int
	dls, err := queryAll(ctx, l.db, "dead letters", `SELECT id, stream, subject, msg_id, length(data), `+data+`, error, at FROM dead_letters
		WHERE id < $1 ORDER BY id DESC LIMIT $2`, []any{before, limit}, func(row scanner) (DeadLetter, error) {
		var d DeadLetter
		var size int
		var at int64
		err := row.Scan(&d.ID, &d.Stream, &d.Subject, &d.MsgID, &size, &d.Data, &d.Error, &at)
		d.At = fromMillis(at)
		sizes = append(sizes, size)
		return d, err
	})
	return dls, sizes, err
}
