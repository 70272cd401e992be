package claim

import (
	"io"
	"testing"
)

// BenchmarkWrite837P writes typical professional claims (3 lines, 4
// diagnoses, a rendering provider; 100 subscribers under one billing
// provider) from Claim structs to bytes.
func BenchmarkWrite837P(b *testing.B) {
	claims := make([]Claim, 1000)
	for i := range claims {
		claims[i] = professional(i, subscriber(i%100))
	}
	batch := testBatch()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Write(io.Discard, batch, claims); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(claims))/b.Elapsed().Seconds(), "claims/s")
}
