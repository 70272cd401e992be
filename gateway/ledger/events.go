package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/claimsgw/claimsgw/x12/money"
)

// Event is what the gateway publishes on NATS when a claim changes status,
// so billing systems can follow their claims without polling. Each is
// written to the outbox (event_outbox) in the transaction of its change,
// and relayed from there (RelayEvents): at least once, never lost.
type Event struct {
	ClaimID     string `json:"claim_id"`
	EncounterID string `json:"encounter_id"`
	PCN         string `json:"patient_control_number"`
	PayerID     string `json:"payer_id"`
	// Responsibility is the payer's on the claim: P for the encounter's
	// payer, S or T for a secondary or tertiary claim.
	Responsibility string      `json:"responsibility"`
	Status         string      `json:"status"`
	From           string      `json:"from,omitempty"`
	Charge         money.Cents `json:"charge"`
	Paid           money.Cents `json:"paid"`
	Reason         string      `json:"reason,omitempty"`
	Source         string      `json:"source"` // intake, batcher, deliverer, TA1, 999, 277CA, 835, manual
	File           string      `json:"file,omitempty"`
	At             time.Time   `json:"at"`
	// Problems are an invalid claim's (intake): the scrubber's list of
	// {path, code, message, severity}. Revision is the encounter's, when
	// it was a correction (2 and up).
	Problems json.RawMessage `json:"problems,omitempty"`
	Revision int             `json:"revision,omitempty"`

	// Seq is the event's place in the outbox: it names its message
	// (Nats-Msg-Id), so a relay repeated after a crash stores it once.
	Seq int64 `json:"-"`
}

// outboxBatch collects event_outbox rows.
func (l *Ledger) outboxBatch() *rowBatch {
	return l.rowBatch("event_outbox", "claim_id, at, from_status, to_status, source_kind, source_file, reason, paid_cents, revision, problems", "")
}

// addEvent writes the event of a claim's move, as src tells it (its Paid
// included); problems and revision are an encounter's (intake).
func (b *rowBatch) addEvent(claimID string, at int64, from, to Status, src Source, revision int, problems []byte) {
	b.add(claimID, at, from, to, src.Kind, src.File, src.Reason, int64(src.Paid), revision, string(problems))
}

// relayBatch is how many events one RelayEvents call publishes at most:
// few calls, each one delete, keep the relay off the writer's back.
const relayBatch = 5000

// RelayEvents hands publish the oldest events of the outbox, in order,
// and deletes them once publish returns nil; it returns how many it
// relayed (0: none waiting). One relay runs at a time across replicas (on
// PostgreSQL a lock that a replica relaying holds and another skips), so
// billing systems get each claim's events in order. The lock is the
// ledger's schema's: ledgers in other schemas of the database (the tests')
// relay beside it.
func (l *Ledger) RelayEvents(ctx context.Context, publish func([]Event) error) (int, error) {
	if l.driver == SQLite {
		// One process, one relay: read, publish, then delete, without
		// holding the write lock while NATS answers.
		evs, err := l.pendingEvents(ctx, l.db)
		if err != nil || len(evs) == 0 {
			return 0, err
		}
		if err := publish(evs); err != nil {
			return 0, err
		}
		// Every id up to the last read is one of them: on SQLite ids are
		// handed out one writer at a time, in commit order.
		_, err = l.exec(ctx, `DELETE FROM event_outbox WHERE id <= $1`, evs[len(evs)-1].Seq)
		return len(evs), err
	}
	n := 0
	err := l.inTx(ctx, func(tx *sql.Tx) error {
		var mine bool
		if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock(7262851, hashtext(current_schema()))`).Scan(&mine); err != nil || !mine {
			return err // another replica relays
		}
		evs, err := l.pendingEvents(ctx, tx)
		if err != nil || len(evs) == 0 {
			return err
		}
		if err := publish(evs); err != nil {
			return err
		}
		n = len(evs)
		return deleteEvents(ctx, tx, evs)
	})
	return n, err
}

func (l *Ledger) pendingEvents(ctx context.Context, r runner) ([]Event, error) {
	return queryAll(ctx, r, "event outbox", `SELECT o.id, o.claim_id, c.encounter_id, c.pcn, c.payer_id, c.responsibility, c.charge_cents,
		o.from_status, o.to_status, o.source_kind, o.source_file, o.reason, o.paid_cents, o.revision, o.problems, o.at
		FROM event_outbox o JOIN claims c ON c.id = o.claim_id ORDER BY o.id LIMIT $1`, []any{relayBatch}, func(row scanner) (Event, error) {
		var ev Event
		var charge, paid, at int64
		var problems string
		err := row.Scan(&ev.Seq, &ev.ClaimID, &ev.EncounterID, &ev.PCN, &ev.PayerID, &ev.Responsibility, &charge,
			&ev.From, &ev.Status, &ev.Source, &ev.File, &ev.Reason, &paid, &ev.Revision, &problems, &at)
		ev.Charge, ev.Paid, ev.At = money.Cents(charge), money.Cents(paid), fromMillis(at)
		if problems != "" {
			ev.Problems = json.RawMessage(problems)
		}
		return ev, err
	})
}

// deleteEvents deletes the events relayed, on PostgreSQL, by id: an event
// committed since they were read may have an id between theirs.
func deleteEvents(ctx context.Context, tx *sql.Tx, evs []Event) error {
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		ids[i] = ev.Seq
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM event_outbox WHERE id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("ledger: event outbox: %w", err)
	}
	return nil
}

// PendingEvents counts the events waiting in the outbox.
func (l *Ledger) PendingEvents(ctx context.Context) (int, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT count(*) FROM event_outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger: event outbox: %w", err)
	}
	return n, nil
}
