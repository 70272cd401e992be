package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/deliver"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/report"
	"github.com/claimsgw/claimsgw/queue"
)

// The exceptions and the files an operator acts on: match an exception
// to a claim, post a payment that did not balance, dismiss an exception,
// resend a file that could not be delivered. Each is recorded as who,
// when and why.

const exceptionsUsage = `claimsgw exceptions list [--status open|resolved|all] [--config FILE | --data DIR] [--format table|csv|json]
  claimsgw exceptions match ID --claim CLAIM --actor NAME [--force --reason WHY] [--config FILE | --data DIR]
  claimsgw exceptions post ID --actor NAME --reason WHY [--config FILE | --data DIR]
  claimsgw exceptions dismiss ID --actor NAME --reason WHY [--config FILE | --data DIR]`

const filesUsage = `claimsgw files resend ID --actor NAME [--reason WHY] [--config FILE | --data DIR]`

func exceptionsList(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("exceptions list", stderr, exceptionsUsage)
	lf := addLedgerFlags(fs)
	status := fs.String("status", "open", "open, resolved or all")
	format := fs.String("format", "table", "table, csv or json")
	pos, err := parse(fs, args)
	if err != nil {
		return exitUnreadable // the flag package printed the usage
	}
	if len(pos) != 0 || !report.ValidFormat(*format) || (*status != "open" && *status != "resolved" && *status != "all") {
		fs.Usage()
		return exitUnreadable
	}
	st := *status
	if st == "all" {
		st = ""
	}
	return lf.with(stderr, "exceptions", func(ctx context.Context, l *ledger.Ledger) int {
		rep, err := report.Reports["exceptions"].Read(ctx, l, report.Query{Status: st})
		if err == nil {
			err = rep.Write(stdout, *format)
		}
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw exceptions: %v\n", err)
			return exitUnreadable
		}
		return exitOK
	})
}

// acting is what an action on an exception or a file parses: the id, the
// actor and the reason, and the gateway options it runs on (the daemon's
// ledger, and its NATS, for the claims' events, when the config names
// one).
type acting struct {
	name          string
	fs            *flag.FlagSet
	lf            ledgerFlags
	actor, reason *string
	stderr        io.Writer
}

func newActing(name, usage string, stderr io.Writer) *acting {
	fs := newFlags(name, stderr, usage)
	return &acting{name: name, fs: fs, lf: addLedgerFlags(fs), stderr: stderr,
		actor:  fs.String("actor", "", "who does it, as recorded"),
		reason: fs.String("reason", "", "why, as recorded")}
}

// parse reads the arguments: one id, and the flags complete says are
// there, else want says what is wanted. false when it said what is wrong.
func (a *acting) parse(args []string, want string, complete func() bool) (string, bool) {
	pos, err := parse(a.fs, args)
	if err != nil {
		return "", false
	}
	if len(pos) != 1 || strings.TrimSpace(*a.actor) == "" || !complete() {
		fmt.Fprintf(a.stderr, "claimsgw %s: want %s\n", a.name, want)
		a.fs.Usage()
		return "", false
	}
	return pos[0], true
}

// hasReason is parse's check for the actions that need a reason.
func (a *acting) hasReason() bool { return strings.TrimSpace(*a.reason) != "" }

// options opens the daemon's ledger, and its NATS when the config names
// one; done closes them.
func (a *acting) options(ctx context.Context) (o gateway.Options, done func(), err error) {
	var cfg *config.Config
	var l *ledger.Ledger
	if cfg, l, err = a.lf.openConfig(ctx); err != nil {
		return o, nil, err
	}
	o = gateway.Options{Config: cfg, Ledger: l}
	urls := cfg.NATS.URLs
	if len(urls) == 0 {
		// An embedded NATS: the daemon of the data directory says where.
		e, err := daemon.ReadEndpoints(cfg.DataDir)
		if err != nil {
			fmt.Fprintf(a.stderr, "claimsgw %s: %v: the claims' events are not published (the daemon's API publishes them)\n", a.name, err)
			return o, func() { l.Close() }, nil
		}
		urls = e.NATS
	}
	nc, err := queue.Connect(urls, queue.ConnectOptions{Name: "claimsgw " + a.name, CredsFile: cfg.NATS.CredentialsFile,
		NKeySeedFile: cfg.NATS.NKeySeedFile, CAFile: cfg.NATS.TLS.CAFile, CertFile: cfg.NATS.TLS.CertFile, KeyFile: cfg.NATS.TLS.KeyFile})
	if err != nil {
		l.Close()
		return o, nil, err
	}
	done = func() { nc.Close(); l.Close() }
	if o.JS, err = jetstream.New(nc); err != nil {
		done()
		return o, nil, err
	}
	return o, done, nil
}

