// Package daemon starts what `claimsgw serve` runs: NATS (an embedded
// server, or a connection to a cluster), the ledger, the pipeline's stages
// (intake, batch, deliver, pickup, inbound) and the HTTP API, and stops
// them in order.
package daemon

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/batch"
	"github.com/claimsgw/claimsgw/gateway/deliver"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/metrics"
	"github.com/claimsgw/claimsgw/gateway/pickup"
	"github.com/claimsgw/claimsgw/gateway/web"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12/remit"
)

// Options tune a daemon beyond its config, for the demo and tests.
type Options struct {
	Log zerolog.Logger
	// ConfigFile is the config's path, recorded in the data directory's
	// endpoints file for the commands that check against its routes.
	ConfigFile string
	// Stage overrides; zero values keep the stages' defaults.
	Tick       time.Duration
	MaxDeliver int
	Backoff    []time.Duration
	// CodeSetPoll is how often the ledger is asked for newly imported code
	// sets; 0 means every 15 s.
	CodeSetPoll time.Duration
}

// Daemon is a running gateway.
type Daemon struct {
	Config  *config.Config
	Ledger  *ledger.Ledger
	Conn    *nats.Conn
	JS      jetstream.JetStream
	Names   queue.Names
	Addr    string // the HTTP API's address
	NATSURL string // the NATS server's URL, the first when there are several

	stages    []gateway.Stage
	events    *gateway.Events
	intake    *intake.Intake
	inbound   *inbound.Processor
	deliver   *deliver.Deliverer
	nats      *queue.Server // nil when connected to an external server
	lock      *dirLock      // nil when nothing of it is in the data directory
	http      *http.Server
	endpoints string // the endpoints file written, removed at Close
	cancel    context.CancelFunc
	done      chan error
	once      sync.Once
	log       zerolog.Logger
	replica   string // names this host's readiness probes: a row and a subject each, however often it restarts
}

// Start brings a daemon up. It returns once the stages run and the API
// listens; Wait tells when it stops, Close stops it.
func Start(ctx context.Context, cfg *config.Config, o Options) (_ *Daemon, err error) {
	host, _ := os.Hostname()
	d := &Daemon{Config: cfg, Names: queue.Default, done: make(chan error, 1), log: o.Log, replica: cmp.Or(host, "claimsgw")}
	defer func() {
		if err != nil {
			d.closeParts()
		}
	}()
	// The data directory holds PHI (the ledger, the JetStream store): its
	// user's only.
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if len(cfg.NATS.URLs) == 0 || cfg.Ledger.Driver == ledger.SQLite {
		if d.lock, err = lockDir(cfg.DataDir); err != nil {
			return nil, err
		}
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
	d.NATSURL = urls[0]
	d.Conn, err = queue.Connect(urls, queue.ConnectOptions{Name: "claimsgw", CredsFile: cfg.NATS.CredentialsFile, NKeySeedFile: cfg.NATS.NKeySeedFile,
		CAFile: cfg.NATS.TLS.CAFile, CertFile: cfg.NATS.TLS.CertFile, KeyFile: cfg.NATS.TLS.KeyFile})
	if err != nil {
		return nil, err
	}
	if d.JS, err = jetstream.New(d.Conn); err != nil {
		return nil, err
	}
	if err := d.retryAtStart(ctx, "ledger not open yet", func() (err error) {
		d.Ledger, err = ledger.Open(ctx, cfg.Ledger.Driver, string(cfg.Ledger.DSN))
		return err
	}); err != nil {
		return nil, err
	}
	m := metrics.New(d.Ledger.CountByStatus, d.lag)
	for _, p := range cfg.Payers {
		m.Payers(p.PayerID) // the series alerts watch, at 0 before anything happened
	}
	if err := d.stagesFor(ctx, cfg, o, m); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return nil, fmt.Errorf("HTTP API: %w", err)
	}
	d.Addr = ln.Addr().String()
	dashboard, err := d.dashboard(cfg, o)
	if err != nil {
		ln.Close()
		return nil, err
	}
	d.http = &http.Server{Handler: api.New(d.Ledger, d, api.Options{Ready: d.ready, Metrics: m.Handler(), Log: o.Log, Tokens: cfg.HTTP.Tokens,
		Resolver: d.inbound, Resender: d.deliver, Dashboard: dashboard}), ReadHeaderTimeout: 10 * time.Second}
	go d.http.Serve(ln)
	if d.lock != nil {
		// The data directory is this daemon's: it says there how to reach it.
		if err := d.writeEndpoints(urls, o.ConfigFile); err != nil {
			return nil, err
		}
	}

	runCtx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	go func() { d.done <- d.run(runCtx) }()
	o.Log.Info().Str("api", d.Addr).Int("payers", len(cfg.Payers)).Msg("claimsgw serving")
	return d, nil
}

