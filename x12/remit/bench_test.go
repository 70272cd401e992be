package remit

import (
	"bytes"
	"io"
	"os"
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

// BenchmarkSmallFiles decodes each 835 of the corpus (a few KB each) as
// its own stream, as the gateway decodes the files payers send: there the
// cost of starting a stream counts as much as that of each segment. The
// baseline, in the same run, reads the same streams with the bare reader.
func BenchmarkSmallFiles(b *testing.B) {
	var files [][]byte
	size := 0
	for _, name := range x12test.CorpusIn(b, "835") {
		data, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
		size += len(data)
	}
	run := func(name string, read func(data []byte) error) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, data := range files {
					if err := read(data); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
	run("decode", func(data []byte) error {
		_, _, err := Decode(bytes.NewReader(data))
		return err
	})
	run("reader", func(data []byte) error {
		r := x12.NewReader(bytes.NewReader(data))
		for {
			if _, err := r.Read(); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
		}
	})
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
