package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/x12"
)

// checkedEncounter is one encounter's outcome in `claim check --json`.
type checkedEncounter struct {
	Index    int                 `json:"index"` // 1-based position in the file
	ID       string              `json:"id"`    // up to 64 characters (encounter.ShownID)
	Valid    bool                `json:"valid"`
	Problems []encounter.Problem `json:"problems"`

	enc *encounter.Encounter // normalized, when it decoded
}

// checkedFile is one file's outcome in `claim check --json`.
type checkedFile struct {
	File       string             `json:"file"`
	Encounters []checkedEncounter `json:"encounters"`
	Unread     string             `json:"unreadable,omitempty"` // why the file could not be read
}

func claimCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("check", stderr, `claimsgw claim check [--json] [--config FILE | --data DIR] [--icd10cm FILE] [--hcpcs FILE] [--delims "*:^~"] ENCOUNTER.json...`)
	cfgFile := fs.String("config", "", "the daemon's config: encounters are checked against its payer routes (and code sets) as the daemon checks them")
	data := fs.String("data", "", "the data directory of a running claimsgw serve: its config's routes are checked against "+
		"(default: ./claimsgw-data or CLAIMSGW_DATA_DIR, when a daemon runs there)")
	asJSON := fs.Bool("json", false, "print one JSON object for machines")
	icd := fs.String("icd10cm", "", "ICD-10-CM code list, one code per line (the CMS icd10cm_codes file); without it diagnoses are checked for structure only")
	hcpcs := fs.String("hcpcs", "", "HCPCS/CPT code list, one code per line; without it procedure codes are checked for structure only")
	delims := fs.String("delims", "", `the route's delimiters, in the order element, component, repetition, terminator (default "*:^~")`)
	files, ok := parseFiles(fs, args)
	if !ok {
		return exitUnreadable
	}
	if *cfgFile == "" && *data == "" {
		// A daemon running in the default data directory: its routes.
		if dir := envOr("CLAIMSGW_DATA_DIR", config.DefaultDataDir); fileExists(filepath.Join(dir, daemon.EndpointsFile)) {
			*data = dir
			fmt.Fprintf(stderr, "claimsgw claim check: checking against the routes of the claimsgw serve running in %s (--config or --data to choose)\n", dir)
		} else {
			fmt.Fprintf(stderr, "claimsgw claim check: payer routes were not checked (no --config, and no claimsgw serve running in %s): "+
				"the daemon refuses an encounter whose payer_id or claim type its routes do not take\n", dir)
		}
	}
	routes, err := checkRoutes(*cfgFile, *data)
	if err == nil && routes != nil {
		*icd, *hcpcs = cmp.Or(*icd, routes.CodeSets.ICD10CM), cmp.Or(*hcpcs, routes.CodeSets.HCPCS)
	}
	var opts encounter.Options
	if err == nil {
		opts, err = checkOptions(*icd, *hcpcs, *delims)
	}
	if err == nil {
		opts.Codes.Imported, err = checkCodeSets(*cfgFile, *data, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw claim check: %v\n", err)
		return exitUnreadable
	}
	return eachFile(stdout, files, *asJSON, func(name string) (checkedFile, int) {
		res := checkFile(name, stdin, opts, routes)
		code := exitOK
		for _, e := range res.Encounters {
			if !e.Valid {
				code = exitInvalid
			}
		}
		if res.Unread != "" {
			code = exitUnreadable
		}
		return res, code
	}, writeChecked)
}

// checkRoutes is the config whose payer routes encounters are checked
// against: the file given, or the one the daemon of a data directory runs
// on; nil for none. A data directory where no daemon runs but that holds
// a ledger gives no routes: its code sets are still checked against.
func checkRoutes(file, dataDir string) (*config.Config, error) {
	if file == "" && dataDir != "" {
		e, err := daemon.ReadEndpoints(dataDir)
		if err != nil && fileExists(filepath.Join(dataDir, "ledger.db")) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if e.Config == "" {
			return config.Default(), nil // a daemon without a config routes to no payer
		}
		file = e.Config
	}
	if file == "" {
		return nil, nil
	}
	return config.LoadLedger(file)
}

