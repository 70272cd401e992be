// Command claimsgw is the claims gateway: the daemon, its demo, and tools for
// X12 files.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit codes shared by every command.
const (
	exitOK         = 0 // done, nothing wrong
	exitInvalid    = 1 // done, and the input has errors
	exitUnreadable = 2 // the input could not be read, or the command line is wrong
)

const usage = `claimsgw: an X12 claims gateway

Usage:
  claimsgw demo [--claims N] [--json] [--data DIR [--fresh]] [--keep]
                                     the whole loop on embedded defaults with the payer simulator
  claimsgw serve [--config FILE] [--data DIR]
                                     the daemon (embedded NATS and SQLite without a config)
  claimsgw submit [--data DIR | --nats URL] FILE...
                                     publish encounters (a JSON object or JSON lines) to the intake
  claimsgw payer-sim --config FILE   the payer simulator on its own
  claimsgw version                   the version and the commit it was built from (also --version)
  claimsgw x12 validate [--json] [--level N] FILE...
                                     check envelopes, syntax and the guides' rules; exit 0 clean, 1 errors, 2 unreadable
  claimsgw x12 json FILE             the file as JSON (shared/contracts/x12-json.md)
  claimsgw x12 inspect FILE          a human summary of interchanges, groups and transaction sets
  claimsgw x12 ack FILE               the 999 (or the TA1) a strict payer would send back for the file
  claimsgw x12 fmt [--delims "*:^~"] [--newline=false] FILE
                                     re-emit the segments, one per line by default

  claimsgw claim check [--json] [--config FILE | --data DIR] ENCOUNTER.json...
                                     scrub encounters (a JSON object or JSON lines), and check their payer routes
                                     and the ledger's code sets; exit 0 valid, 1 problems, 2 unreadable
  claimsgw claim build [flags] ENCOUNTER.json...
                                     write one interchange of 837P/837I claims to stdout; refuses invalid encounters

  claimsgw claims show ID [--config FILE | --data DIR] [--format text|json]
                                     a claim: why it is invalid, its lines, history, files, payments, revisions
  claimsgw recon payments|payment TRACE|claim ID|aging|denials|rejections|unmatched|daily
        [--config FILE | --data DIR] [--payer P] [--from D] [--to D] [--format table|csv|json]
                                     reconciliation reports from the ledger (docs/reconciliation.md)
  claimsgw exceptions list [--status open|resolved|all] [--config FILE | --data DIR] [--format F]
  claimsgw exceptions match ID --claim CLAIM --actor NAME [--force --reason WHY]
  claimsgw exceptions post ID --actor NAME --reason WHY
  claimsgw exceptions dismiss ID --actor NAME --reason WHY
                                     what the gateway could not match or apply: match it to a claim,
                                     post a payment that did not balance anyway, or dismiss it
  claimsgw files resend ID --actor NAME [--reason WHY] [--config FILE | --data DIR]
                                     send a delivery_failed file's claims again, in a new file
  claimsgw codesets import [--data DIR | --config FILE] [--kind K] FILE...
                                     load official code sets (ICD-10-CM, HCPCS zips; NCCI PTP, MUE) or a licensed CPT list
  claimsgw codesets list [--data DIR | --config FILE] [--json]
                                     the code sets loaded, their versions, dates covered, codes and memory
FILE may be - for standard input.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "help" || isHelp(args[0])) {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if len(args) > 0 && args[0] == "--version" {
		return runVersion(nil, stdin, stdout, stderr)
	}
	return dispatch("", commands, args, stdin, stdout, stderr)
}

// commands are claimsgw's commands, by name.
var commands = map[string]command{
	"demo": runDemo, "serve": serve, "submit": submit, "payer-sim": payerSim, "recon": runRecon, "version": runVersion,
	"x12":        group("x12", map[string]command{"validate": x12Validate, "json": x12JSON, "inspect": x12Inspect, "fmt": x12Fmt, "ack": x12Ack}),
	"claim":      group("claim", map[string]command{"check": claimCheck, "build": claimBuild}),
	"claims":     group("claims", map[string]command{"show": claimsShow}),
	"exceptions": group("exceptions", map[string]command{"list": exceptionsList, "match": exceptionsMatch, "post": exceptionsPost, "dismiss": exceptionsDismiss}),
	"files":      group("files", map[string]command{"resend": filesResend}),
	"codesets":   group("codesets", map[string]command{"import": codesetsImport, "list": codesetsList}),
}

// group is a command of subcommands (claimsgw x12 validate, ...).
func group(name string, cmds map[string]command) command {
	return func(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
		return dispatch(name, cmds, args, stdin, stdout, stderr)
	}
}

// command is a subcommand: its arguments, and the process's streams.
type command func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

// dispatch runs the command of group (claimsgw, claimsgw x12, claimsgw
// claim) that args[0] names.
func dispatch(group string, cmds map[string]command, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUnreadable
	}
	if isHelp(args[0]) {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "%s: unknown command %q\n\n%s", strings.TrimSpace("claimsgw "+group), args[0], usage)
		return exitUnreadable
	}
	code := cmd(args[1:], stdin, stdout, stderr)
	for _, a := range args[1:] {
		if a == "--" {
			break
		}
		if isHelp(a) {
			return exitOK // the command printed its usage: asked for, not an error
		}
	}
	return code
}

// isHelp reports whether an argument asks for help.
func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// parseFiles parses a command's flags and its file arguments, at least
// one; else it prints the usage and reports false.
func parseFiles(fs *flag.FlagSet, args []string) ([]string, bool) {
	files, err := parse(fs, args)
	if err != nil {
		return nil, false
	}
	if len(files) == 0 {
		fs.Usage()
		return nil, false
	}
	return files, true
}

// parseFile is parseFiles for a command that takes exactly one file.
func parseFile(fs *flag.FlagSet, args []string) (string, bool) {
	files, err := parse(fs, args)
	if err != nil {
		return "", false
	}
	if len(files) != 1 {
		fs.Usage()
		return "", false
	}
	return files[0], true
}

// parse parses flags that may come before, between or after the positional
// arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// open opens a named file, or standard input for "-".
func open(name string, stdin io.Reader) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(stdin), nil
	}
	return os.Open(name)
}

func newFlags(name string, stderr io.Writer, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s\n", strings.TrimSpace(help))
		fs.PrintDefaults()
	}
	return fs
}

// untilSignal is a context that ends at SIGINT or SIGTERM: the commands
// that run until stopped (serve, payer-sim, demo --keep) stop in order
// then.
func untilSignal() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// eachFile runs check on each file and prints what it finds: as text,
// file after file, or with asJSON as one object {"files": [...]}. The
// exit code is the worst of the files'.
func eachFile[R any](stdout io.Writer, files []string, asJSON bool, check func(name string) (R, int), text func(w io.Writer, res R)) int {
	code := exitOK
	var results []R
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	for _, name := range files {
		res, c := check(name)
		code = max(code, c)
		if asJSON {
			results = append(results, res)
		} else {
			text(out, res)
		}
	}
	if asJSON {
		writeJSON(out, map[string]any{"files": results})
	}
	return code
}

// writeJSON writes v as indented JSON, with <, > and & as they are.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
