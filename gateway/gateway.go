// Package gateway is what the pipeline's stages share: their Options, the
// queue worker they process messages with, the claim events they publish
// and the hand-off of converted claims from intake to the batcher.
//
// Each stage is a package of its own with one type whose Run(ctx) error
// owns its goroutines (docs/gateway.md has the code map):
//
//	intake   encounters from NATS, scrubbed and recorded
//	batch    837 files per payer
//	deliver  the files put on the payers' SFTP servers
//	pickup   what payers send back, archived and queued
//	inbound  TA1, 999, 277CA, 277 and 835 applied to the claims
//
// gateway/daemon starts them. Every stage keeps its state in the ledger
// and acks a queue message only after its effect is committed, so several
// replicas can share the work and a crash at any point loses and
// duplicates nothing.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/queue"
)

// Options are what every stage runs on.
type Options struct {
	Config *config.Config
	Ledger *ledger.Ledger
	JS     jetstream.JetStream
	Names  queue.Names // subjects and streams; the zero value means queue.Default
	Log    zerolog.Logger
	// Events relays the claim events the ledger writes with each change;
	// nil means one that is not started: the stages' Nudges do nothing,
	// and its Flush relays what waits (tests, commands).
	Events *Events
	// Handoff passes the claims intake converted to the batcher; nil
	// means a new one.
	Handoff *Handoff
	// Metrics, when set, counts what the stages do.
	Metrics Metrics
	Now     func() time.Time
	// Tick is how often the batcher and the poller look for work; 0 means
	// one second. A payer's poll interval still bounds how often its
	// server is listed.
	Tick time.Duration
	// MaxDeliver and Backoff tune the queue workers (0/nil: the queue's
	// defaults).
	MaxDeliver int
	Backoff    []time.Duration
	// OrderWait is how long a payer file with a CLP that cannot be posted
	// yet (a reversal before the payment it reverses) waits for the file
	// that must come first before the CLP becomes an exception; 0 means
	// the config's inbound.order_wait.
	OrderWait time.Duration

	payers map[string]*config.Payer
}

// Defaults checks the options and fills in what was left out.
func (o Options) Defaults() (Options, error) {
	if o.Config == nil || o.Ledger == nil {
		return o, errors.New("gateway: config and ledger are required")
	}
	if o.Names == (queue.Names{}) {
		o.Names = queue.Default
	}
	if o.Events == nil {
		o.Events = NewEvents(o.Ledger, o.JS, o.Names, o.Log)
	}
	if o.Handoff == nil {
		o.Handoff = &Handoff{}
	}
	if o.Metrics == nil {
		o.Metrics = noMetrics{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	if o.MaxDeliver <= 0 {
		o.MaxDeliver = queue.DefaultMaxDeliver
	}
	if o.OrderWait <= 0 {
		o.OrderWait = o.Config.Inbound.OrderWait.Duration
	}
	if o.payers == nil {
		o.payers = map[string]*config.Payer{}
		for i := range o.Config.Payers {
			p := &o.Config.Payers[i]
			o.payers[p.PayerID] = p
		}
	}
	return o, nil
}

// Payer is a payer's trading partner route, nil when there is none.
func (o Options) Payer(id string) *config.Payer { return o.payers[id] }

// Worker returns a queue worker on one of the gateway's streams: a message
// that keeps failing is parked in the ledger's dead letters.
func (o Options) Worker(stream, consumer string, handle func(context.Context, *queue.Message) error) *queue.Worker {
	return &queue.Worker{
		JS: o.JS, Stream: o.Names.Stream(stream), Consumer: consumer, Handler: handle,
		DeadLetter: func(ctx context.Context, m *queue.Message, err error) error {
			o.Metrics.DeadLetter(stream)
			return o.Ledger.ParkDeadLetter(ctx, ledger.DeadLetter{Stream: stream, Subject: m.Subject, MsgID: m.MsgID, Data: m.Data, Error: err.Error()})
		},
		MaxDeliver: o.MaxDeliver, Backoff: o.Backoff, Log: o.Log,
	}
}

// Stage is a named part of the pipeline that runs until its context ends.
type Stage struct {
	Name string
	Run  func(ctx context.Context) error
}

// RunAll runs stages until ctx ends or one of them fails; a failure stops
// the others, and the first is returned, named by its stage (when it has
// a name).
func RunAll(ctx context.Context, stages ...Stage) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(stages))
	for _, s := range stages {
		wg.Go(func() {
			if err := s.Run(ctx); err != nil && ctx.Err() == nil {
				if s.Name != "" {
					err = fmt.Errorf("%s: %w", s.Name, err)
				}
				errs <- err
				cancel()
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// Metrics is what the stages report; gateway/metrics implements it.
type Metrics interface {
	Encounter(outcome string)
	FileBuilt(payer string, claims int)
	Delivery(payer, outcome string, d time.Duration)
	InboundFile(payer, kind string)
	RefusedFile(payer, reason string)
	DeadLetter(stream string)
}

type noMetrics struct{}

func (noMetrics) Encounter(string)                       {}
func (noMetrics) FileBuilt(string, int)                  {}
func (noMetrics) Delivery(string, string, time.Duration) {}
func (noMetrics) InboundFile(string, string)             {}
func (noMetrics) RefusedFile(string, string)             {}
func (noMetrics) DeadLetter(string)                      {}

// Dialer is a stage's dial, or, when nil, DialSFTP as the stage's view T
// of a payer's server (deliver.Outbox, pickup.Inbox).
func Dialer[T any](dial func(ctx context.Context, p *config.Payer) (T, error)) func(ctx context.Context, p *config.Payer) (T, error) {
	if dial != nil {
		return dial
	}
	return func(ctx context.Context, p *config.Payer) (T, error) {
		var view T
		c, err := DialSFTP(ctx, p)
		if err == nil {
			view = any(c).(T)
		}
		return view, err
	}
}

// DialSFTP connects to a payer's SFTP server as its route says.
func DialSFTP(ctx context.Context, p *config.Payer) (*transfer.Client, error) {
	s := p.SFTP
	return transfer.Dial(ctx, transfer.Endpoint{
		Host: s.Host, Port: s.Port, User: s.User, PrivateKeyFile: s.Auth.PrivateKeyFile, Password: string(s.Auth.Password),
		HostKey: s.HostKey, KnownHostsFile: s.KnownHostsFile,
	})
}
