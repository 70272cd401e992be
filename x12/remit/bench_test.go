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

// BenchmarkModel835 is a floor of BenchmarkDecode835: it builds the same
// typed model, value for value, without reading anything, from the chunks
// the decoder takes its values from (the cheapest of the ways measured:
// one allocation of the exact size per type was slower), strings shared
// with the model it copies. What it costs is what holding the model costs:
// allocating, zeroing, writing and, for the garbage collector, scanning
// it. With BenchmarkDecode835RawReader it is the least a decode of the
// file into this model can take.
func BenchmarkModel835(b *testing.B) {
	data := benchInput()
	rems, errs, err := Decode(bytes.NewReader(data))
	if err != nil || len(errs) != 0 {
		b.Fatalf("errors %v, %v", errs, err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if out := copyModel(rems); len(out) != len(rems) || len(out[0].Claims) != len(rems[0].Claims) {
			b.Fatal("the copy is not the model")
		}
	}
}

// copyModel deep-copies the claims of rems into a new store.
func copyModel(rems []*Remittance) []*Remittance {
	m := &store{}
	out := make([]*Remittance, len(rems))
	for i, r := range rems {
		nr := *r
		out[i] = &nr
		nr.Claims = make([]*Claim, 0, len(r.Claims))
		for _, c := range r.Claims {
			nc := m.claims.new()
			*nc = *c
			for _, nm := range []**Name{&nc.Insured, &nc.CorrectedPatient, &nc.RenderingProvider, &nc.CrossoverCarrier, &nc.CorrectedPriorityPayer, &nc.OtherSubscriber} {
				if *nm != nil {
					n := m.names.new()
					*n = **nm
					*nm = n
				}
			}
			nc.Adjustments = copyList(&m.adjs, c.Adjustments)
			nc.References = copyList(&m.refs, c.References)
			nc.Amounts = copyList(&m.amts, c.Amounts)
			nc.Quantities = copyList(&m.qtys, c.Quantities)
			m.linePtr.begin()
			for _, l := range c.ServiceLines {
				nl := m.lines.new()
				*nl = *l
				nl.Procedure.Modifiers = copyList(&m.mods, l.Procedure.Modifiers)
				nl.Adjustments = copyList(&m.adjs, l.Adjustments)
				nl.References = copyList(&m.refs, l.References)
				nl.Amounts = copyList(&m.amts, l.Amounts)
				nl.Quantities = copyList(&m.qtys, l.Quantities)
				nl.Remarks = copyList(&m.remarks, l.Remarks)
				nc.ServiceLines = m.linePtr.add(nl)
			}
			nr.Claims = append(nr.Claims, nc)
		}
	}
	return out
}

func copyList[T any](s *slab[T], src []T) []T {
	var list []T
	s.begin()
	for _, v := range src {
		list = s.add(v)
	}
	return list
}
