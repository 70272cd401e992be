package encounter

import (
	"bytes"
	"encoding/json"
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