// checkCodeSets are the code sets imported into the ledger of the config
// given, or of the data directory (default: ./claimsgw-data, or
// CLAIMSGW_DATA_DIR): with them every code-set edit runs. Without a ledger
// the codes are checked for structure only, and the problems say so.
func checkCodeSets(cfgFile, data string, stderr io.Writer) (*codeset.Bundle, error) {
	if cfgFile == "" && data != "" {
		if e, err := daemon.ReadEndpoints(data); err == nil {
			cfgFile = e.Config
		}
	}
	if cfgFile == "" && data == "" {
		data = envOr("CLAIMSGW_DATA_DIR", config.DefaultDataDir)
	}
	ctx := context.Background()
	_, l, err := ledgerFlags{config: &cfgFile, data: &data}.openConfig(ctx)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer l.Close()
	b, _, err := l.CodeSets(ctx)
	if err == nil && len(b.Sets()) > 0 {
		fmt.Fprintf(stderr, "claimsgw claim check: codes checked against the %d code sets of the ledger (claimsgw codesets list)\n", len(b.Sets()))
	}
	return b, err
}

func checkOptions(icd, hcpcs, delims string) (encounter.Options, error) {
	var opts encounter.Options
	var err error
	if opts.Codes, err = encounter.LoadCodeSets(icd, hcpcs); err != nil {
		return opts, err
	}
	if delims != "" {
		if opts.Delimiters, err = x12.ParseDelimiters(delims); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// checkFile decodes and scrubs every encounter of a file: one JSON object,
// JSON lines, or objects one after another.
func checkFile(name string, stdin io.Reader, opts encounter.Options, routes *config.Config) checkedFile {
	res := checkedFile{File: name, Encounters: []checkedEncounter{}}
	f, err := open(name, stdin)
	if err != nil {
		res.Unread = err.Error()
		return res
	}
	defer f.Close()
	r := encounter.NewReader(f)
	for i := 1; ; i++ {
		e, err := r.Read()
		var de *encounter.DecodeError
		switch {
		case err == io.EOF:
			if i == 1 {
				res.Unread = "no JSON object in the file"
			}
			return res
		case errors.As(err, &de):
			res.Encounters = append(res.Encounters, checkedEncounter{Index: i, ID: encounter.ShownID(de.ID), Problems: de.Scrub(opts)})
		case err != nil:
			res.Unread = err.Error()
			return res
		default:
			o := opts
			var route *config.Payer
			if routes != nil {
				if route = payerRoute(routes, e.PayerID); route != nil && o.Delimiters == (x12.Delimiters{}) {
					o.Delimiters = route.Delimiters.Delimiters
				}
			}
			if route != nil {
				o.Severity = map[string]encounter.Severity{}
				for code, sev := range route.Edits {
					o.Severity[code] = encounter.Severity(sev)
				}
			}
			probs := encounter.Scrub(e, o)
			if routes != nil {
				probs, _ = intake.RouteProblems(func(id string) *config.Payer { return payerRoute(routes, id) }, e, probs)
			}
			if probs == nil {
				probs = []encounter.Problem{}
			}
			res.Encounters = append(res.Encounters, checkedEncounter{Index: i, ID: encounter.ShownID(e.ID), Valid: !encounter.HasErrors(probs), Problems: probs, enc: e})
		}
	}
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// payerRoute is the route of a payer_id in a config, or nil.
func payerRoute(c *config.Config, id string) *config.Payer {
	for i := range c.Payers {
		if c.Payers[i].PayerID == id {
			return &c.Payers[i]
		}
	}
	return nil
}

// writeChecked prints a file's problems one a line as FILE: ID: path: code:
// message, then each distinct note once, then a summary line.
func writeChecked(w io.Writer, res checkedFile) {
	invalid := 0
	var notes []string
	seen := map[string]bool{}
	for _, e := range res.Encounters {
		if !e.Valid {
			invalid++
		}
		id := e.ID
		if id == "" {
			id = fmt.Sprintf("#%d", e.Index)
		}
		for _, p := range e.Problems {
			switch p.Severity {
			case encounter.SeverityInfo:
				if !seen[p.Message] {
					seen[p.Message] = true
					notes = append(notes, p.Message)
				}
			case encounter.SeverityWarning:
				fmt.Fprintf(w, "%s: %s: %s: %s: %s (warning)\n", res.File, id, p.Path, p.Code, p.Message)
			default:
				fmt.Fprintf(w, "%s: %s: %s: %s: %s\n", res.File, id, p.Path, p.Code, p.Message)
			}
		}
	}
	for _, n := range notes {
		fmt.Fprintf(w, "%s: note: %s\n", res.File, n)
	}
	switch {
	case res.Unread != "":
		fmt.Fprintf(w, "%s: cannot be read: %s\n", res.File, res.Unread)
	case invalid == 0:
		fmt.Fprintf(w, "%s: valid (%s)\n", res.File, encounters(len(res.Encounters)))
	default:
		fmt.Fprintf(w, "%s: invalid (%d of %s)\n", res.File, invalid, encounters(len(res.Encounters)))
	}
}

func encounters(n int) string {
	if n == 1 {
		return "1 encounter"
	}
	return fmt.Sprintf("%d encounters", n)
}