// dashboard is the operators' pages (gateway/web), served on the API's
// listener with its tokens, with the CARC and RARC descriptions of the
// operator's files when the config names them.
func (d *Daemon) dashboard(cfg *config.Config, o Options) (http.Handler, error) {
	wo := web.Options{Resolver: d.inbound, Tokens: cfg.HTTP.Tokens, Log: o.Log}
	for _, p := range cfg.Payers {
		wo.Payers = append(wo.Payers, p.PayerID)
	}
	for _, f := range []struct {
		path string
		into *remit.ReasonCodes
	}{{cfg.CodeSets.CARC, &wo.CARC}, {cfg.CodeSets.RARC, &wo.RARC}} {
		if f.path == "" {
			continue
		}
		codes, err := remit.LoadReasonCodes(f.path)
		if err != nil {
			return nil, fmt.Errorf("dashboard: %w", err)
		}
		*f.into = codes
	}
	return web.New(d.Ledger, wo)
}

// DashboardURL is where the dashboard is, as a browser on this machine
// reaches it.
func (d *Daemon) DashboardURL() string { return "http://" + reachable(d.Addr) + "/" }

// startFor is how long a starting daemon tries again what needs the
// ledger while the database does not answer (restarting, failing over):
// as stream setup waits for NATS (queue.SetupFor).
const startFor = 2 * time.Minute

