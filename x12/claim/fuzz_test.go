package claim

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/x12/x12test"
)

// FuzzDecode decodes any input without panicking, and what decodes into
// claims the writer takes comes back the same when written and decoded
// again: the decoder reads exactly what the writer writes. Seeds: the
// corpus's 837s and the golden files.
func FuzzDecode(f *testing.F) {
	x12test.SeedCorpus(f, "837P", "837I", "837D")
	golden, _ := filepath.Glob(filepath.Join("testdata", "*.x12"))
	for _, path := range golden {
		in, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(in)
	}
	b := Batch{SenderQualifier: "ZZ", SenderID: "FUZZ", ReceiverQualifier: "ZZ", ReceiverID: "FUZZ", Usage: 'T',
		Time: time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC), InterchangeControlNumber: 1, GroupControlNumber: 1, TransactionControlNumber: 1,
		ReferenceID: "FUZZ", Submitter: Submitter{Name: "FUZZ", ID: "FUZZ", Phone: "8005550100"}, Receiver: Receiver{Name: "FUZZ", ID: "FUZZ"}}
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := Decode(bytes.NewReader(in))
		if err != nil {
			t.Fatal(err) // a bytes.Reader has no I/O errors
		}
		if _, err := json.Marshal(d); err != nil {
			t.Fatal(err)
		}
		claims := d.Claims()
		var buf bytes.Buffer
		if len(claims) == 0 {
			return
		}
		if _, err := Write(&buf, b, claims); err != nil {
			return // not a claim the writer takes: the decoder reads more than it writes
		}
		again, err := Decode(bytes.NewReader(buf.Bytes()))
		if err != nil || len(again.Errors) > 0 {
			t.Fatalf("the writer's own 837 decodes with %v, %v", again.Errors, err)
		}
		got := again.Claims()
		byPCN := map[string]Claim{}
		for _, c := range claims {
			// What the writer fills in where the claim leaves it empty.
			for i := range c.ServiceLines {
				l := &c.ServiceLines[i]
				if l.Procedure.Code != "" && l.Procedure.Qualifier == "" {
					l.Procedure.Qualifier = "HC"
					if c.Type == Dental {
						l.Procedure.Qualifier = "AD"
					}
				}
				if l.UnitType == "" && c.Type != Dental { // SV3 has no unit type
					l.UnitType = "UN"
				}
			}
			byPCN[c.Info.PatientControlNumber+string(c.Type)] = c
		}
		if len(got) != len(claims) {
			t.Fatalf("wrote %d claims, read %d back", len(claims), len(got))
		}
		if len(byPCN) < len(claims) {
			return // two claims with one number: the written order is the writer's, not the input's
		}
		for _, c := range got {
			if want := byPCN[c.Info.PatientControlNumber+string(c.Type)]; !reflect.DeepEqual(c, want) {
				g, _ := json.Marshal(c)
				w, _ := json.Marshal(want)
				t.Errorf("claim %q written and read back:\n got %s\nwant %s", c.Info.PatientControlNumber, g, w)
			}
		}
	})
}
