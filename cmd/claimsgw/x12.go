package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/ack"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/sets"
)

// validateResult is one file's outcome in `x12 validate --json`.
type validateResult struct {
	File     string       `json:"file"`
	Valid    bool         `json:"valid"`
	Segments int          `json:"segment_count"`
	Errors   []*x12.Error `json:"errors"`
	Unread   string       `json:"unreadable,omitempty"` // why the file could not be read
}

func x12Validate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("validate", stderr, "claimsgw x12 validate [--json] [--level N] FILE...")
	asJSON := fs.Bool("json", false, "print one JSON object for machines")
	level := fs.Int("level", x12.LevelSituational, "check up to this SNIP level: 1 syntax and envelopes, 2 the implementation guide, 3 balancing, 4 situational rules")
	files, ok := parseFiles(fs, args)
	if !ok {
		return exitUnreadable
	}
	if *level < 1 || *level > x12.LevelSituational {
		fmt.Fprintf(stderr, "claimsgw x12 validate: --level %d: want 1 to 4\n", *level)
		return exitUnreadable
	}
	return eachFile(stdout, files, *asJSON, func(name string) (validateResult, int) {
		res := validateFile(name, stdin, *level)
		switch {
		case res.Unread != "":
			return res, exitUnreadable
		case !res.Valid:
			return res, exitInvalid
		}
		return res, exitOK
	}, writeValidated)
}

// writeValidated prints a file's errors and verdict, a line each.
func writeValidated(w io.Writer, res validateResult) {
	for _, e := range res.Errors {
		fmt.Fprintf(w, "%s: %v\n", res.File, e)
	}
	switch {
	case res.Unread != "":
		fmt.Fprintf(w, "%s: cannot be read: %s\n", res.File, res.Unread)
	case res.Valid:
		fmt.Fprintf(w, "%s: valid (%d segments)\n", res.File, res.Segments)
	default:
		fmt.Fprintf(w, "%s: invalid (%d segments)\n", res.File, res.Segments)
	}
}

// validateFile reads a file through once: envelopes, syntax, and each
// transaction set's own rules (balancing, required segments) where it has
// a typed model. Each set's content is dropped once checked, so memory is
// bounded by the largest set, not the file.
func validateFile(name string, stdin io.Reader, level int) validateResult {
	res := validateResult{File: name, Errors: []*x12.Error{}}
	f, err := open(name, stdin)
	if err != nil {
		res.Unread = err.Error()
		return res
	}
	defer f.Close()
	doc, err := x12.ReadFileWith(f, sets.Checkers())
	if err != nil {
		res.Unread = err.Error()
		return res
	}
	res.Segments = doc.Segments
	for _, e := range doc.Errors {
		if max(e.Level, x12.LevelSyntax) <= level {
			res.Errors = append(res.Errors, e)
		}
	}
	res.Valid = !x12.HasErrors(res.Errors)
	if e := notX12(doc.Errors); e != nil {
		res.Unread = e.Error()
	}
	return res
}

// notX12 is the error that says a file is not X12 at all (empty, or not
// beginning with an ISA: JSON, a binary file), or nil. Such a file cannot
// be read (exit 2), as a missing one; one that is X12 with errors is
// invalid (exit 1).
func notX12(errs []*x12.Error) *x12.Error {
	for _, e := range errs {
		if e.Code == x12.CodeNotX12 {
			return e
		}
	}
	return nil
}

