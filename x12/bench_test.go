package x12_test

import (
	"bytes"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// benchClaims makes the benchmark file about 10 MB: the issue asks for at
// least 8 MB and 20,000 claims.
const benchClaims = 24000

var benchFile = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := x12test.Remittance(&buf, x12.DefaultDelimiters, benchClaims, 1); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

var sink int

// BenchmarkRead reads a large generated 835 segment by segment. Its
// bare-split sub-benchmark is the ceiling: bytes.IndexByte on the terminator
// and the element separator of the same bytes, with no delimiter detection,
// envelope checks or positions. Read the two as a ratio.
func BenchmarkRead(b *testing.B) {
	data := benchFile()
	b.Run("bare-split", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			segs, elems := 0, 0
			rest := data
			for len(rest) > 0 {
				i := bytes.IndexByte(rest, '~')
				if i < 0 {
					break
				}
				seg := rest[:i]
				rest = rest[i+1:]
				segs++
				for {
					j := bytes.IndexByte(seg, '*')
					if j < 0 {
						break
					}
					elems++
					seg = seg[j+1:]
				}
			}
			sink = segs + elems
		}
	})
	b.Run("reader", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		segs := 0
		for b.Loop() {
			r := x12.NewReader(bytes.NewReader(data))
			segs = 0
			for {
				s, err := r.Read()
				if err != nil {
					if err != io.EOF {
						b.Fatal(err)
					}
					break
				}
				segs++
				sink += s.Len()
			}
			if len(r.Errors()) > 0 {
				b.Fatal(r.Errors()[0])
			}
		}
		b.ReportMetric(float64(segs), "segments/op")
	})
}

// BenchmarkWrite writes the segments of the benchmark file, element by
// element, with the envelope builder filling in SE, GE and IEA. The input is
// a flat list of calls, so that the benchmark measures the Writer rather than
// the walk over its input.
func BenchmarkWrite(b *testing.B) {
	type call struct {
		kind byte // 'B'egin, 'E'lement, 'C'omponent, e'N'd
		v    string
	}
	var calls []call
	r := x12.NewReader(bytes.NewReader(benchFile()))
	for {
		s, err := r.Read()
		if err != nil {
			break
		}
		switch s.ID() {
		case "ISA", "GS", "ST", "SE", "GE", "IEA":
			continue
		}
		calls = append(calls, call{'B', s.ID()})
		for n := 1; n <= s.Len(); n++ {
			for i, c := range strings.Split(s.Str(n), ":") {
				calls = append(calls, call{"EC"[min(i, 1)], c})
			}
		}
		calls = append(calls, call{'N', ""})
	}
	var out countWriter
	write := func() {
		w := x12.NewWriter(&out, x12.DefaultDelimiters)
		w.BeginInterchange(x12.InterchangeHeader{SenderQualifier: "ZZ", SenderID: "A", ReceiverQualifier: "ZZ", ReceiverID: "B", ControlNumber: 1, Usage: 'T'})
		w.BeginGroup(x12.GroupHeader{FunctionalID: "HP", SenderCode: "A", ReceiverCode: "B", ControlNumber: 1, Version: "005010X221A1"})
		w.BeginTransaction("835", 1, "")
		for _, c := range calls {
			switch c.kind {
			case 'B':
				w.Begin(c.v)
			case 'E':
				w.Element(c.v)
			case 'C':
				w.Component(c.v)
			case 'N':
				w.End()
			}
		}
		w.EndTransaction()
		w.EndGroup()
		w.EndInterchange()
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	write()
	b.SetBytes(out.n)
	out.n = 0
	b.ReportAllocs()
	for b.Loop() {
		write()
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// Reading allocates nothing per segment once warm: the allocations of a
// whole read do not grow with the number of segments.
func TestReadAllocationsDoNotGrow(t *testing.T) {
	small := generate(t, 200)
	large := generate(t, 4000)
	count := func(data []byte) float64 {
		return testing.AllocsPerRun(5, func() {
			r := x12.NewReader(bytes.NewReader(data))
			for {
				if _, err := r.Read(); err != nil {
					break
				}
			}
		})
	}
	a, b := count(small), count(large)
	if b > a+2 {
		t.Errorf("reading %d bytes allocates %.0f times, %d bytes %.0f times: allocations grow with the input", len(small), a, len(large), b)
	}
}

// A stream far larger than the Reader's buffer is read with memory bounded
// by the buffer, not the stream.
func TestReadMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 256 MB")
	}
	body := generate(t, 2000)
	// One interchange header, then the body's transaction sets over and over.
	first := bytes.Index(body, []byte("ST*835"))
	last := bytes.LastIndex(body, []byte("GE*"))
	head, txs := body[:first], body[first:last]
	const size = 256 << 20
	reps := size / len(txs)
	trailer := []byte("GE*" + strconv.Itoa(reps) + "*1~IEA*1*000000101~")
	src := io.MultiReader(bytes.NewReader(head), &repeatReader{data: txs, n: reps}, bytes.NewReader(trailer))

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := x12.NewReader(src)
	segs := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		segs++
	}
	runtime.ReadMemStats(&after)
	// The stream repeats one transaction set, so its ST02 too: those
	// errors are the test's making, and bounded; no other may come.
	for _, e := range r.Errors() {
		if e.Code != x12.CodeDuplicateControl && e.Code != x12.CodeTooManyErrors {
			t.Fatalf("%d errors, one: %v", len(r.Errors()), e)
		}
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("read %d MB, %d segments, allocated %d KB in all", size>>20, segs, allocated>>10)
	if allocated > 4<<20 {
		t.Errorf("reading %d MB allocated %d KB", size>>20, allocated>>10)
	}
}

func generate(t testing.TB, claims int) []byte {
	var buf bytes.Buffer
	if err := x12test.Remittance(&buf, x12.DefaultDelimiters, claims, 7); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type repeatReader struct {
	data []byte
	n    int // repetitions left
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.data[r.off:])
	r.off += n
	if r.off == len(r.data) {
		r.off = 0
		r.n--
	}
	return n, nil
}