// run does an action with the options: exit 1 for what the ledger
// refuses (a mismatch, an exception resolved before, a file not failed),
// 2 for what went wrong.
func (a *acting) run(do func(ctx context.Context, o gateway.Options) error) int {
	ctx := context.Background()
	o, done, err := a.options(ctx)
	if err != nil {
		fmt.Fprintf(a.stderr, "claimsgw %s: %v\n", a.name, err)
		return exitUnreadable
	}
	defer done()
	if err := do(ctx, o); err != nil {
		fmt.Fprintf(a.stderr, "claimsgw %s: %v\n", a.name, err)
		if errors.Is(err, errUnreadable) {
			return exitUnreadable
		}
		return exitInvalid
	}
	return exitOK
}

// errUnreadable marks an error of an action that is not a refusal.
var errUnreadable = errors.New("cannot act")

// exception runs an action on an exception, and prints the exception as
// it stands after it.
func (a *acting) exception(args []string, want string, complete func() bool, stdout io.Writer, do func(ctx context.Context, p *inbound.Processor, id int64) error) int {
	arg, ok := a.parse(args, want, complete)
	if !ok {
		return exitUnreadable
	}
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		fmt.Fprintf(a.stderr, "claimsgw %s: %q is not an exception id\n", a.name, arg)
		return exitUnreadable
	}
	return a.run(func(ctx context.Context, o gateway.Options) error {
		p, err := inbound.New(o)
		if err != nil {
			return fmt.Errorf("%w: %w", errUnreadable, err)
		}
		if err := do(ctx, p, id); err != nil {
			return err
		}
		e, err := o.Ledger.Exception(ctx, id)
		if err != nil {
			return fmt.Errorf("%w: %w", errUnreadable, err)
		}
		fmt.Fprintf(stdout, "exception %d (%s) %s", e.ID, e.Kind, e.Resolution)
		if e.ClaimID != "" {
			fmt.Fprintf(stdout, " to claim %s", e.ClaimID)
		}
		fmt.Fprintf(stdout, " by %s", e.ResolvedBy)
		if e.Note != "" {
			fmt.Fprintf(stdout, ": %s", e.Note)
		}
		fmt.Fprintln(stdout)
		return nil
	})
}

func exceptionsMatch(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	a := newActing("exceptions match", exceptionsUsage, stderr)
	claim := a.fs.String("claim", "", "the claim to match the exception to")
	force := a.fs.Bool("force", false, "match a CLP whose payee, patient control number or charge are not the claim's (needs --reason)")
	complete := func() bool { return strings.TrimSpace(*claim) != "" && (!*force || a.hasReason()) }
	return a.exception(args, "one exception id, --claim and --actor (and --reason with --force)", complete, stdout, func(ctx context.Context, p *inbound.Processor, id int64) error {
		posted, err := p.MatchException(ctx, id, inbound.Match{ClaimID: *claim, Actor: *a.actor, Force: *force, Reason: *a.reason})
		if posted {
			defer fmt.Fprintln(stdout, "the CLP is posted to the claim as its payment")
		}
		return err
	})
}

func exceptionsPost(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	a := newActing("exceptions post", exceptionsUsage, stderr)
	return a.exception(args, "one exception id, --actor and --reason", a.hasReason, stdout, func(ctx context.Context, p *inbound.Processor, id int64) error {
		return p.PostException(ctx, id, *a.actor, *a.reason)
	})
}

func exceptionsDismiss(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	a := newActing("exceptions dismiss", exceptionsUsage, stderr)
	return a.exception(args, "one exception id, --actor and --reason", a.hasReason, stdout, func(ctx context.Context, p *inbound.Processor, id int64) error {
		return p.DismissException(ctx, id, *a.actor, *a.reason)
	})
}

func filesResend(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	a := newActing("files resend", filesUsage, stderr)
	id, ok := a.parse(args, "one file id and --actor", func() bool { return true })
	if !ok {
		return exitUnreadable
	}
	return a.run(func(ctx context.Context, o gateway.Options) error {
		d, err := deliver.New(deliver.Options{Options: o})
		if err != nil {
			return fmt.Errorf("%w: %w", errUnreadable, err)
		}
		queued, err := d.Resend(ctx, id, *a.actor, *a.reason)
		if errors.Is(err, ledger.ErrNotFound) {
			return err
		}
		if err != nil && !errors.Is(err, ledger.ErrNotFailed) {
			return fmt.Errorf("%w: %w", errUnreadable, err)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "file %s resent by %s: %d claims queued for a new file (%s)\n", id, strings.TrimSpace(*a.actor), len(queued), strings.Join(queued, ", "))
		return nil
	})
}
