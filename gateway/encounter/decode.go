package encounter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/x12/money"
)

// DecodeError says why a JSON object is not an encounter: each field with an
// unknown name, the wrong JSON type or a malformed amount, by path, or
// that the object is over a limit (MaxBytes, MaxValues). It holds no field
// values.
type DecodeError struct {
	ID       string    // the encounter's id when it could be read, else ""
	Problems []Problem // every problem, in path order
	// Partial is what did decode, the values with problems left out, for
	// Scrub to find the other problems; nil when nothing could be.
	Partial *Encounter
}

// Scrub returns the decoding problems, then the problems the scrubber
// finds in Partial that they do not explain, so that bad input gets every
// problem at once, not the decoding ones first and the others on the next
// try. A decoding problem explains the problems at, below or above its path
// (a field left out is not also "required"), and those that compare fields
// with it (dependsOn). It normalizes Partial.
func (e *DecodeError) Scrub(opts Options) []Problem {
	probs := slices.Clone(e.Problems)
	if e.Partial == nil {
		return probs
	}
	// The decoding problems' paths, and the paths above them: whether one
	// is at, below or above a path is then a lookup for the path and one
	// for each path above it, not a look at every decoding problem (an
	// encounter of thousands of each took minutes).
	at, above := map[string]bool{}, map[string]bool{}
	for _, d := range e.Problems {
		at[d.Path] = true
		for i := range len(d.Path) {
			if d.Path[i] == '.' || d.Path[i] == '[' {
				above[d.Path[:i]] = true
			}
		}
	}
	related := func(path string) bool { // a decoding problem is at path, or one holds the other
		if at[""] || path == "" || at[path] || above[path] {
			return true
		}
		for i := range len(path) {
			if (path[i] == '.' || path[i] == '[') && at[path[:i]] {
				return true
			}
		}
		return false
	}
	explained := func(p Problem) bool {
		if related(p.Path) {
			return true
		}
		for _, dep := range dependsOn[p.Code] {
			if related(dep) {
				return true
			}
		}
		return false
	}
	for _, p := range Scrub(e.Partial, opts) {
		if !explained(p) {
			probs = append(probs, p)
		}
	}
	return probs
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("encounter: not an encounter")
	for i, p := range e.Problems {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-i)
			break
		}
		fmt.Fprintf(&b, "; %s: %s: %s", p.Path, p.Code, p.Message)
	}
	return b.String()
}

// dependsOn names, for the problems that compare fields, the fields they
// compare beside the one at their path.
var dependsOn = map[string][]string{
	CodeTotalMismatch: {"service_lines"},
	CodeBadPointer:    {"claim.diagnoses"},
}

// Decode reads exactly one encounter object from r.
func Decode(r io.Reader) (*Encounter, error) {
	d := NewReader(r)
	e, err := d.Read()
	if err == io.EOF {
		return nil, errors.New("encounter: no JSON object")
	}
	if err != nil {
		return nil, err
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return nil, errors.New("encounter: more after the first JSON value: use a Reader for a stream")
	}
	return e, nil
}

// The limits of one encounter. The largest the contract allows, an 837I of
// 999 lines with every field given, is about 330 KB of JSON (700 KB
// indented by four spaces) and 21,000 values. An object over a limit is a
// DecodeError with the one problem too_large or too_many_values, found
// before it is decoded (too_large) or walked for its problems
// (too_many_values): one message cannot hold a worker for long, nor bring
// a problem for each of a million values.
const (
	MaxBytes  = 1 << 20 // of the object; the API's limit of a body too
	MaxValues = 100000  // each field's value and each array element, at every depth
)

// DecodeBytes decodes exactly one encounter held in memory, as Decode does,
// with one pass over the JSON less (Decode first cuts the object out of its
// stream). Whatever does not decode at once goes through Decode, so the
// errors are Decode's.
func DecodeBytes(data []byte) (*Encounter, error) {
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' || len(data) > MaxBytes {
		return Decode(bytes.NewReader(data))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e Encounter
	if err := dec.Decode(&e); err != nil {
		return Decode(bytes.NewReader(data))
	}
	if _, err := dec.Token(); err != io.EOF || keyProblems(data, true) != nil {
		return Decode(bytes.NewReader(data))
	}
	return &e, nil
}

// Reader reads a stream of encounter objects: JSON lines, or objects one
// after another with any white space between them.
type Reader struct {
	dec *json.Decoder
	n   int
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader { return &Reader{dec: json.NewDecoder(r)} }

// Read returns the next encounter, or io.EOF after the last. A *DecodeError
// means the object was JSON but not an encounter; reading may go on with
// the next object. Any other error means the stream is not JSON (or not a
// stream of objects) and reading cannot go on.
func (r *Reader) Read() (*Encounter, error) {
	var raw json.RawMessage
	if err := r.dec.Decode(&raw); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("encounter: not JSON at byte %d: %v", se.Offset, se)
		}
		return nil, fmt.Errorf("encounter: %w", err)
	}
	r.n++
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("encounter: value %d of the stream is not a JSON object", r.n)
	}
	return unmarshal(raw)
}

