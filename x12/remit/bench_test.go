package remit

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// benchClaims makes the benchmark input over 8 MB.
const benchClaims = 24000

var benchInput = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := x12test.Remittance(&buf, x12.DefaultDelimiters, benchClaims, 1); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// BenchmarkDecode835 decodes a large generated 835 into typed models;
// compare with BenchmarkDecode835RawReader, the bare Reader loop over the
// same bytes.
func BenchmarkDecode835(b *testing.B) {
	data := benchInput()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rems, errs, err := Decode(bytes.NewReader(data))
		if err != nil || len(errs) != 0 || len(rems) != benchClaims/x12test.ClaimsPerPayment {
			b.Fatalf("%d remittances, errors %v, %v", len(rems), errs, err)
		}
	}
}

// BenchmarkCheck835 runs every check of the typed decode but keeps
// nothing (Checkers), as claimsgw x12 validate does.
func BenchmarkCheck835(b *testing.B) {
	data := benchInput()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := x12.ReadFileWith(bytes.NewReader(data), Checkers())
		if err != nil || len(f.Errors) != 0 {
			b.Fatalf("errors %v, %v", f.Errors, err)
		}
	}
}

func BenchmarkDecode835RawReader(b *testing.B) {
	data := benchInput()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := x12.NewReader(bytes.NewReader(data))
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestBenchInput(t *testing.T) {
	data := benchInput()
	if len(data) < 8<<20 {
		t.Fatalf("benchmark input is %d bytes, want at least 8 MB", len(data))
	}
	rems, errs, err := Decode(bytes.NewReader(data))
	if err != nil || len(errs) != 0 {
		t.Fatalf("errors %v, %v", errs, err)
	}
	n := 0
	for _, r := range rems {
		n += len(r.Claims)
	}
	if n != benchClaims {
		t.Fatalf("%d claims, want %d", n, benchClaims)
	}
}
