// Package gateway is the pipeline the daemon runs: intake of encounters
// from NATS, the batcher that builds 837 files, the deliverer that puts
// them on the payers' SFTP servers, the poller that picks up what payers
// send back, and the processor that applies those files to the ledger.
// Every stage keeps its state in the ledger and acks a queue message only
// after its effect is committed, so several replicas can share the work
// and a crash at any point loses and duplicates nothing.
package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Options are what a Gateway runs on.
type Options struct {
	Config *config.Config
	Ledger *ledger.Ledger
	JS     jetstream.JetStream
	Names  queue.Names // subjects and streams; the zero value means queue.Default
	Log    zerolog.Logger

	// Dial connects to a payer's SFTP server; nil means DialSFTP.
	Dial func(ctx context.Context, p *config.Payer) (Remote, error)
	// Tick is how often the batcher and the poller look for work; 0 means
	// one second. A payer's poll interval still bounds how often its server
	// is listed.
	Tick time.Duration
	// MaxDeliver and Backoff tune the queue workers (0/nil: the queue's
	// defaults).
	MaxDeliver int
	Backoff    []time.Duration
	// MaxInboundSize refuses payer files larger than this; 0 means 64 MiB.
	MaxInboundSize int64
	// ICD10CM and HCPCS make the scrubber's code checks exact (nil: the
	// structure is checked).
	ICD10CM, HCPCS *encounter.CodeSet
	// Metrics, when set, counts what the stages do.
	Metrics Metrics
	Now     func() time.Time
}

// Metrics is what the stages report; gateway/metrics implements it.
type Metrics interface {
	Encounter(outcome string)
	FileBuilt(payer string, claims int)
	Delivery(payer, outcome string, d time.Duration)
	InboundFile(payer, kind string)
	DeadLetter(stream string)
}

// Remote is a payer's SFTP server as the stages use it.
type Remote interface {
	Stage(ctx context.Context, dir, name string, data []byte) (tmp string, err error)
	Publish(ctx context.Context, dir, tmp, name string, size int64) error
	List(ctx context.Context, dir string) ([]transfer.RemoteFile, error)
	Fetch(ctx context.Context, dir, name string, maxSize int64) ([]byte, error)
	Remove(ctx context.Context, dir, name string) error
	Move(ctx context.Context, dir, name, toDir string) error
	Close() error
}

// Gateway runs the stages.
type Gateway struct {
	o      Options
	cfg    *config.Config
	led    *ledger.Ledger
	js     jetstream.JetStream
	names  queue.Names
	log    zerolog.Logger
	payers map[string]*config.Payer
	ready  handoff // claims converted at intake, for the batcher

	events       chan []Event // to Run's publisher, while eventsHanded
	eventsHanded atomic.Bool
}

