package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/queue"
)

// Events relays the claim events from the ledger's outbox to NATS: each
// event is written with the change it tells of, in its transaction, and
// deleted from the outbox once JetStream has stored it, so a crash, a
// NATS failover or a full disk delays events but loses none (at least
// once: the message id, the event's place in the outbox, makes a repeat
// harmless). Between Start and Stop it relays whenever a stage says it
// committed a change (Nudge), and every second; a failure is logged and
// tried again with backoff.
type Events struct {
	ledger *ledger.Ledger
	js     jetstream.JetStream
	names  queue.Names
	log    zerolog.Logger

	mu    sync.Mutex
	nudge chan struct{}
	stop  chan struct{}
	done  chan struct{}
}

// NewEvents returns the relay of a ledger's events; a nil js relays none
// (a command without NATS): they wait in the outbox for a daemon.
func NewEvents(l *ledger.Ledger, js jetstream.JetStream, names queue.Names, log zerolog.Logger) *Events {
	if names == (queue.Names{}) {
		names = queue.Default
	}
	return &Events{ledger: l, js: js, names: names, log: log}
}

// Start starts relaying.
func (e *Events) Start() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.js == nil || e.stop != nil {
		return
	}
	e.nudge, e.stop, e.done = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
	go e.run(e.nudge, e.stop, e.done)
}

// Stop relays what waits, for up to 10 s, and stops relaying: what is left
// is relayed at the next start, by this replica or another.
func (e *Events) Stop() {
	e.mu.Lock()
	stop, done := e.stop, e.done
	e.stop = nil
	e.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-done
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Flush(ctx); err != nil {
		e.log.Warn().Err(err).Msg("claim events left in the outbox at stop; relayed at the next start")
	}
}

// Nudge says a change was committed: its events are relayed soon.
func (e *Events) Nudge() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.nudge != nil {
		select {
		case e.nudge <- struct{}{}:
		default: // one is pending already
		}
	}
}

func (e *Events) run(nudge, stop, done chan struct{}) {
	defer close(done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-stop; cancel() }()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	wait := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-nudge:
		case <-t.C:
		}
		// Events gather for a moment: a relay of many costs the ledger's
		// writer little more than a relay of one.
		select {
		case <-ctx.Done():
			return
		case <-time.After(relayGather):
		}
		if err := e.Flush(ctx); err != nil && ctx.Err() == nil {
			wait = min(max(2*wait, 100*time.Millisecond), 30*time.Second)
			e.log.Warn().Err(err).Dur("retry_in", wait).Msg("claim events not relayed yet; they wait in the outbox")
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			continue
		}
		wait = 0
	}
}

// relayGather is how long the relay lets events gather after a nudge.
const relayGather = 100 * time.Millisecond

// Flush relays every event waiting in the outbox (and those written
// meanwhile) and returns the first failure.
func (e *Events) Flush(ctx context.Context) error {
	if e.js == nil {
		return nil
	}
	for {
		// A bound on each pass: an acknowledgement lost with a NATS
		// connection would leave the pass (and on PostgreSQL its lock)
		// waiting.
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		n, err := e.ledger.RelayEvents(pctx, func(events []ledger.Event) error { return e.publish(pctx, events) })
		cancel()
		if err != nil || n == 0 {
			return err
		}
	}
}

// publish publishes events, in order, and waits until JetStream has them.
func (e *Events) publish(ctx context.Context, events []ledger.Event) error {
	msgs := make([]queue.Outgoing, 0, len(events))
	for _, ev := range events {
		subject, err := e.names.ClaimEvent(ev.Status)
		if err != nil {
			// No subject can name it (not a status of the ledger's): it
			// can never be published, and must not hold back the others.
			// The claim's history has the change.
			e.log.Error().Err(err).Str("claim_id", ev.ClaimID).Msg("claim event not publishable: left out")
			continue
		}
		data, _ := json.Marshal(ev) // an Event always marshals
		msgs = append(msgs, queue.Outgoing{Subject: subject, MsgID: fmt.Sprintf("event:%s:%s:%d:%d", ev.ClaimID, ev.Status, ev.At.UnixMilli(), ev.Seq), Data: data})
	}
	_, err := queue.PublishAll(ctx, e.js, msgs)
	return err
}
