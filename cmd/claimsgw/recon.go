package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/claimsgw/claimsgw/gateway"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/ledger"
)

const reconUsage = `claimsgw recon payments|payment TRACE|claim ID|aging|denials|rejections|unmatched|daily
        [--config FILE | --data DIR] [--payer P] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format table|csv|json]`

const exceptionsUsage = `claimsgw exceptions list [--status open|resolved|all] [--config FILE | --data DIR] [--format table|csv|json]
  claimsgw exceptions match ID --claim CLAIM --actor NAME [--config FILE | --data DIR]`

// ledgerFlags are the flags that say where the ledger is.
type ledgerFlags struct {
	config, data *string
}

func addLedgerFlags(fs *flag.FlagSet) ledgerFlags {
	return ledgerFlags{
		config: fs.String("config", "", "the daemon's YAML config: its ledger is read (docs/config.md)"),
		data:   fs.String("data", "", "the data directory of an SQLite ledger (DIR/ledger.db), e.g. a demo's; overrides the config's data_dir"),
	}
}

// open opens the ledger the daemon writes, as the daemon does. An SQLite
// ledger must exist: a wrong directory is an error, not a new empty
// ledger. SQLite runs in WAL mode, so this reads beside a running daemon.
func (f ledgerFlags) open(ctx context.Context) (*ledger.Ledger, error) {
	cfg, err := config.Load(*f.config)
	if err != nil {
		return nil, err
	}
	if *f.data != "" {
		cfg.DataDir = *f.data
		if cfg.Ledger.Driver == ledger.SQLite {
			cfg.Ledger.DSN = config.Secret(filepath.Join(*f.data, "ledger.db"))
		}
	}
	if cfg.Ledger.Driver == ledger.SQLite {
		if _, err := os.Stat(string(cfg.Ledger.DSN)); err != nil {
			return nil, fmt.Errorf("no ledger at %s: %w", cfg.Ledger.DSN, err)
		}
	}
	return ledger.Open(ctx, cfg.Ledger.Driver, string(cfg.Ledger.DSN))
}

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
	if !validFormat(*format) {
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
	f := ledger.ReportFilter{PayerID: *payer, From: *from, To: *to}
	var rep api.Report
	code := exitOK
	switch pos[0] {
	case "payments":
		var all []ledger.PaymentBalance
		pf := ledger.PaymentFilter{PayerID: f.PayerID, From: f.From, To: f.To, Limit: 1000}
		for {
			page, err := l.ListPayments(ctx, pf)
			if err != nil {
				return reconFailed(stderr, err)
			}
			all = append(all, page...)
			if len(page) < pf.Limit {
				break
			}
			pf.After = page[len(page)-1].RemittanceID
		}
		rep = api.PaymentsReport(all, "")
	case "payment":
		p, err := l.PaymentBalance(ctx, f.PayerID, pos[1])
		if err != nil {
			return reconFailed(stderr, err)
		}
		rep = api.PaymentReport(p)
		if !p.Balanced {
			code = exitInvalid
		}
	case "claim":
		b, err := l.ClaimBalance(ctx, pos[1])
		if err != nil {
			return reconFailed(stderr, err)
		}
		rep = api.ClaimReport(b)
		if len(b.Payments) > 0 && !b.Balanced {
			code = exitInvalid
		}
	case "aging":
		now := time.Now()
		rows, err := l.Aging(ctx, f.PayerID, now)
		if err != nil {
			return reconFailed(stderr, err)
		}
		rep = api.AgingReport(rows, now)
	case "denials":
		rows, err := l.Denials(ctx, f)
		if err != nil {
			return reconFailed(stderr, err)
		}
		rep = api.DenialsReport(rows)
	case "rejections":
		rows, err := l.Rejections(ctx, f)
		if err != nil {
			return reconFailed(stderr, err)
		}
		rep = api.RejectionsReport(rows)
	case "unmatched":
		es, err := allExceptions(ctx, l, "open")
		if err != nil {
			return reconFailed(stderr, err)
		}
		rep = api.ExceptionsReport("unmatched", es, "")
	case "daily":
		rows, err := l.Daily(ctx, f)
		if err != nil {
			return reconFailed(stderr, err)
		}
		rep = api.DailyReport(rows)
	}
	if err := printReport(stdout, rep, *format); err != nil {
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

func validFormat(f string) bool { return f == "table" || f == "csv" || f == "json" }

// allExceptions reads every page of the exceptions in a status.
func allExceptions(ctx context.Context, l *ledger.Ledger, status string) ([]ledger.ExceptionInfo, error) {
	var all []ledger.ExceptionInfo
	f := ledger.ExceptionFilter{Status: status, Limit: 1000}
	for {
		page, err := l.Exceptions(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			return all, nil
		}
		f.After = page[len(page)-1].ID
	}
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
		if len(pos) != 0 || !validFormat(*format) || (*status != "open" && *status != "resolved" && *status != "all") {
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
		es, err := allExceptions(ctx, l, st)
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw exceptions: %v\n", err)
			return exitUnreadable
		}
		if err := printReport(stdout, api.ExceptionsReport("exceptions", es, ""), *format); err != nil {
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
	l, err := lf.open(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw exceptions: %v\n", err)
		return exitUnreadable
	}
	defer l.Close()
	posted, err := gateway.MatchException(ctx, l, id, *claim, *actor)
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

// printReport writes a report as an aligned table, CSV or indented JSON.
func printReport(w io.Writer, rep api.Report, format string) error {
	switch format {
	case "csv":
		return api.WriteCSV(w, rep)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep.JSON)
	}
	if rep.Title != "" {
		fmt.Fprintln(w, rep.Title)
	}
	writeTable(w, rep)
	return nil
}

// writeTable writes a report's rows in columns two spaces apart, money
// and counts right-aligned.
func writeTable(w io.Writer, rep api.Report) {
	width := make([]int, len(rep.Columns))
	for _, row := range append([][]string{rep.Columns}, rep.Rows...) {
		for i, cell := range row {
			width[i] = max(width[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range append([][]string{rep.Columns}, rep.Rows...) {
		var b strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				b.WriteString("  ")
			}
			if rep.Right[i] {
				b.WriteString(pad + cell)
			} else {
				b.WriteString(cell + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	if len(rep.Rows) == 0 {
		fmt.Fprintln(w, "(none)")
	}
}
