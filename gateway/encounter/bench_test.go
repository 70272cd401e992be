package encounter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkCheck decodes and checks one encounter per iteration. The
// baseline decodes the same bytes into a map with encoding/json, so the
// cost of the scrubber reads as a ratio measured in the same run.
func BenchmarkCheck(b *testing.B) {
	for _, src := range []struct{ name, json string }{{"professional", professionalJSON}, {"institutional", institutionalJSON}} {
		data := []byte(src.json)
		b.Run(src.name+"/baseline=json.Unmarshal", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var m map[string]any
				if err := json.Unmarshal(data, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(src.name+"/decode+check", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				e, err := Decode(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				if probs := Scrub(e, Options{Now: today}); HasErrors(probs) {
					b.Fatal(probs)
				}
			}
		})
	}
}

// BenchmarkKeyProblems reads one object of n distinct keys, up to
// MaxValues (past it the check stops). A linear check takes the same time
// per key whatever n; the baseline, json.Valid on the same bytes, is a
// linear scan to read it against.
func BenchmarkKeyProblems(b *testing.B) {
	for _, n := range []int{1, 1000, 100000} {
		data := manyKeys(n)
		b.Run(fmt.Sprintf("keys=%d/baseline=json.Valid", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if !json.Valid(data) {
					b.Fatal("not JSON")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
		})
		b.Run(fmt.Sprintf("keys=%d/keyProblems", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if probs := keyProblems(data, true); probs != nil {
					b.Fatal(probs)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
		})
	}
}

// manyKeys is an object of n distinct keys: {"k0": 0, "k1": 1, ...}.
func manyKeys(n int) []byte {
	b := []byte{'{'}
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = fmt.Appendf(b, `"k%d": %d`, i, i)
	}
	return append(b, '}')
}

// BenchmarkDecodeErrorScrub scrubs what did decode of an encounter of n
// more lines, each with an unknown field and without its required ones: n
// decoding problems, and three times as many the scrubber finds that they
// do not explain. A linear filter takes the same time per line whatever
// n; the baseline, Scrub of the same encounter, is the scrubber alone.
func BenchmarkDecodeErrorScrub(b *testing.B) {
	for _, n := range []int{10, 1000, 30000} {
		src := strings.Replace(institutionalJSON, `"service_lines": [`, `"service_lines": [`+strings.Repeat(`{"a": 0}, `, n), 1)
		_, err := Decode(strings.NewReader(src))
		var de *DecodeError
		if !errors.As(err, &de) || de.Partial == nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("lines=%d/baseline=Scrub", n), func(b *testing.B) {
			for b.Loop() {
				Scrub(de.Partial, Options{Now: today})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/line")
		})
		b.Run(fmt.Sprintf("lines=%d/DecodeError.Scrub", n), func(b *testing.B) {
			for b.Loop() {
				de.Scrub(Options{Now: today})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/line")
		})
	}
}
