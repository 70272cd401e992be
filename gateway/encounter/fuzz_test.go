package encounter

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder and what decodes, in
// whole or in part, to the scrubber: neither may panic, decode problems
// always say where, and DecodeBytes gives what Decode gives.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(professionalJSON))
	f.Add([]byte(institutionalJSON))
	f.Add([]byte(`{"claim": {"diagnoses": [null, {"code": "J10."}]}, "service_lines": [null, {"diagnosis_pointers": [-1, 99]}]}`))
	f.Add([]byte(`{"claim_type": "institutional", "claim": {"procedures": [{}], "admission": {}}, "patient": {}}`))
	f.Add([]byte(`{"id": 1, "claim": {"total_charge": 5}, "x": null}`))
	f.Add([]byte(`{"ID": "a", "id": "b", "claim": {"Notes": "x", "notes": [1]}, "service_lines": [{}, {"charge": 5, "charge": "5"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Decode(bytes.NewReader(b))
		var de *DecodeError
		if e2, err2 := DecodeBytes(b); (err == nil) != (err2 == nil) || (e == nil) != (e2 == nil) {
			t.Errorf("Decode: %v; DecodeBytes: %v", err, err2)
		}
		if errors.As(err, &de) {
			for _, p := range de.Problems {
				if p.Code == "" || p.Severity != SeverityError {
					t.Errorf("decode problem without code or severity: %+v", p)
				}
			}
			de.Scrub(Options{Now: today})
		}
		if err != nil {
			return
		}
		Check(e, Options{Now: today})
		Scrub(e, Options{Now: today})
	})
}