// readFile reads a file's envelope structure; it prints why not and returns
// exitUnreadable when it cannot.
// onFile reads a file whole and hands it to show with buffered standard
// output. The exit code is readFile's, or 2 when show fails.
func onFile(cmd, name string, stdin io.Reader, stdout, stderr io.Writer, show func(out io.Writer, doc *x12.File) error) int {
	doc, code := readFile(name, stdin, stderr)
	if doc == nil {
		return code
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	if err := show(out, doc); err != nil {
		fmt.Fprintf(stderr, "claimsgw x12 %s: %v\n", cmd, err)
		return exitUnreadable
	}
	return code
}

func readFile(name string, stdin io.Reader, stderr io.Writer) (*x12.File, int) {
	f, err := open(name, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "%s: cannot be read: %v\n", name, err)
		return nil, exitUnreadable
	}
	defer f.Close()
	doc, err := x12.ReadFileWith(f, sets.Decoders())
	if err != nil {
		fmt.Fprintf(stderr, "%s: cannot be read: %v\n", name, err)
		return nil, exitUnreadable
	}
	if e := notX12(doc.Errors); e != nil {
		fmt.Fprintf(stderr, "%s: cannot be read: %v\n", name, e)
		return nil, exitUnreadable
	}
	if x12.HasErrors(doc.Errors) {
		return doc, exitInvalid
	}
	return doc, exitOK
}

func x12JSON(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("json", stderr, "claimsgw x12 json [--carc FILE] [--rarc FILE] FILE")
	carcFile := fs.String("carc", "", "CARC descriptions (code, description: CSV or TSV) to add for the adjustment reasons in the file")
	rarcFile := fs.String("rarc", "", "RARC descriptions (same format) to add for the remark codes in the file")
	name, ok := parseFile(fs, args)
	if !ok {
		return exitUnreadable
	}
	var carc, rarc remit.ReasonCodes
	for _, f := range []struct {
		path string
		into *remit.ReasonCodes
	}{{*carcFile, &carc}, {*rarcFile, &rarc}} {
		if f.path == "" {
			continue
		}
		var err error
		if *f.into, err = remit.LoadReasonCodes(f.path); err != nil {
			fmt.Fprintf(stderr, "claimsgw x12 json: %v\n", err)
			return exitUnreadable
		}
	}
	return onFile("json", name, stdin, stdout, stderr, func(out io.Writer, doc *x12.File) error {
		return writeJSON(out, withDescriptions(doc, carc, rarc))
	})
}

// described is the JSON document with the descriptions of the reason and
// remark codes it holds, from the operator's files.
type described struct {
	*x12.File
	CARC map[string]string `json:"carc,omitempty"`
	RARC map[string]string `json:"rarc,omitempty"`
}

func withDescriptions(doc *x12.File, carc, rarc remit.ReasonCodes) described {
	d := described{File: doc}
	add := func(m *map[string]string, codes remit.ReasonCodes, code string) {
		if desc := codes.Describe(code); desc != "" {
			if *m == nil {
				*m = map[string]string{}
			}
			(*m)[code] = desc
		}
	}
	for _, ic := range doc.Interchanges {
		for _, g := range ic.Groups {
			for _, t := range g.Transactions {
				r, ok := t.Remittance.(*remit.Remittance)
				if !ok {
					continue
				}
				for _, c := range r.Claims {
					for _, a := range c.Adjustments {
						add(&d.CARC, carc, a.Reason)
					}
					for _, l := range c.ServiceLines {
						for _, a := range l.Adjustments {
							add(&d.CARC, carc, a.Reason)
						}
						for _, code := range l.Remarks {
							add(&d.RARC, rarc, code)
						}
					}
					for _, adj := range []*remit.Adjudication{c.Inpatient, c.Outpatient} {
						if adj != nil {
							for _, code := range adj.Remarks {
								add(&d.RARC, rarc, code)
							}
						}
					}
				}
			}
		}
	}
	return d
}

func x12Inspect(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("inspect", stderr, "claimsgw x12 inspect FILE")
	name, ok := parseFile(fs, args)
	if !ok {
		return exitUnreadable
	}
	return onFile("inspect", name, stdin, stdout, stderr, func(out io.Writer, doc *x12.File) error {
		writeSummary(out, name, doc)
		return nil
	})
}

