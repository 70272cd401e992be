package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/ledger"
)

const claimsUsage = `claimsgw claims show ID [--config FILE | --data DIR] [--format text|json]`

// claimsShow prints all the ledger knows of a claim: why it is invalid,
// its lines, history, files, payments and revisions. JSON is the API's
// GET /v1/claims/{id}.
func claimsShow(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("claims show", stderr, claimsUsage)
	lf := addLedgerFlags(fs)
	format := fs.String("format", "text", "text or json")
	pos, err := parse(fs, args)
	if err != nil {
		return exitUnreadable
	}
	if len(pos) != 1 || (*format != "text" && *format != "json") {
		fs.Usage()
		return exitUnreadable
	}
	return lf.with(stderr, "claims", func(ctx context.Context, l *ledger.Ledger) int {
		d, err := l.ClaimDetail(ctx, pos[0])
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw claims: %v\n", err)
			if errors.Is(err, ledger.ErrNotFound) {
				return exitInvalid
			}
			return exitUnreadable
		}
		if *format == "json" {
			writeJSON(stdout, d)
		} else {
			writeClaim(stdout, d)
		}
		return exitOK
	})
}

// writeClaim prints a claim for a person: a block of fields, then one
// section a list.
func writeClaim(out io.Writer, d *ledger.ClaimDetail) {
	w := tabwriter.NewWriter(out, 2, 8, 2, ' ', 0)
	defer w.Flush()
	c := d.Claim
	fmt.Fprintf(w, "claim\t%s\t(encounter %s, revision %d)\n", c.ID, c.EncounterID, d.Revision)
	fmt.Fprintf(w, "status\t%s\n", c.Status)
	fmt.Fprintf(w, "payer\t%s\t%s claim, patient control number %s\n", c.PayerID, c.ClaimType, c.PCN)
	fmt.Fprintf(w, "billing provider\tNPI %s\ttax id %s\n", c.BillingNPI, c.BillingTaxID)
	fmt.Fprintf(w, "charge\t%s\tservice %s to %s\n", c.Charge, c.ServiceFrom, c.ServiceTo)
	var probs []encounter.Problem
	_ = json.Unmarshal(d.Problems, &probs)
	section(w, "problems", len(probs), func() {
		for _, p := range probs {
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", p.Severity, p.Path, p.Code, p.Message)
		}
	})
	section(w, "lines", len(d.Lines), func() {
		for _, ln := range d.Lines {
			fmt.Fprintf(w, "  %d\t%s\t%s\t%s units\t%s\n", ln.No, ln.Procedure, ln.Charge, ln.Units, ln.ServiceDate)
		}
	})
	section(w, "history", len(d.History), func() {
		for _, h := range d.History {
			fmt.Fprintf(w, "  %s\t%s -> %s\t%s\t%s\n", h.At.Format("2006-01-02 15:04:05"), h.From, h.To, strings.TrimSpace(h.Kind+" "+h.File), h.Reason)
		}
	})
	section(w, "837 files", len(d.Files), func() {
		for _, f := range d.Files {
			fmt.Fprintf(w, "  %s\t%s\t%s\tISA13 %d, ST02 %d\n", f.FileID, f.Name, f.Status, f.ISA13, f.ST02)
		}
	})
	section(w, "payments", len(d.Payments), func() {
		for _, p := range d.Payments {
			fmt.Fprintf(w, "  %s\t%s\tCLP02 %s\tpaid %s of %s\tpatient %s\n", p.PaymentDate, p.TraceNumber, p.StatusCode, p.Paid, p.Charge, p.PatientResp)
		}
	})
	section(w, "revisions", len(d.Revisions), func() {
		for _, r := range d.Revisions {
			fmt.Fprintf(w, "  %d\t%s\treceived %s\treplaced %s\n", r.Revision, r.Status, r.ReceivedAt.Format("2006-01-02 15:04:05"), r.ReplacedAt.Format("2006-01-02 15:04:05"))
		}
	})
}

// section prints a list's title and its rows, or nothing when it is empty.
func section(w io.Writer, title string, n int, rows func()) {
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	rows()
}