// New checks the options and returns a Gateway ready to Run.
func New(o Options) (*Gateway, error) {
	if o.Config == nil || o.Ledger == nil || o.JS == nil {
		return nil, errors.New("gateway: config, ledger and JetStream are required")
	}
	if o.Names == (queue.Names{}) {
		o.Names = queue.Default
	}
	if o.Dial == nil {
		o.Dial = DialSFTP
	}
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	if o.MaxInboundSize <= 0 {
		o.MaxInboundSize = 64 << 20
	}
	if o.Metrics == nil {
		o.Metrics = noMetrics{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	g := &Gateway{o: o, cfg: o.Config, led: o.Ledger, js: o.JS, names: o.Names, log: o.Log, payers: map[string]*config.Payer{},
		events: make(chan []Event, 256)}
	for i := range o.Config.Payers {
		p := &o.Config.Payers[i]
		g.payers[p.PayerID] = p
	}
	return g, nil
}

// Run sets up the streams and runs every stage until ctx ends or one fails.
func (g *Gateway) Run(ctx context.Context) error {
	if err := g.names.Setup(ctx, g.js, max(1, g.cfg.NATS.Replicas)); err != nil {
		return fmt.Errorf("gateway: streams: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	run := func(name string, f func(context.Context) error) {
		wg.Go(func() {
			if err := f(ctx); err != nil && ctx.Err() == nil {
				errs <- fmt.Errorf("gateway: %s: %w", name, err)
				cancel()
			}
		})
	}
	// Several intake workers on the one consumer: while one waits for the
	// ledger's write lock (held by another, or by the batcher storing a
	// file), the others scrub their batches.
	for range intakeWorkers {
		run("intake", g.intakeWorker().Run)
	}
	run("batcher", g.runBatcher)
	run("deliverer", g.deliverWorker().Run)
	run("poller", g.runPoller)
	run("inbound", g.inboundWorker().Run)
	// The stages hand their events to one publisher and go on: they wait
	// for NATS to take them only when it lags 256 batches behind. It
	// publishes what they handed over before Run returns, for up to 10 s
	// once they have stopped.
	published := make(chan struct{})
	pubCtx, stopPublishing := context.WithCancel(context.WithoutCancel(ctx))
	defer stopPublishing()
	go func() {
		defer close(published)
		for events := range g.events {
			bctx, cancel := context.WithTimeout(pubCtx, 30*time.Second)
			g.publishNow(bctx, events)
			cancel()
		}
	}()
	g.eventsHanded.Store(true)
	g.log.Info().Int("payers", len(g.payers)).Msg("gateway running")
	wg.Wait()
	g.eventsHanded.Store(false)
	close(g.events)
	drain := time.AfterFunc(10*time.Second, stopPublishing)
	<-published
	drain.Stop()
	close(errs)
	return <-errs
}

// worker returns a queue worker on one of the gateway's streams.
func (g *Gateway) worker(stream, consumer string, handle func(context.Context, *queue.Message) error) *queue.Worker {
	return &queue.Worker{
		JS: g.js, Stream: g.names.Stream(stream), Consumer: consumer, Handler: handle,
		DeadLetter: func(ctx context.Context, m *queue.Message, err error) error {
			g.o.Metrics.DeadLetter(stream)
			return g.led.ParkDeadLetter(ctx, ledger.DeadLetter{Stream: stream, Subject: m.Subject, MsgID: m.MsgID, Data: m.Data, Error: err.Error()})
		},
		MaxDeliver: g.o.MaxDeliver, Backoff: g.o.Backoff, Log: g.log,
	}
}

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
	Source      string      `json:"source"` // intake, batcher, deliverer, TA1, 999, 277CA, 835
	File        string      `json:"file,omitempty"`
	At          time.Time   `json:"at"`
}

// publishEvents publishes claim events after the change they tell of is
// committed: while Run runs, by handing them to its publisher, in order
// (only the stages call it then: Run closes the hand-over when they stop).
// A failure is logged, not returned: the ledger has the truth, and the API
// serves it.
func (g *Gateway) publishEvents(ctx context.Context, events []Event) {
	if len(events) == 0 {
		return
	}
	if g.eventsHanded.Load() {
		select {
		case g.events <- events:
		default: // the publisher lags: wait for room, unless the stage is stopping
			select {
			case g.events <- events:
			case <-ctx.Done():
				g.log.Warn().Int("events", len(events)).Msg("claim events not published: stopping while NATS lags")
			}
		}
		return
	}
	g.publishNow(ctx, events)
}

func (g *Gateway) publishNow(ctx context.Context, events []Event) {
	msgs := make([]queue.Outgoing, 0, len(events))
	for _, e := range events {
		subject, err := g.names.ClaimEvent(e.Status)
		if err != nil {
			g.log.Warn().Err(err).Str("claim_id", e.ClaimID).Str("status", e.Status).Msg("claim event not published")
			continue
		}
		data, _ := json.Marshal(e) // an Event always marshals
		msgs = append(msgs, queue.Outgoing{Subject: subject, MsgID: fmt.Sprintf("event:%s:%s:%d:%d", e.ClaimID, e.Status, e.At.UnixNano(), len(msgs)), Data: data})
	}
	if _, err := queue.PublishAll(ctx, g.js, msgs); err != nil {
		g.log.Warn().Err(err).Int("events", len(msgs)).Msg("claim events not published")
	}
}

// claimEvent makes the event for a claim that just moved.
func (g *Gateway) claimEvent(c *ledger.Claim, from ledger.Status, to ledger.Status, src ledger.Source, paid money.Cents) Event {
	return newEvent(g.o.Now(), c, from, to, src, paid)
}

func newEvent(at time.Time, c *ledger.Claim, from ledger.Status, to ledger.Status, src ledger.Source, paid money.Cents) Event {
	return Event{
		ClaimID: c.ID, EncounterID: c.EncounterID, PCN: c.PCN, PayerID: c.PayerID, Status: string(to), From: string(from),
		Charge: c.Charge, Paid: paid, Reason: src.Reason, Source: src.Kind, File: src.File, At: at.UTC(),
	}
}

// DialSFTP connects to a payer's SFTP server as its route says.
func DialSFTP(ctx context.Context, p *config.Payer) (Remote, error) {
	s := p.SFTP
	return transfer.Dial(ctx, transfer.Endpoint{
		Host: s.Host, Port: s.Port, User: s.User, PrivateKeyFile: s.Auth.PrivateKeyFile, Password: string(s.Auth.Password),
		HostKey: s.HostKey, KnownHostsFile: s.KnownHostsFile,
	})
}

type noMetrics struct{}

func (noMetrics) Encounter(string)                       {}
func (noMetrics) FileBuilt(string, int)                  {}
func (noMetrics) Delivery(string, string, time.Duration) {}
func (noMetrics) InboundFile(string, string)             {}
func (noMetrics) DeadLetter(string)                      {}