// writeSummary prints what a person wants to know of a file first.
func writeSummary(w io.Writer, name string, doc *x12.File) {
	fmt.Fprintf(w, "%s: %d interchanges, %d segments\n", name, len(doc.Interchanges), doc.Segments)
	for _, ic := range doc.Interchanges {
		fmt.Fprintf(w, "interchange %s  %s:%s -> %s:%s  %s %s  usage %s  version %s  delimiters %q\n",
			ic.ControlNumber, ic.SenderQualifier, ic.SenderID, ic.ReceiverQualifier, ic.ReceiverID,
			ic.Date, ic.Time, ic.Usage, ic.Version, ic.Delimiters)
		for _, t := range ic.TA1 {
			fmt.Fprintf(w, "  TA1 for interchange %s: %s (%s), note %s\n", t.ControlNumber, t.Code, ta1Codes[t.Code], t.NoteCode)
		}
		for _, g := range ic.Groups {
			fmt.Fprintf(w, "  group %s %s  %s -> %s  %s %s  version %s  %d transaction sets\n",
				g.FunctionalID, g.ControlNumber, g.SenderCode, g.ReceiverCode, g.Date, g.Time, g.Version, len(g.Transactions))
			for _, line := range summarizeTransactions(g.Transactions) {
				fmt.Fprintf(w, "    %s\n", line)
			}
		}
	}
	errs, warns := 0, 0
	for _, e := range doc.Errors {
		if e.Severity == x12.SeverityWarning {
			warns++
		} else {
			errs++
		}
	}
	fmt.Fprintf(w, "%d errors, %d warnings\n", errs, warns)
	for _, e := range doc.Errors {
		fmt.Fprintf(w, "  %v\n", e)
	}
}

var ta1Codes = map[string]string{"A": "accepted", "E": "accepted with errors", "R": "rejected"}

// summarizeTransactions lists transaction sets one a line, or by type when
// there are many.
func summarizeTransactions(txs []*x12.Transaction) []string {
	var lines []string
	if len(txs) <= 10 {
		for _, t := range txs {
			lines = append(lines, fmt.Sprintf("%s %s  %s  %d segments", t.Type, t.ControlNumber, t.Implementation, t.Segments))
		}
		return lines
	}
	type agg struct{ n, segs int }
	var order []string
	by := map[string]*agg{}
	for _, t := range txs {
		k := strings.TrimSpace(t.Type + " " + t.Implementation)
		if by[k] == nil {
			by[k] = &agg{}
			order = append(order, k)
		}
		by[k].n++
		by[k].segs += t.Segments
	}
	for _, k := range order {
		lines = append(lines, fmt.Sprintf("%s  x%d  %d segments", k, by[k].n, by[k].segs))
	}
	return lines
}

func x12Fmt(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("fmt", stderr, `claimsgw x12 fmt [--delims "*:^~"] [--newline=false] FILE`)
	delims := fs.String("delims", "", `delimiters to write, in the order element, component, repetition, terminator (e.g. "*:^~"; default: each interchange's own)`)
	newline := fs.Bool("newline", true, "write a line break after each segment")
	name, ok := parseFile(fs, args)
	if !ok {
		return exitUnreadable
	}
	var want *x12.Delimiters
	if *delims != "" {
		d, err := x12.ParseDelimiters(*delims)
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw x12 fmt: %v\n", err)
			return exitUnreadable
		}
		want = &d
	}
	f, err := open(name, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "%s: cannot be read: %v\n", name, err)
		return exitUnreadable
	}
	defer f.Close()
	code, err := reformat(f, stdout, want, *newline)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		if code == exitInvalid {
			return code
		}
		return exitUnreadable
	}
	return code
}

