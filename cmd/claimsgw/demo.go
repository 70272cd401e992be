package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/demo"
)

// runDemo runs the whole loop on embedded defaults with the payer
// simulator, and exits 0 only when every encounter settled and nothing is
// unmatched.
func runDemo(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("demo", stderr, "claimsgw demo [--claims N] [--json] [--data DIR [--fresh]] [--keep] [--seed N] [--timeout D] [--codesets DIR]")
	fresh := fs.Bool("fresh", false, "with --data: remove what an earlier demo left there first (only an empty directory or a demo's, never a running daemon's)")
	n := fs.Int("claims", 50, "how many encounters to send")
	asJSON := fs.Bool("json", false, "end with the summary as one line of JSON")
	data := fs.String("data", "", "data directory (default: a new temporary one, removed at the end unless --keep)")
	keep := fs.Bool("keep", false, "leave the daemon, the payer simulator and the API running until Ctrl-C")
	seed := fs.Uint64("seed", 1, "the encounters' and the payer's seed: the same seed, the same run")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up when not settled by then")
	codeSets := fs.String("codesets", "", "a directory of code-set files (the ICD-10-CM and HCPCS zips, NCCI and MUE files: docs/codesets.md) "+
		"to import first; the run adds encounters with coding errors, and the summary counts what the scrubber caught")
	if _, err := parse(fs, args); err != nil || *n < 1 {
		return exitUnreadable
	}
	if *fresh && *data == "" {
		fmt.Fprintln(stderr, "claimsgw demo: --fresh needs --data DIR: without --data a demo runs in a new temporary directory")
		return exitUnreadable
	}
	dir := *data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "claimsgw-demo-")
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw demo: %v\n", err)
			return exitUnreadable
		}
		dir = tmp
		if !*keep {
			defer os.RemoveAll(dir)
		}
	} else if err := demoDir(dir, *fresh); err != nil {
		fmt.Fprintf(stderr, "claimsgw demo: %v\n", err)
		return exitUnreadable
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fmt.Fprintf(stderr, "claimsgw demo: %v\n", err)
		return exitUnreadable
	}
	// Which run this is, read before the daemon makes a ledger there;
	// counted once it holds the directory (below).
	run, err := demo.NextRun(dir)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw demo: %v\n", err)
		return exitUnreadable
	}
	logFile, err := os.OpenFile(filepath.Join(dir, "claimsgw.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw demo: %v\n", err)
		return exitUnreadable
	}
	defer logFile.Close()

	ctx, stop := untilSignal()
	defer stop()
	start := time.Now()
	d, err := demo.Start(ctx, demo.Options{DataDir: dir, Seed: *seed, Log: newLogger(logFile, "info"), CodeSets: *codeSets})
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw demo: %v\n", err)
		return exitInvalid
	}
	defer d.Close()
	// Counted once the daemon holds the directory: a directory refused
	// (another daemon's) is not written to.
	if err := demo.CountRun(dir, run); err != nil {
		fmt.Fprintf(stderr, "claimsgw demo: %v\n", err)
		return exitUnreadable
	}
	if run > 1 {
		fmt.Fprintf(stdout, "claimsgw demo: %s holds %d earlier run(s): this is run %d, with new encounter ids and patient control numbers "+
			"(the summary counts this run only; --fresh starts over)\n", dir, run-1, run)
		if d.Before, err = d.Daemon.Ledger.Totals(ctx); err != nil {
			fmt.Fprintf(stderr, "claimsgw demo: %v\n", err)
			return exitInvalid
		}
	}
	fmt.Fprintf(stdout, "claimsgw demo: gateway API on %s, payer SFTP on %s, data in %s\n", "http://"+d.Daemon.Addr, d.Sim.Addr(), dir)
	printRoutes(stdout, d.Daemon.Config.Payers)
	encounters := demo.RunMix(*n, demo.PayerID, *seed, run, start)
	if len(d.CodeSets) == 0 {
		fmt.Fprintln(stdout, "code sets: none loaded (structure only)")
		fmt.Fprintf(stdout, "sending %d encounters over NATS (%d dental)...\n", *n, demo.Dentals(*n))
	} else {
		fmt.Fprintf(stdout, "code sets: %s\n", strings.Join(d.CodeSets, ", "))
		k := max(4, *n/10)
		encounters = demo.WithCodingErrors(demo.RunMix(*n+k, demo.PayerID, *seed, run, start), k)
		fmt.Fprintf(stdout, "sending %d encounters over NATS (%d dental), %d of them with a coding error...\n", *n+k, demo.Dentals(*n+k), k)
		*n += k
	}
	if err := d.Submit(ctx, encounters); err != nil {
		fmt.Fprintf(stderr, "claimsgw demo: %v\n", err)
		return exitInvalid
	}
	wctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	s, err := d.Wait(wctx, *n, start)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw demo: %v\n", err)
		return exitInvalid
	}
	printSummary(stdout, s)
	if *asJSON {
		b, _ := json.Marshal(s)
		fmt.Fprintf(stdout, "%s\n", b)
	}
	code := exitOK
	if !s.Settled || s.Unmatched > 0 {
		fmt.Fprintf(stderr, "claimsgw demo: not every encounter settled (%d unsettled, %d unmatched); the log is %s\n", s.Unsettled, s.Unmatched, logFile.Name())
		code = exitInvalid
	}
	if *keep {
		fmt.Fprintf(stdout, "--keep: the API stays on http://%s (try /v1/claims), data in %s; Ctrl-C stops\n", d.Daemon.Addr, dir)
		fmt.Fprintf(stdout, "dashboard: %s\n", d.Daemon.DashboardURL())
		<-ctx.Done()
	}
	return code
}

