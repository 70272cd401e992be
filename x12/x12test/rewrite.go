package x12test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/x12"
)

// Rewrite writes f again: each interchange and group with the same
// parties, versions and delimiters (a line break after each segment, a
// repetition separator ^ where 5010 wants one and the file has none), and
// each transaction set that has typed content written from it by write,
// with ST02 1, 2, ... in its group. Sets without content are left out.
func Rewrite(tb testing.TB, f *x12.File, write func(w *x12.Writer, st02 int, content any) error) []byte {
	tb.Helper()
	var buf bytes.Buffer
	at := time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC)
	for i, ic := range f.Interchanges {
		d, err := x12.ParseDelimiters(ic.Delimiters)
		if err != nil {
			tb.Fatal(err)
		}
		if d.Repetition == 0 && ic.Version >= "00402" {
			d.Repetition = '^'
		}
		if d.Segment != '\n' {
			d.Suffix = "\n"
		}
		w := x12.NewWriter(&buf, d)
		usage := byte('P')
		if ic.Usage == "T" {
			usage = 'T'
		}
		w.BeginInterchange(x12.InterchangeHeader{
			SenderQualifier: ic.SenderQualifier, SenderID: isaID(ic.SenderID),
			ReceiverQualifier: ic.ReceiverQualifier, ReceiverID: isaID(ic.ReceiverID),
			Time: at, Version: ic.Version, ControlNumber: i + 1, Usage: usage,
		})
		for j, g := range ic.Groups {
			w.BeginGroup(x12.GroupHeader{FunctionalID: g.FunctionalID, SenderCode: g.SenderCode, ReceiverCode: g.ReceiverCode,
				Time: at, ControlNumber: j + 1, Version: g.Version})
			n := 0
			for _, t := range g.Transactions {
				if c := t.Content(); c != nil {
					n++
					if err := write(w, n, c); err != nil {
						tb.Fatalf("set %s: %v", t.ControlNumber, err)
					}
				}
			}
			w.EndGroup()
		}
		w.EndInterchange()
		if err := w.Flush(); err != nil {
			tb.Fatal(err)
		}
	}
	return buf.Bytes()
}

// isaID is an ISA06 or ISA08 without its padding, cut to its 15
// characters when a sample's is longer.
func isaID(id string) string {
	id = strings.TrimRight(id, " ")
	return id[:min(15, len(id))]
}

// Unposition zeroes, in place, every x12.Position that v (a pointer, or a
// slice of pointers, to a typed model) holds or points at, so that models
// decoded from different bytes compare with reflect.DeepEqual.
func Unposition(v any) {
	unposition(reflect.ValueOf(v), map[seenKey]bool{})
}

var positionType = reflect.TypeOf(x12.Position{})

// seenKey is a pointer walked already: its address and type (a pointer to
// a struct and one to its first field share the address).
type seenKey struct {
	at uintptr
	t  reflect.Type
}

func unposition(v reflect.Value, seen map[seenKey]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		k := seenKey{v.Pointer(), v.Type()}
		if v.IsNil() || seen[k] {
			return
		}
		seen[k] = true
		unposition(v.Elem(), seen)
	case reflect.Interface:
		if !v.IsNil() {
			unposition(v.Elem(), seen)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			unposition(v.Index(i), seen)
		}
	case reflect.Struct:
		if v.Type() == positionType {
			if v.CanSet() {
				v.SetZero()
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				unposition(v.Field(i), seen)
			}
		}
	}
}

// Pyx12AsValid checks that the independent validator finds no error in
// each written file (by the sample it was written from) where it finds
// none in the sample, its known false positives aside. It skips as Pyx12
// does when the tool is absent.
func Pyx12AsValid(t *testing.T, written map[string][]byte) {
	t.Helper()
	if len(written) == 0 {
		t.Skip("no file written")
	}
	dir := t.TempDir()
	var files []string
	out := map[string]string{}
	for sample, data := range written {
		name := filepath.Join(dir, filepath.Base(sample))
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		out[sample] = name
		files = append(files, sample, name)
	}
	errs := Pyx12Errors(t, files...)
	for sample, name := range out {
		if len(errs[sample]) == 0 && len(errs[name]) > 0 {
			t.Errorf("pyx12 finds no error in %s and finds in what was written from it:\n  %s", filepath.Base(sample), strings.Join(errs[name], "\n  "))
		}
	}
}

// Severe are the errors among errs (not the warnings).
func Severe(errs []*x12.Error) []*x12.Error {
	var out []*x12.Error
	for _, e := range errs {
		if e.Severity == x12.SeverityError {
			out = append(out, e)
		}
	}
	return out
}

// Errors are the errors (not the warnings) of data read with decoders,
// as claimsgw x12 validate reads it with sets.Checkers().
func Errors(t *testing.T, data []byte, decoders x12.DecoderFunc) []*x12.Error {
	t.Helper()
	f, err := x12.ReadFileWith(bytes.NewReader(data), decoders)
	if err != nil {
		t.Fatal(err)
	}
	return Severe(f.Errors)
}

// AsValid checks that out, a file written again, is as valid as in when
// read with decoders: no error in out where in had none.
func AsValid(t *testing.T, in, out []byte, decoders x12.DecoderFunc) {
	t.Helper()
	if len(Errors(t, in, decoders)) > 0 {
		return
	}
	for _, e := range Errors(t, out, decoders) {
		t.Errorf("x12 validate finds in what Write wrote: %s", e)
	}
}
