// Package daemon starts what `claimsgw serve` runs: NATS (an embedded
// server, or a connection to a cluster), the ledger, the gateway's stages
// and the HTTP API, and stops them in order.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/metrics"
	"github.com/claimsgw/claimsgw/queue"
)

// Options tune a daemon beyond its config, for the demo and tests.
type Options struct {
	Log zerolog.Logger
	// Gateway overrides; zero values keep the gateway's defaults.
	Dial       func(ctx context.Context, p *config.Payer) (gateway.Remote, error)
	Tick       time.Duration
	MaxDeliver int
	Backoff    []time.Duration
}

// Daemon is a running gateway.
type Daemon struct {
	Config  *config.Config
	Ledger  *ledger.Ledger
	Conn    *nats.Conn
	JS      jetstream.JetStream
	Names   queue.Names
	Addr    string // the HTTP API's address
	Gateway *gateway.Gateway

	nats   *queue.Server // nil when connected to an external server
	http   *http.Server
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// Start brings a daemon up. It returns once the stages run and the API
// listens; Wait tells when it stops, Close stops it.
func Start(ctx context.Context, cfg *config.Config, o Options) (_ *Daemon, err error) {
	d := &Daemon{Config: cfg, Names: queue.Default, done: make(chan error, 1)}
	defer func() {
		if err != nil {
			d.closeParts()
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	urls := cfg.NATS.URLs
	if len(urls) == 0 {
		var opts []queue.EmbeddedOption
		if cfg.NATS.Port != 0 {
			opts = append(opts, queue.WithPort(cfg.NATS.Port))
		}
		d.nats, err = queue.StartEmbedded(filepath.Join(cfg.DataDir, "nats"), opts...)
		if err != nil {
			return nil, err
		}
		urls = []string{d.nats.ClientURL()}
		o.Log.Info().Str("url", d.nats.ClientURL()).Msg("embedded NATS started")
	}
	d.Conn, err = queue.Connect(urls, queue.ConnectOptions{Name: "claimsgw", CredsFile: cfg.NATS.CredentialsFile, NKeySeedFile: cfg.NATS.NKeySeedFile,
		CAFile: cfg.NATS.TLS.CAFile, CertFile: cfg.NATS.TLS.CertFile, KeyFile: cfg.NATS.TLS.KeyFile})
	if err != nil {
		return nil, err
	}
	if d.JS, err = jetstream.New(d.Conn); err != nil {
		return nil, err
	}
	if d.Ledger, err = ledger.Open(ctx, cfg.Ledger.Driver, string(cfg.Ledger.DSN)); err != nil {
		return nil, err
	}
	gopts := gateway.Options{Config: cfg, Ledger: d.Ledger, JS: d.JS, Names: d.Names, Log: o.Log,
		Dial: o.Dial, Tick: o.Tick, MaxDeliver: o.MaxDeliver, Backoff: o.Backoff}
	if gopts.ICD10CM, err = loadCodeSet(cfg.CodeSets.ICD10CM); err != nil {
		return nil, err
	}
	if gopts.HCPCS, err = loadCodeSet(cfg.CodeSets.HCPCS); err != nil {
		return nil, err
	}
	m := metrics.New(d.Ledger.CountByStatus, func(ctx context.Context) (map[string]uint64, error) { return d.Names.Lag(ctx, d.JS) })
	gopts.Metrics = metricsAdapter{m}
	if d.Gateway, err = gateway.New(gopts); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return nil, fmt.Errorf("HTTP API: %w", err)
	}
	d.Addr = ln.Addr().String()
	d.http = &http.Server{Handler: api.New(d.Ledger, d, api.Options{Ready: d.ready, Metrics: m.Handler(), Log: o.Log, Tokens: cfg.HTTP.Tokens}), ReadHeaderTimeout: 10 * time.Second}
	go d.http.Serve(ln)

	runCtx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	go func() { d.done <- d.Gateway.Run(runCtx) }()
	o.Log.Info().Str("api", d.Addr).Msg("claimsgw serving")
	return d, nil
}

// SubmitEncounter publishes an encounter to the intake stream: the API's
// POST /v1/encounters.
func (d *Daemon) SubmitEncounter(ctx context.Context, raw []byte) (string, bool, error) {
	return gateway.Submit(ctx, d.JS, d.Names, raw)
}

func (d *Daemon) ready(ctx context.Context) error {
	if !d.Conn.IsConnected() {
		return errors.New("NATS is not connected")
	}
	_, err := d.Ledger.CountOpenExceptions(ctx)
	return err
}

// Wait blocks until the stages stop and returns why.
func (d *Daemon) Wait() error {
	err := <-d.done
	d.done <- err
	return err
}

// Close stops the daemon in order: the stages finish the message in hand
// (and the batcher its file), then the API, the ledger and NATS close.
func (d *Daemon) Close() error {
	var err error
	d.once.Do(func() {
		if d.cancel != nil {
			d.cancel()
			err = d.Wait()
		}
		d.closeParts()
	})
	return err
}

func (d *Daemon) closeParts() {
	if d.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		d.http.Shutdown(ctx)
		cancel()
	}
	if d.Ledger != nil {
		d.Ledger.Close()
	}
	if d.Conn != nil {
		d.Conn.Drain()
		d.Conn.Close()
	}
	if d.nats != nil {
		d.nats.Shutdown()
	}
}

func loadCodeSet(path string) (*encounter.CodeSet, error) {
	if path == "" {
		return nil, nil
	}
	return encounter.LoadCodeSet(path)
}

// metricsAdapter reports the stages' counts to Prometheus.
type metricsAdapter struct{ m *metrics.Metrics }

func (a metricsAdapter) Encounter(outcome string) { a.m.Encounters.WithLabelValues(outcome).Inc() }
func (a metricsAdapter) FileBuilt(payer string, claims int) {
	a.m.FilesBuilt.WithLabelValues(payer).Inc()
	a.m.BatchSize.Observe(float64(claims))
}
func (a metricsAdapter) Delivery(payer, outcome string, d time.Duration) {
	a.m.Deliveries.WithLabelValues(payer, outcome).Inc()
	a.m.DeliverySeconds.Observe(d.Seconds())
}
func (a metricsAdapter) InboundFile(payer, kind string) {
	a.m.InboundFiles.WithLabelValues(payer, kind).Inc()
}
func (a metricsAdapter) DeadLetter(stream string) { a.m.DeadLetters.WithLabelValues(stream).Inc() }
