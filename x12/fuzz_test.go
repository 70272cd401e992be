package x12_test

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/claimsgw/claimsgw/x12"
)

// corpusDir is shared/x12-corpus, beside the repository.
var corpusDir = filepath.Join("..", "..", "shared", "x12-corpus")

// addSeeds seeds f with every file of the corpus and with hand-written
// interchanges that cover the delimiter variants and envelope errors.
func addSeeds(f *testing.F) {
	n := 0
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f.Add(b)
		n++
		return nil
	})
	if err != nil || n == 0 {
		f.Logf("x12 corpus not found at %s (%v): seeding with hand-written interchanges only", corpusDir, err)
	}
	star := x12.DefaultDelimiters
	second := x12.Delimiters{Element: '|', Component: '>', Segment: '\n'}
	for _, s := range []string{
		std(star),
		std(x12.Delimiters{Element: '~', Component: ':', Repetition: '^', Segment: '\''}),
		std(x12.Delimiters{Element: '^', Component: '<', Repetition: '{', Segment: '~', Suffix: "\r\n"}),
		std(x12.Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '\r'}),
		"\xEF\xBB\xBF" + strings.ReplaceAll(std(star), "~", "~\n\n  "),
		strings.Replace(std(star), "SENDER         *", "SENDER*", 1),
		std(star) + interchange(second, isa401, "TA1*000000009*261120*1015*A*000", "IEA*0*000000001"),
		interchange(star, isa501, "GS*HC*S*R*20261131*2460*1*X*5", "BHT*1", "ST*837*0001", "SE*9*0002", "SE*1*1", "GE*3*01", "TA1*1"),
		std(star)[:200],
		isa501 + "~GS*HC*A*B~ST*837*0001~BHT*" + strings.Repeat("9", 300),
		isa501 + "~GS*HC*A*B~ST*837*0001~BHT*" + strings.Repeat("9", 600) + "~SE*3*0001~", // over MaxSegmentSize, terminated
		"",
		"ISA*00~",
	} {
		f.Add([]byte(s))
	}
}

// FuzzReader: any bytes are read without a panic; segments are views of the
// input at strictly increasing offsets; errors point inside the input, at
// the segment they name; the result does not depend on how the input is
// split into reads.
func FuzzReader(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		const maxSeg = 512 // small, to reach segment_too_long
		whole := readFrom(bytes.NewReader(data), func(r *x12.Reader) { r.MaxSegmentSize = maxSeg })
		prev := int64(-1)
		for i, s := range whole.segs {
			if s.Index != i+1 {
				t.Fatalf("segment %d has Index %d", i+1, s.Index)
			}
			if s.Offset <= prev {
				t.Fatalf("segment %d at offset %d, after %d", i+1, s.Offset, prev)
			}
			prev = s.Offset
			end := s.Offset + int64(len(s.Bytes()))
			if end > int64(len(data)) || !bytes.Equal(data[s.Offset:end], s.Bytes()) {
				t.Fatalf("segment %d at offset %d is not the input's bytes there: %q", i+1, s.Offset, s.Bytes())
			}
			if len(s.Bytes()) > maxSeg {
				t.Fatalf("segment %d has %d bytes, over MaxSegmentSize", i+1, len(s.Bytes()))
			}
			if err := s.Delimiters().Validate(); err != nil {
				t.Fatalf("segment %d: %v", i+1, err)
			}
		}
		errs := whole.errs
		if e, ok := whole.err.(*x12.Error); ok {
			errs = append(errs[:len(errs):len(errs)], e)
		} else if whole.err != io.EOF {
			t.Fatalf("read ended with %v", whole.err)
		}
		for _, e := range errs {
			if e.Offset < 0 || e.Offset > int64(len(data)) {
				t.Fatalf("error offset %d outside the input (%d bytes): %v", e.Offset, len(data), e)
			}
			if e.SegmentIndex < 0 || e.SegmentIndex > len(whole.segs) {
				t.Fatalf("error about segment %d of %d: %v", e.SegmentIndex, len(whole.segs), e)
			}
			if e.SegmentID != "" {
				if s := whole.segs[e.SegmentIndex-1]; s.ID() != e.SegmentID || s.Offset != e.Offset {
					t.Fatalf("error %v names segment %d, which is %s at offset %d", e, e.SegmentIndex, s.ID(), s.Offset)
				}
			}
			if e.Code == "" || e.Message == "" || (e.Severity != x12.SeverityError && e.Severity != x12.SeverityWarning) {
				t.Fatalf("incomplete error %+v", e)
			}
		}

		bytewise := readFrom(iotest.OneByteReader(bytes.NewReader(data)), func(r *x12.Reader) { r.MaxSegmentSize = maxSeg })
		if a, b := summary(whole), summary(bytewise); a != b {
			t.Fatalf("read whole and one byte at a time differ:\n%s\n%s", a, b)
		}
	})
}

func summary(res readResult) string {
	var b strings.Builder
	for _, s := range res.segs {
		fmt.Fprintf(&b, "%d %d %q %v\n", s.Offset, s.Index, s.Bytes(), s.Delimiters())
	}
	for _, e := range res.errs {
		fmt.Fprintf(&b, "%+v\n", *e)
	}
	fmt.Fprintf(&b, "%v\n", res.err)
	return b.String()
}

// FuzzRoundTrip: what the Reader returns, written with the same delimiters,
// reads back as the same segments. The Writer may refuse only what is not a
// segment it can write: a segment without a valid ID, or an ISA that does
// not hold 16 clean elements (its interchange is then left out).
func FuzzRoundTrip(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		first := readFrom(bytes.NewReader(data), nil)
		var out bytes.Buffer
		var w *x12.Writer
		var want []*x12.Segment
		for _, s := range first.segs {
			if s.ID() == "ISA" {
				if w != nil {
					if err := w.Flush(); err != nil {
						t.Fatal(err)
					}
				}
				w = x12.NewWriter(&out, s.Delimiters())
				if w.WriteSegment(s); w.Error() != nil {
					w = nil // the writer refuses this ISA: skip its interchange
					continue
				}
				want = append(want, s)
				continue
			}
			if w == nil || s.ID() == "" {
				continue
			}
			if w.WriteSegment(s); w.Error() != nil {
				t.Fatalf("writing segment %d %q: %v", s.Index, s.Bytes(), w.Error())
			}
			want = append(want, s)
		}
		if w != nil {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
		if len(want) == 0 {
			return // nothing to read back: an empty stream is not X12
		}
		again := readFrom(bytes.NewReader(out.Bytes()), nil)
		if again.err != io.EOF {
			t.Fatalf("reading back %q: %v", out.Bytes(), again.err)
		}
		if len(again.segs) != len(want) {
			t.Fatalf("read back %d segments, want %d:\n%q", len(again.segs), len(want), out.Bytes())
		}
		for i, s := range again.segs {
			if s.ID() != want[i].ID() || !bytes.Equal(s.Bytes(), want[i].Bytes()) || s.Delimiters() != want[i].Delimiters() {
				t.Fatalf("segment %d read back as %q %v, want %q %v", i+1, s.Bytes(), s.Delimiters(), want[i].Bytes(), want[i].Delimiters())
			}
		}
	})
}
