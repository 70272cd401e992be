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
	"github.com/claimsgw/claimsgw/x12/money"
)

// Event is what the gateway publishes on NATS when a claim changes status,
// so billing systems can follow their claims without polling.
type Event struct {
	ClaimID     string      `json:"claim_id"`
	EncounterID string      `json:"encounter_id"`
	PCN         string      `json:"patient_control_number"`
	PayerID     string      `json:"payer_id"`
	Status      string      `json:"status"`
	From        string      `json:"from,omitempty"`
	Charge      money.Cents `json:"charge"`
	Paid        money.Cents `json:"paid"`
	Reason      string      `json:"reason,omitempty"`
	Source      string      `json:"source"` // intake, batcher, deliverer, TA1, 999, 277CA, 835, manual
	File        string      `json:"file,omitempty"`
	At          time.Time   `json:"at"`
	// Problems are an invalid claim's (intake): the scrubber's list of
	// {path, code, message, severity}. Revision is the encounter's, when
	// it was a correction (2 and up).
	Problems json.RawMessage `json:"problems,omitempty"`
	Revision int             `json:"revision,omitempty"`
}

// NewEvent is the event of a claim that moved at a time.
func NewEvent(at time.Time, c *ledger.Claim, from, to ledger.Status, src ledger.Source, paid money.Cents) Event {
	return Event{
		ClaimID: c.ID, EncounterID: c.EncounterID, PCN: c.PCN, PayerID: c.PayerID, Status: string(to), From: string(from),
		Charge: c.Charge, Paid: paid, Reason: src.Reason, Source: src.Kind, File: src.File, At: at.UTC(),
	}
}

// Events publishes claim events after the change they tell of is
// committed. Between Start and Stop the stages hand their events to one
// publisher and go on: they wait for NATS only when it lags 256 batches
// behind. Otherwise (a command, a test) each Publish publishes at once. A
// failure is logged, not returned: the ledger has the truth, and the API
// serves it.
type Events struct {
	js    jetstream.JetStream
	names queue.Names
	log   zerolog.Logger

	mu      sync.RWMutex
	handing bool
	ch      chan []Event
	done    chan struct{}
	stop    context.CancelFunc
}

// NewEvents returns a publisher of claim events; a nil js publishes none
// (a command without NATS), and says so in the log.
func NewEvents(js jetstream.JetStream, names queue.Names, log zerolog.Logger) *Events {
	if names == (queue.Names{}) {
		names = queue.Default
	}
	return &Events{js: js, names: names, log: log}
}

// Start starts the publisher the stages hand their events to.
func (e *Events) Start() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.handing {
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	e.ch, e.done, e.stop, e.handing = make(chan []Event, 256), make(chan struct{}), stop, true
	go func() {
		defer close(e.done)
		for events := range e.ch {
			bctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			e.publish(bctx, events)
			cancel()
		}
	}()
}

// Stop publishes what was handed over, for up to 10 s, and ends the
// publisher; Publish publishes at once again after it.
func (e *Events) Stop() {
	e.mu.Lock()
	if !e.handing {
		e.mu.Unlock()
		return
	}
	e.handing = false
	close(e.ch)
	e.mu.Unlock()
	drain := time.AfterFunc(10*time.Second, e.stop)
	<-e.done
	drain.Stop()
	e.stop()
}

// Publish publishes events, in order, once what they tell of is
// committed.
func (e *Events) Publish(ctx context.Context, events []Event) {
	if len(events) == 0 {
		return
	}
	e.mu.RLock()
	if e.handing {
		defer e.mu.RUnlock()
		select {
		case e.ch <- events:
		default: // the publisher lags: wait for room, unless the stage is stopping
			select {
			case e.ch <- events:
			case <-ctx.Done():
				e.log.Warn().Int("events", len(events)).Msg("claim events not published: stopping while NATS lags")
			}
		}
		return
	}
	e.mu.RUnlock()
	e.publish(ctx, events)
}

func (e *Events) publish(ctx context.Context, events []Event) {
	if e.js == nil {
		e.log.Warn().Int("events", len(events)).Msg("claim events not published: no NATS connection")
		return
	}
	msgs := make([]queue.Outgoing, 0, len(events))
	for _, ev := range events {
		subject, err := e.names.ClaimEvent(ev.Status)
		if err != nil {
			e.log.Warn().Err(err).Str("claim_id", ev.ClaimID).Str("status", ev.Status).Msg("claim event not published")
			continue
		}
		data, _ := json.Marshal(ev) // an Event always marshals
		msgs = append(msgs, queue.Outgoing{Subject: subject, MsgID: fmt.Sprintf("event:%s:%s:%d:%d", ev.ClaimID, ev.Status, ev.At.UnixNano(), len(msgs)), Data: data})
	}
	if _, err := queue.PublishAll(ctx, e.js, msgs); err != nil {
		e.log.Warn().Err(err).Int("events", len(msgs)).Msg("claim events not published")
	}
}