// unmarshal decodes one object strictly. When that fails it walks the
// object generically to name every problem by path: encoding/json stops at
// the first and does not say where.
func unmarshal(raw []byte) (*Encounter, error) {
	if len(raw) > MaxBytes {
		return nil, &DecodeError{ID: headID(raw), Problems: []Problem{{Path: "", Code: CodeTooLarge, Severity: SeverityError,
			Message: fmt.Sprintf("%d bytes: an encounter has at most %d (1 MiB)", len(raw), MaxBytes)}}}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var e Encounter
	err := dec.Decode(&e)
	// Without an error, a key that is not snake_case matched a field in
	// another case; with one, walk reports it as unknown.
	keyProbs := keyProblems(raw, err == nil)
	if len(keyProbs) == 1 && keyProbs[0].Code == CodeTooManyValues {
		return nil, &DecodeError{ID: headID(raw), Problems: keyProbs}
	}
	if err == nil {
		if keyProbs != nil {
			return nil, &DecodeError{ID: e.ID, Problems: keyProbs, Partial: &e}
		}
		return &e, nil
	}
	var v map[string]any
	gen := json.NewDecoder(bytes.NewReader(raw))
	gen.UseNumber()
	if gen.Decode(&v) != nil {
		return nil, fmt.Errorf("encounter: %w", err)
	}
	de := &DecodeError{}
	if id, ok := v["id"].(string); ok {
		de.ID = id
	}
	walk(&de.Problems, "", v, reflect.TypeFor[Encounter]())
	de.Problems = append(de.Problems, keyProbs...) // walk's map holds one value of a key
	sort.SliceStable(de.Problems, func(i, j int) bool { return de.Problems[i].Path < de.Problems[j].Path })
	if len(de.Problems) == 0 {
		de.Problems = []Problem{{Code: CodeInvalidJSON, Message: err.Error(), Severity: SeverityError}}
		return nil, de
	}
	// walk took the values with problems out of v: the rest decodes.
	if b, err := json.Marshal(v); err == nil {
		var p Encounter
		if json.Unmarshal(b, &p) == nil {
			de.Partial = &p
		}
	}
	return nil, de
}

// headID is the id of an object not decoded, read alone, or "" when
// there is none (or the object is not JSON).
func headID(raw []byte) string {
	var head struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &head)
	return head.ID
}

var centsType = reflect.TypeFor[money.Cents]()

// walk checks a generic JSON value v against the Go type t the way
// encoding/json would decode it, adding a problem for each mismatch. It
// takes what has a problem out of v: a field out of its object, an element
// of an array set to null; and it reports whether v itself has one, for
// its caller to take it out.
func walk(probs *[]Problem, path string, v any, t reflect.Type) (bad bool) {
	if v == nil {
		return false // null leaves the zero value; Check reports what is required
	}
	problem := func(code, msg string) {
		*probs = append(*probs, Problem{Path: path, Code: code, Message: msg, Severity: SeverityError})
		bad = true
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == centsType:
		s, ok := v.(string)
		if _, err := money.Parse(s); !ok || err != nil {
			problem(CodeInvalidAmount, `want an amount as a JSON string with at most two decimals, like "185.00"`)
		}
	case t.Kind() == reflect.String:
		if _, ok := v.(string); !ok {
			problem(CodeWrongType, "want a string")
		}
	case t.Kind() == reflect.Bool:
		if _, ok := v.(bool); !ok {
			problem(CodeWrongType, "want true or false")
		}
	case t.Kind() == reflect.Int:
		n, ok := v.(json.Number)
		if _, err := strconv.Atoi(string(n)); !ok || err != nil {
			problem(CodeWrongType, "want an integer")
		}
	case t.Kind() == reflect.Slice:
		a, ok := v.([]any)
		if !ok {
			problem(CodeWrongType, "want an array")
			return
		}
		for i, x := range a {
			if walk(probs, fmt.Sprintf("%s[%d]", path, i), x, t.Elem()) {
				a[i] = nil
			}
		}
	case t.Kind() == reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			problem(CodeWrongType, "want an object")
			return
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := join(path, k)
			f, ok := fields[k] // exactly: encoding/json would take "Payer_ID" for payer_id
			if !ok {
				*probs = append(*probs, Problem{Path: p, Code: CodeUnknownField, Message: "no such field", Severity: SeverityError})
				delete(m, k)
				continue
			}
			if walk(probs, p, m[k], f.Type) {
				delete(m, k)
			}
		}
	}
	return bad
}

// jsonFields maps the JSON names of a struct's fields, embedded structs'
// fields included, to the fields.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	m := map[string]reflect.StructField{}
	for f := range t.Fields() {
		if f.Anonymous {
			for k, g := range jsonFields(f.Type) {
				m[k] = g
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		m[name] = f
	}
	return m
}

// join appends a field name to a path.
func join(path, name string) string {
	name = ShownID(name) // a key a problem names is shown up to 64 bytes, as ids are
	if path == "" {
		return name
	}
	return path + "." + name
}