// reformat copies the segments of in to out, each interchange with want's
// delimiters (or its own). Reader errors are printed after the segments and
// make the result exitInvalid.
func reformat(in io.Reader, out io.Writer, want *x12.Delimiters, newline bool) (int, error) {
	r := x12.NewReader(in)
	var w *x12.Writer
	for {
		s, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if w != nil {
				w.Flush()
			}
			var e *x12.Error
			if errors.As(err, &e) && e.Code != x12.CodeNotX12 {
				return exitInvalid, err
			}
			return exitUnreadable, err
		}
		if s.ID() == "ISA" || w == nil {
			if w != nil {
				if err := w.Flush(); err != nil {
					return exitInvalid, err
				}
			}
			d := r.Delimiters()
			if want != nil {
				d = *want
			}
			d.Suffix = ""
			if newline && d.Segment != '\n' && d.Segment != '\r' {
				d.Suffix = "\n"
			}
			w = x12.NewWriter(out, d)
		}
		w.WriteSegment(s)
		if err := w.Error(); err != nil {
			return exitInvalid, fmt.Errorf("segment %d at offset %d: %w", s.Index, s.Offset, err)
		}
	}
	if w != nil {
		if err := w.Flush(); err != nil {
			return exitInvalid, err
		}
	}
	if x12.HasErrors(r.Errors()) {
		var msgs []string
		for _, e := range r.Errors() {
			msgs = append(msgs, e.Error())
		}
		return exitInvalid, errors.New("the file has errors:\n  " + strings.Join(msgs, "\n  "))
	}
	return exitOK, nil
}

// x12Ack prints what a strict payer would send back for a file: for each
// interchange, a TA1 R when its envelope is wrong (its IEA, a GS that
// cannot be read), else a 999 for each of its groups (after a TA1 A when
// ISA14 asks for one), from every problem x12 validate finds (the guides'
// rules included). Exit as x12 validate:
// 0 when every set is accepted, 1 when one is not.
func x12Ack(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("ack", stderr, "claimsgw x12 ack FILE")
	name, ok := parseFile(fs, args)
	if !ok {
		return exitUnreadable
	}
	f, err := open(name, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "%s: cannot be read: %v\n", name, err)
		return exitUnreadable
	}
	defer f.Close()
	// Decoded, not only checked: an 837's claims name the claim of each
	// error in the 999 (CTX*CLM01).
	doc, err := x12.ReadFileWith(f, sets.Decoders())
	if err != nil {
		fmt.Fprintf(stderr, "%s: cannot be read: %v\n", name, err)
		return exitUnreadable
	}
	if e := notX12(doc.Errors); e != nil || len(doc.Interchanges) == 0 {
		fmt.Fprintf(stderr, "%s: cannot be read: not X12\n", name)
		return exitUnreadable
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	d := x12.DefaultDelimiters
	d.Suffix = "\n"
	w := x12.NewWriter(out, d)
	now := time.Now().UTC()
	code, groups := exitOK, 0
	for i, ic := range doc.Interchanges {
		w.BeginInterchange(x12.InterchangeHeader{SenderQualifier: ic.ReceiverQualifier, SenderID: ic.ReceiverID,
			ReceiverQualifier: ic.SenderQualifier, ReceiverID: ic.SenderID, Time: now, ControlNumber: i + 1, Usage: usageOf(ic.Usage)})
		errs := doc.InterchangeErrors(i)
		if note := ack.TA1Note(ic, errs); note != "" {
			ack.WriteTA1(w, ic.ControlNumber, now, "R", note)
			w.EndInterchange()
			code = exitInvalid
			continue
		}
		if ic.AckRequested { // ISA14 1: a TA1 A besides the 999
			ack.WriteTA1(w, ic.ControlNumber, now, "A", "000")
		}
		// A 999 for each group, in an FA group of its own from the group's
		// receiver (GS03) back to its sender (GS02).
		for j, g := range ic.Groups {
			groups++
			w.BeginGroup(x12.GroupHeader{FunctionalID: "FA", SenderCode: cmp.Or(g.ReceiverCode, ic.ReceiverID), ReceiverCode: cmp.Or(g.SenderCode, ic.SenderID),
				Time: now, ControlNumber: groups, Version: "005010X231A1"})
			a := ack.For(g, errs)
			if a.Group.Code != "A" {
				code = exitInvalid
			}
			ack.Write(w, j+1, a)
			w.EndGroup()
		}
		w.EndInterchange()
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "claimsgw x12 ack: %v\n", err)
		return exitUnreadable
	}
	return code
}

func usageOf(u string) byte {
	if u == "P" {
		return 'P'
	}
	return 'T'
}
