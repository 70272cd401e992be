package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// importCodeSets imports every file of dir into the demo's ledger
// (`claimsgw demo --codesets DIR`), as `claimsgw codesets import` does,
// and returns the sets loaded, for the payer simulator to adjudicate by.
func importCodeSets(ctx context.Context, ledgerFile, dir string) (*codeset.Bundle, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("code sets: %w", err)
	}
	l, err := ledger.Open(ctx, ledger.SQLite, ledgerFile)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue // a directory, a hidden file; a link is followed
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("code sets: %w", err)
		}
		if _, _, err := l.ImportCodeSet(ctx, e.Name(), "", data); err != nil {
			return nil, err
		}
	}
	b, _, err := l.CodeSets(ctx)
	return b, err
}

// codingErrors are what WithCodingErrors puts on an encounter, in turn:
// each caught by the official ICD-10-CM and HCPCS sets alone.
var codingErrors = []func(e map[string]any){
	func(e map[string]any) { diagnosesOf(e)[0]["code"] = "E11" },      // header_code: a category, not billable
	func(e map[string]any) { diagnosesOf(e)[0]["code"] = "W01.0XXA" }, // external_cause_first
	func(e map[string]any) { // duplicate_diagnosis
		d := diagnosesOf(e)
		d = append(d, map[string]any{"code": d[0]["code"]})
		e["claim"].(map[string]any)["diagnoses"] = d
	},
	func(e map[string]any) { // terminated_code: A4466 ended on 2016-12-31
		for _, l := range e["service_lines"].([]any) {
			if p, ok := l.(map[string]any)["procedure"].(map[string]any); ok {
				p["code"] = "A4466"
				return
			}
		}
	},
}

func diagnosesOf(e map[string]any) []map[string]any {
	var out []map[string]any
	for _, d := range e["claim"].(map[string]any)["diagnoses"].([]any) {
		out = append(out, d.(map[string]any))
	}
	e["claim"].(map[string]any)["diagnoses"] = out
	return out
}

// WithCodingErrors gives the last k encounters a coding error each that
// the scrubber's code-set edits catch (a header diagnosis, an external
// cause first, a diagnosis twice, a terminated HCPCS code, in turn), for
// `claimsgw demo --codesets`.
func WithCodingErrors(encounters [][]byte, k int) [][]byte {
	out := slices.Clone(encounters)
	for i := max(0, len(out)-k); i < len(out); i++ {
		var e map[string]any
		if err := json.Unmarshal(out[i], &e); err != nil {
			panic(err) // the demo's own encounters
		}
		codingErrors[(len(out)-1-i)%len(codingErrors)](e)
		b, err := json.Marshal(e)
		if err != nil {
			panic(err)
		}
		out[i] = b
	}
	return out
}
