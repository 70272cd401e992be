package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/queue"

	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/report"
)

const reconUsage = `claimsgw recon payments|payment TRACE|claim ID|aging|denials|rejections|unmatched|daily
        [--config FILE | --data DIR] [--payer P] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format table|csv|json]`

const exceptionsUsage = `claimsgw exceptions list [--status open|resolved|all] [--config FILE | --data DIR] [--format table|csv|json]
  claimsgw exceptions match ID --claim CLAIM --actor NAME [--config FILE | --data DIR]`

// runRecon prints a reconciliation report from the ledger.
func runRecon(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("recon", stderr, reconUsage)
	lf := addLedgerFlags(fs)
	payer := fs.String("payer", "", "only this payer")
	from := fs.String("from", "", "from this date, YYYY-MM-DD (payment date; submission date for billed; rejection date)")
	to := fs.String("to", "", "until this date, inclusive")
	format := fs.String("format", "table", "table, csv or json")
	pos, err := parse(fs, args)
	if err != nil {
		return exitUnreadable
	}
	if len(pos) == 0 {
		fs.Usage()
		return exitUnreadable
	}
	want := map[string]int{"payments": 1, "payment": 2, "claim": 2, "aging": 1, "denials": 1, "rejections": 1, "unmatched": 1, "daily": 1}
	if n, ok := want[pos[0]]; !ok || len(pos) != n {
		fmt.Fprintf(stderr, "claimsgw recon: want one of payments, payment TRACE, claim ID, aging, denials, rejections, unmatched, daily\n")
		fs.Usage()
		return exitUnreadable
	}
	if !report.ValidFormat(*format) {
		fmt.Fprintf(stderr, "claimsgw recon: --format %q: want table, csv or json\n", *format)
		return exitUnreadable
	}
	for name, v := range map[string]string{"from": *from, "to": *to} {
		if _, err := time.Parse(time.DateOnly, v); v != "" && err != nil {
			fmt.Fprintf(stderr, "claimsgw recon: --%s %q: want a date YYYY-MM-DD\n", name, v)
			return exitUnreadable
		}
	}
	ctx := context.Background()
	l, err := lf.open(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw recon: %v\n", err)
		return exitUnreadable
	}
	defer l.Close()
	f := report.Filter{PayerID: *payer, From: *from, To: *to}
	var rep report.Report
	code := exitOK
	switch pos[0] {
	case "payments":
		rep, err = report.ReadPayments(ctx, l, f, 0, 0)
	case "payment":
		var p *ledger.PaymentBalance
		if p, err = l.PaymentBalance(ctx, f.PayerID, pos[1]); err == nil {
			rep = report.Payment(p)
			if !p.Balanced {
				code = exitInvalid
			}
		}
	case "claim":
		var b *ledger.ClaimBalance
		if b, err = l.ClaimBalance(ctx, pos[1]); err == nil {
			rep = report.Claim(b)
			if len(b.Payments) > 0 && !b.Balanced {
				code = exitInvalid
			}
		}
	case "unmatched":
		rep, err = report.ReadExceptions(ctx, l, "unmatched", "open", 0, 0)
	default:
		rep, err = report.Lists[pos[0]].Read(ctx, l, f)
	}
	if err != nil {
		return reconFailed(stderr, err)
	}
	if err := rep.Write(stdout, *format); err != nil {
		fmt.Fprintf(stderr, "claimsgw recon: %v\n", err)
		return exitUnreadable
	}
	return code
}

func reconFailed(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "claimsgw recon: %v\n", err)
	if errors.Is(err, ledger.ErrNotFound) || errors.Is(err, ledger.ErrAmbiguous) {
		return exitInvalid
	}
	return exitUnreadable
}

// runExceptions lists the items the gateway could not match, and matches
// them by hand.
func runExceptions(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "match") {
		fmt.Fprintf(stderr, "Usage: %s\n", exceptionsUsage)
		return exitUnreadable
	}
	fs := newFlags("exceptions "+args[0], stderr, exceptionsUsage)
	lf := addLedgerFlags(fs)
	status := fs.String("status", "open", "open, resolved or all (list)")
	format := fs.String("format", "table", "table, csv or json (list)")
	claim := fs.String("claim", "", "the claim to match the exception to (match)")
	actor := fs.String("actor", "", "who matches it, recorded in the claim's history (match)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return exitUnreadable
	}
	ctx := context.Background()
	if args[0] == "list" {
		if len(pos) != 0 || !report.ValidFormat(*format) || (*status != "open" && *status != "resolved" && *status != "all") {
			fs.Usage()
			return exitUnreadable
		}
		l, err := lf.open(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw exceptions: %v\n", err)
			return exitUnreadable
		}
		defer l.Close()
		st := *status
		if st == "all" {
			st = ""
		}
		rep, err := report.ReadExceptions(ctx, l, "exceptions", st, 0, 0)
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw exceptions: %v\n", err)
			return exitUnreadable
		}
		if err := rep.Write(stdout, *format); err != nil {
			fmt.Fprintf(stderr, "claimsgw exceptions: %v\n", err)
			return exitUnreadable
		}
		return exitOK
	}
	if len(pos) != 1 || strings.TrimSpace(*claim) == "" || strings.TrimSpace(*actor) == "" {
		fmt.Fprintln(stderr, "claimsgw exceptions match: want one exception id, --claim and --actor")
		fs.Usage()
		return exitUnreadable
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw exceptions match: %q is not an exception id\n", pos[0])
		return exitUnreadable
	}
	cfg, l, err := lf.openConfig(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw exceptions: %v\n", err)
		return exitUnreadable
	}
	defer l.Close()
	// The claim's events go to the daemon's NATS when the config names
	// it; an embedded server is the daemon's alone.
	var js jetstream.JetStream
	if len(cfg.NATS.URLs) > 0 {
		nc, err := queue.Connect(cfg.NATS.URLs, queue.ConnectOptions{Name: "claimsgw exceptions", CredsFile: cfg.NATS.CredentialsFile,
			NKeySeedFile: cfg.NATS.NKeySeedFile, CAFile: cfg.NATS.TLS.CAFile, CertFile: cfg.NATS.TLS.CertFile, KeyFile: cfg.NATS.TLS.KeyFile})
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw exceptions match: %v\n", err)
			return exitUnreadable
		}
		defer nc.Close()
		if js, err = jetstream.New(nc); err != nil {
			fmt.Fprintf(stderr, "claimsgw exceptions match: %v\n", err)
			return exitUnreadable
		}
	} else {
		fmt.Fprintln(stderr, "claimsgw exceptions match: the config names no NATS server: the claim's events are not published (the daemon's API publishes them: POST /v1/exceptions/{id}/match)")
	}
	proc, err := inbound.New(gateway.Options{Config: cfg, Ledger: l, JS: js})
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw exceptions match: %v\n", err)
		return exitUnreadable
	}
	posted, err := proc.MatchException(ctx, id, *claim, *actor)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw exceptions match: %v\n", err)
		return exitInvalid
	}
	e, err := l.Exception(ctx, id)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw exceptions match: %v\n", err)
		return exitUnreadable
	}
	fmt.Fprintf(stdout, "exception %d (%s) matched to claim %s by %s\n", e.ID, e.Kind, e.ClaimID, e.ResolvedBy)
	if posted {
		fmt.Fprintln(stdout, "the CLP is posted to the claim as its payment")
	}
	return exitOK
}
