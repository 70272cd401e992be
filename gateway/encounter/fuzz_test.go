package encounter

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder and what decodes to the
// scrubber: neither may panic, and decode problems always say where.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(professionalJSON))
	f.Add([]byte(institutionalJSON))
	f.Add([]byte(`{"claim": {"diagnoses": [null, {"code": "J10."}]}, "service_lines": [null, {"diagnosis_pointers": [-1, 99]}]}`))
	f.Add([]byte(`{"claim_type": "institutional", "claim": {"procedures": [{}], "admission": {}}, "patient": {}}`))
	f.Add([]byte(`{"id": 1, "claim": {"total_charge": 5}, "x": null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Decode(bytes.NewReader(b))
		var de *DecodeError
		if errors.As(err, &de) {
			for _, p := range de.Problems {
				if p.Code == "" || p.Severity != SeverityError {
					t.Errorf("decode problem without code or severity: %+v", p)
				}
			}
		}
		if err != nil {
			return
		}
		Check(e, Options{Now: today})
		Scrub(e, Options{Now: today})
	})
}
