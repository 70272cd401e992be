package encounter

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12/claim"
)

// BenchmarkEncounterTo837 takes typical professional encounters (3 lines,
// 4 diagnoses), scrubbed, from the encounter model to 837 bytes: mapping
// and writing, 1,000 claims an op. BenchmarkEncounterJSONTo837 starts from
// their JSON (decode and scrub too: the intake stage's cost), and
// BenchmarkEncounterWriteOnly is the writer alone on the same claims, so
// each step reads as a ratio.
func BenchmarkEncounterTo837(b *testing.B) {
	encounters := decoded(b, typicalEncounters(b, 1000))
	batch := benchBatch()
	b.ReportAllocs()
	for b.Loop() {
		claims := make([]claim.Claim, len(encounters))
		for i, e := range encounters {
			claims[i] = ToClaim(e, claim.Payer{Name: "SIM HEALTH PLAN", ID: "SIMPAYER"})
		}
		if _, err := claim.Write(io.Discard, batch, claims); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(encounters))/b.Elapsed().Seconds(), "claims/s")
}

func BenchmarkEncounterJSONTo837(b *testing.B) {
	raws := typicalEncounters(b, 1000)
	batch := benchBatch()
	b.ReportAllocs()
	for b.Loop() {
		claims := make([]claim.Claim, len(raws))
		for i, e := range decoded(b, raws) {
			claims[i] = ToClaim(e, claim.Payer{Name: "SIM HEALTH PLAN", ID: "SIMPAYER"})
		}
		if _, err := claim.Write(io.Discard, batch, claims); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(raws))/b.Elapsed().Seconds(), "claims/s")
}

func BenchmarkEncounterWriteOnly(b *testing.B) {
	encounters := decoded(b, typicalEncounters(b, 1000))
	claims := make([]claim.Claim, len(encounters))
	for i, e := range encounters {
		claims[i] = ToClaim(e, claim.Payer{Name: "SIM HEALTH PLAN", ID: "SIMPAYER"})
	}
	batch := benchBatch()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := claim.Write(io.Discard, batch, claims); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(claims))/b.Elapsed().Seconds(), "claims/s")
}

// decoded decodes and scrubs encounters, as intake does.
func decoded(b *testing.B, raws [][]byte) []*Encounter {
	out := make([]*Encounter, len(raws))
	for i, raw := range raws {
		e, err := Decode(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		if probs := Scrub(e, Options{Now: today}); HasErrors(probs) {
			b.Fatal(probs)
		}
		out[i] = e
	}
	return out
}

// typicalEncounters are the contract's professional example with 3 lines
// and 4 diagnoses, each with its own id and PCN.
func typicalEncounters(b *testing.B, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		s := strings.NewReplacer(
			`"enc-2026-000123"`, fmt.Sprintf(`"enc-%06d"`, i),
			`PCN000123`, fmt.Sprintf("PCN%06d", i),
			`"total_charge": "235.00"`, `"total_charge": "270.00"`,
			`"diagnoses": [{"code": "J10.1"}, {"code": "R50.9"}]`, `"diagnoses": [{"code": "J10.1"}, {"code": "R50.9"}, {"code": "E11.9"}, {"code": "I10"}]`,
			`"diagnosis_pointers": [1]}`, `"diagnosis_pointers": [1]}, {"line_id": "L3", "procedure": {"code": "85025"}, "charge": "35.00", "units": "1", "service_date": "2026-11-02", "diagnosis_pointers": [3, 4]}`,
		).Replace(professionalJSON)
		out[i] = []byte(s)
	}
	e, err := Decode(bytes.NewReader(out[0]))
	if err != nil || len(e.ServiceLines) != 3 || len(e.Claim.Diagnoses) != 4 {
		b.Fatalf("typical encounter: %v", err)
	}
	return out
}

func benchBatch() claim.Batch {
	return claim.Batch{SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: "SIMPAYER", Usage: 'T',
		Time: today, InterchangeControlNumber: 1, GroupControlNumber: 1, TransactionControlNumber: 1, ReferenceID: "B1",
		Submitter: claim.Submitter{Name: "CLAIMSGW", ID: "CLAIMSGW", ContactName: "EDI", Phone: "8005550100"},
		Receiver:  claim.Receiver{Name: "SIM HEALTH PLAN", ID: "SIMPAYER"}}
}
