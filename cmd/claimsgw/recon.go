package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/report"
)

const reconUsage = `claimsgw recon payments|payment TRACE|claim ID|aging|denials|rejections|unmatched|daily
        [--config FILE | --data DIR] [--payer P] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format table|csv|json]`

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
	f := report.Filter{PayerID: *payer, From: *from, To: *to}
	return lf.with(stderr, "recon", func(ctx context.Context, l *ledger.Ledger) int {
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
	})
}

func reconFailed(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "claimsgw recon: %v\n", err)
	if errors.Is(err, ledger.ErrNotFound) || errors.Is(err, ledger.ErrAmbiguous) {
		return exitInvalid
	}
	return exitUnreadable
}