// retryAtStart runs f until it succeeds, with backoff (up to 2 s between
// tries), for startFor or until ctx ends; each failure is logged with
// what, the last is returned.
func (d *Daemon) retryAtStart(ctx context.Context, what string, f func() error) error {
	deadline := time.Now().Add(startFor)
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		err := f()
		if err == nil || ctx.Err() != nil || time.Now().Add(wait).After(deadline) {
			return err
		}
		d.log.Warn().Err(err).Dur("retry_in", wait).Msg(what)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// stagesFor makes the pipeline's stages, sharing one claim event
// publisher and one hand-off of converted claims from intake to the
// batcher.
func (d *Daemon) stagesFor(ctx context.Context, cfg *config.Config, o Options, m *metrics.Metrics) error {
	codes, err := encounter.LoadCodeSets(cfg.CodeSets.ICD10CM, cfg.CodeSets.HCPCS)
	if err != nil {
		return err
	}
	// The intake takes no encounter before it has the code sets, so that
	// none is checked with fewer edits than the operator imported.
	var stamp string
	if err := d.retryAtStart(ctx, "code sets not loaded yet; the intake waits for them", func() (err error) {
		stamp, err = d.loadCodeSets(ctx, &codes)
		return err
	}); err != nil {
		return err
	}
	d.events = gateway.NewEvents(d.Ledger, d.JS, d.Names, o.Log)
	gopts := gateway.Options{Config: cfg, Ledger: d.Ledger, JS: d.JS, Names: d.Names, Log: o.Log, Events: d.events,
		Handoff: &gateway.Handoff{}, Metrics: m, Tick: o.Tick, MaxDeliver: o.MaxDeliver, Backoff: o.Backoff}
	if d.intake, err = intake.New(intake.Options{Options: gopts, Codes: codes}); err != nil {
		return err
	}
	b, err := batch.New(gopts)
	if err != nil {
		return err
	}
	if d.deliver, err = deliver.New(deliver.Options{Options: gopts}); err != nil {
		return err
	}
	poll, err := pickup.New(pickup.Options{Options: gopts})
	if err != nil {
		return err
	}
	if d.inbound, err = inbound.New(gopts); err != nil {
		return err
	}
	d.stages = []gateway.Stage{{Name: "intake", Run: d.intake.Run}, {Name: "batcher", Run: b.Run}, {Name: "deliverer", Run: d.deliver.Run},
		{Name: "poller", Run: poll.Run}, {Name: "inbound", Run: d.inbound.Run}, {Name: "codesets", Run: d.watchCodeSets(codes, stamp, cmp.Or(o.CodeSetPoll, codeSetPoll))}}
	return nil
}

// lag is what each consumer of the streams has not acknowledged yet, and
// the claim events the ledger's outbox holds, not yet in EVENTS
// ("EVENTS/outbox").
func (d *Daemon) lag(ctx context.Context) (map[string]uint64, error) {
	lag, err := d.Names.Lag(ctx, d.JS)
	if err != nil {
		return nil, err
	}
	n, err := d.Ledger.PendingEvents(ctx)
	if err != nil {
		return nil, err
	}
	lag[d.Names.Stream(queue.StreamEvents)+"/outbox"] = uint64(n)
	return lag, nil
}

// run sets up the streams and runs every stage until ctx ends or one
// fails. The claim events the stages handed over are published before it
// returns, for up to 10 s once they have stopped.
func (d *Daemon) run(ctx context.Context) error {
	if err := d.Names.Setup(ctx, d.JS, max(1, d.Config.NATS.Replicas)); err != nil {
		if ctx.Err() != nil {
			return nil // stopped before the streams were set up
		}
		return fmt.Errorf("gateway: streams: %w", err)
	}
	d.events.Start()
	defer d.events.Stop()
	if err := gateway.RunAll(ctx, d.stages...); err != nil {
		return fmt.Errorf("gateway: %w", err)
	}
	return nil
}

// CheckEncounter scrubs an encounter as the intake stage will: the API's
// POST /v1/encounters answers with its problems at once.
func (d *Daemon) CheckEncounter(ctx context.Context, raw []byte) (string, []encounter.Problem, error) {
	return d.intake.Check(ctx, raw)
}

// SubmitEncounter publishes an encounter to the intake stream: the API's
// POST /v1/encounters.
func (d *Daemon) SubmitEncounter(ctx context.Context, raw []byte) (string, bool, error) {
	return intake.Submit(ctx, d.JS, d.Names, raw)
}

// ready says whether the daemon can take work: NATS stores messages (a
// probe published and acknowledged) and the ledger writes (a row written).
// /readyz needs no token: it names the part that fails, never its error
// (a database error names its host, database and user); the log has it.
func (d *Daemon) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var down []string
	switch {
	case !d.Conn.IsConnected():
		down = append(down, "NATS is not connected")
	default:
		if err := d.Names.Probe(ctx, d.JS, d.replica); err != nil {
			d.log.Warn().Err(err).Msg("not ready: NATS does not store messages")
			down = append(down, "NATS does not store messages")
		}
	}
	if err := d.Ledger.CheckWrites(ctx, d.replica); err != nil {
		d.log.Warn().Err(err).Msg("not ready: the ledger does not write")
		down = append(down, "the ledger does not write")
	}
	if len(down) > 0 {
		return errors.New(strings.Join(down, "; "))
	}
	return nil
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
	d.removeEndpoints()
	d.lock.release()
}
