package encounter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// keyProblems finds what encoding/json lets through in an object's keys
// and the contract does not: a key that differs from a field's name but in
// case ("Payer_ID", which encoding/json takes for payer_id), and a key
// given twice in one object (encoding/json keeps the last value and drops
// the first without a word). raw is one JSON value that encoding/json has
// read without a syntax error. The contract's names are lowercase
// snake_case, so a key that matched a field only case-insensitively has a
// character outside a-z, 0-9 and _: snakeCase reports those. Duplicates
// are reported at the path of the second key.
//
// It counts the values below the top (each key's value and each array
// element) as it goes; past MaxValues it stops and returns the one
// problem too_many_values, as what it found until then is not every
// problem.
func keyProblems(raw []byte, snakeCase bool) []Problem {
	// It runs on every encounter: it allocates nothing unless it finds a
	// problem, an escaped key or an object of more than scanKeys keys.
	// The keys of the open objects are views of raw, in one list; each
	// object's start where it begins.
	var frames [16]keyFrame
	var keyBuf [64][]byte
	stack, keys := frames[:0], keyBuf[:0]
	var probs []Problem
	wantKey := false
	values := 0
	for i := 0; i < len(raw); i++ {
		if values > MaxValues {
			return []Problem{{Path: "", Code: CodeTooManyValues, Severity: SeverityError,
				Message: fmt.Sprintf("more than %d values (fields and array elements): an encounter has at most %d", MaxValues, MaxValues)}}
		}
		switch raw[i] {
		case '{':
			stack = append(stack, keyFrame{object: true, first: len(keys)})
			wantKey = true
		case '[':
			stack = append(stack, keyFrame{first: len(keys)})
			wantKey = false
			if j := skipSpace(raw, i+1); raw[j] != ']' {
				values++ // its first element; a comma stands before each other
			}
		case '}', ']':
			keys = keys[:stack[len(stack)-1].first]
			stack = stack[:len(stack)-1]
			wantKey = false
		case ',':
			if top := &stack[len(stack)-1]; top.object {
				wantKey = true
			} else {
				top.index++
				values++
			}
		case '"':
			start, escaped := i, false
			for i++; raw[i] != '"'; i++ {
				if raw[i] == '\\' {
					i++
					escaped = true
				}
			}
			if !wantKey {
				continue
			}
			wantKey = false
			key := raw[start+1 : i]
			if escaped {
				var k string
				_ = json.Unmarshal(raw[start:i+1], &k) // valid JSON: it cannot fail
				key = []byte(k)
			}
			top := &stack[len(stack)-1]
			top.key = key
			if snakeCase && !isSnakeCase(key) {
				probs = append(probs, Problem{Path: keyPath(stack), Code: CodeUnknownField,
					Message: "no such field: field names are snake_case, matched exactly", Severity: SeverityError})
			}
			values++
			if top.seen == nil && len(keys)-top.first == scanKeys {
				// Scanning the earlier keys for each key is quadratic in
				// the object's keys: past a few, they go in a set.
				top.seen = make(map[string]struct{}, 2*scanKeys)
				for _, k := range keys[top.first:] {
					top.seen[string(k)] = struct{}{}
				}
			}
			dup := false
			if top.seen != nil {
				_, dup = top.seen[string(key)]
				top.seen[string(key)] = struct{}{}
			} else {
				for _, k := range keys[top.first:] {
					if bytes.Equal(k, key) {
						dup = true
						break
					}
				}
				keys = append(keys, key)
			}
			if dup {
				probs = append(probs, Problem{Path: keyPath(stack), Code: CodeDuplicateField,
					Message: "the field is given twice in its object", Severity: SeverityError})
			}
		}
	}
	return probs
}

// scanKeys is how many keys of an object keyProblems compares a key
// with one by one; an object of more has them in a set. The contract's
// largest object, claim, has 16 fields: an encounter's never need one.
const scanKeys = 32

// skipSpace returns the index of the first byte from i on that is not
// JSON white space.
func skipSpace(raw []byte, i int) int {
	for raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r' {
		i++
	}
	return i
}

// keyFrame is an object or array keyProblems is in.
type keyFrame struct {
	object bool
	key    []byte              // object: the key of the value being read
	first  int                 // where its keys (an object's) start in the list of keys
	seen   map[string]struct{} // an object's keys once it has more than scanKeys; the list then holds the first scanKeys
	index  int                 // array: the index of the value being read
}

// keyPath is the path of the key last read in the innermost frame.
func keyPath(stack []keyFrame) string {
	var b strings.Builder
	for _, f := range stack {
		if !f.object {
			fmt.Fprintf(&b, "[%d]", f.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(ShownID(string(f.key))) // up to 64 bytes, as ids
	}
	return b.String()
}

func isSnakeCase(s []byte) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