func printSummary(w io.Writer, s *demo.Summary) {
	defer func() {
		if len(s.CodeSets) == 0 {
			return
		}
		var caught []string
		total := 0
		for _, code := range slices.Sorted(maps.Keys(s.Caught)) {
			caught = append(caught, fmt.Sprintf("%s %d", code, s.Caught[code]))
			total += s.Caught[code]
		}
		fmt.Fprintf(w, "coding errors     %6d   caught by the code-set edits (%s)\n", total, strings.Join(caught, ", "))
	}()
	fmt.Fprintf(w, `
encounters        %6d   (%d invalid)
dental            %6d   (837D claims among them)
837 files         %6d
submitted         %6d
acknowledged 999  %6d
accepted 277CA    %6d
rejected          %6d
paid              %6d
partially paid    %6d
denied            %6d
forwarded         %6d   (crossover to a secondary payer)
reversed          %6d   (then paid again)
secondary claims  %6d   (billed to the next payer with the primary's adjudication, or crossed over)
crossovers        %6d   (of them, forwarded by the primary: never billed again)
voided            %6d   (claims to a next payer stopped or voided after a reversal)
unmatched         %6d
payer files       %6d
billed            %12s
paid              %12s
secondary paid    %12s
patient owes      %12s
settled           %6v   in %.1f s
`, s.Encounters, s.Invalid, s.Dental, s.Files, s.Submitted, s.Acknowledged, s.Accepted, s.Rejected, s.Paid, s.PartiallyPaid,
		s.Denied, s.Forwarded, s.Reversed, s.SecondaryClaims, s.Crossovers, s.Voided, s.Unmatched, s.PayerFiles, s.TotalCharge, s.TotalPaid,
		s.SecondaryPaid, s.PatientResp, s.Settled, s.Seconds)
}

// demoDir checks a --data directory before a demo writes in it: not the
// data directory of a running daemon (serve, or another demo); and, with
// fresh, one it may wipe, which it does: a directory that is empty or a
// demo's (it holds the demo's runs file). Anything else --fresh refuses,
// leaving it as it is.
func demoDir(dir string, fresh bool) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // made below
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory: --data names a demo's data directory (made when missing)", dir)
	}
	pid, held, err := daemon.Held(dir)
	if err != nil {
		return err
	}
	if held {
		return fmt.Errorf("%s is in use by a running claimsgw (pid %s): nothing was written there; stop it, or give the demo a --data of its own", dir, pid)
	}
	if !fresh {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if st, err := os.Lstat(filepath.Join(dir, demo.RunsFile)); err != nil || !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a demo's data directory (it has no %s file): --fresh wipes only those; nothing was removed", dir, demo.RunsFile)
	}
	return os.RemoveAll(dir)
}
