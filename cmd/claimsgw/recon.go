package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/report"
)

const reconUsage = `claimsgw recon payments|payment TRACE|claim ID|encounter ID|aging|denials|rejections|unmatched|daily
        [--config FILE | --data DIR] [--payer P] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format table|csv|json]`

// reconReports are the reports recon prints, by their names in
// gateway/report (the exceptions are claimsgw exceptions list's).
var reconReports = []string{"payments", "payment", "claim", "encounter", "aging", "denials", "rejections", "unmatched", "daily"}

// runRecon prints a reconciliation report from the ledger: exit 1 for a
// payment or a claim that does not balance.
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
	e := report.Reports[pos[0]]
	n := 1 // the report's name, and its key for a report of one payment or claim
	if e != nil && e.Takes().Key != "" {
		n++
	}
	if !slices.Contains(reconReports, pos[0]) || len(pos) != n {
		fmt.Fprintf(stderr, "claimsgw recon: want one of payments, payment TRACE, claim ID, encounter ID, aging, denials, rejections, unmatched, daily\n")
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
	q := report.Query{Filter: report.Filter{PayerID: *payer, From: *from, To: *to}}
	if len(pos) == 2 {
		q.Key = pos[1]
	}
	return lf.with(stderr, "recon", func(ctx context.Context, l *ledger.Ledger) int {
		rep, err := e.Read(ctx, l, q)
		if err != nil {
			return reconFailed(stderr, err)
		}
		if err := rep.Write(stdout, *format); err != nil {
			fmt.Fprintf(stderr, "claimsgw recon: %v\n", err)
			return exitUnreadable
		}
		if rep.Unbalanced {
			return exitInvalid
		}
		return exitOK
	})
}

func reconFailed(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "claimsgw recon: %v\n", err)
	if errors.Is(err, ledger.ErrNotFound) || errors.Is(err, ledger.ErrAmbiguous) {
		return exitInvalid
	}
	return exitUnreadable
}
