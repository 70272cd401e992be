package x12_test

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/x12"
)

var writeTime = time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC)

var header = x12.InterchangeHeader{
	SenderQualifier: "ZZ", SenderID: "SENDER", ReceiverQualifier: "ZZ", ReceiverID: "RECEIVER",
	Time: writeTime, ControlNumber: 1, Usage: 'P',
}

var group = x12.GroupHeader{
	FunctionalID: "HC", SenderCode: "SENDER", ReceiverCode: "RECEIVER",
	Time: writeTime, ControlNumber: 1, Version: "005010X222A1",
}

// The envelope builder writes, with any delimiter set and line break, the
// bytes interchange makes of the templates; the ISA is 106 bytes with its
// terminator; the Reader reads the result back without an error.
func TestWriterDelimiters(t *testing.T) {
	star := x12.DefaultDelimiters
	tests := []struct {
		name string
		d    x12.Delimiters
	}{
		{"* : ^ ~", star},
		{"element |", x12.Delimiters{Element: '|', Component: ':', Repetition: '^', Segment: '~'}},
		{"element ~ terminator '", x12.Delimiters{Element: '~', Component: ':', Repetition: '^', Segment: '\''}},
		{"element ^ repetition {", x12.Delimiters{Element: '^', Component: ':', Repetition: '{', Segment: '~'}},
		{"terminator newline", x12.Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '\n'}},
		{"terminator CR", x12.Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '\r'}},
		{"component >, LF", x12.Delimiters{Element: '*', Component: '>', Repetition: '^', Segment: '~', Suffix: "\n"}},
		{"component <, CRLF", x12.Delimiters{Element: '*', Component: '<', Repetition: '^', Segment: '~', Suffix: "\r\n"}},
		{"CR", x12.Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~', Suffix: "\r"}},
		{"00401, no repetition separator", x12.Delimiters{Element: '*', Component: ':', Segment: '~'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			w := x12.NewWriter(&out, tt.d)
			h := header
			isa, hi := isa501, "HI*ABK:J449^ABF:E119"
			if tt.d.Repetition == 0 {
				h.Version, isa, hi = "00401", isa401, "HI*ABK:J449"
			}
			w.BeginInterchange(h)
			w.BeginGroup(group)
			w.BeginTransaction("837", 1, "005010X222A1")
			w.Begin("HI")
			w.Element("ABK")
			w.Component("J449")
			if tt.d.Repetition != 0 {
				w.Repeat("ABF")
				w.Component("E119")
			}
			w.End()
			w.Begin("SV1")
			w.Element("HC")
			w.Component("99214")
			w.Component("25")
			w.Element("185")
			w.End()
			w.EndTransaction()
			w.EndGroup()
			w.EndInterchange()
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			want := interchange(tt.d, isa, body[0], body[1], hi, body[3], body[4], body[5], body[6])
			if out.String() != want {
				t.Errorf("\n got %q\nwant %q", out.String(), want)
			}
			if w.Count() != 8 {
				t.Errorf("Count() = %d, want 8", w.Count())
			}
			if i := bytes.IndexByte(out.Bytes(), tt.d.Segment); i != 105 {
				t.Errorf("ISA is %d bytes with its terminator, want 106", i+1)
			}
			res := readString(out.String(), nil)
			if res.err != io.EOF || len(res.errs) != 0 {
				t.Fatalf("reading it back: %v, %v", res.err, res.errs)
			}
			if got := ids(res.segs); !slices.Equal(got, bodyIDs) {
				t.Errorf("read back %q", got)
			}
			if got := res.segs[0].Delimiters(); got != tt.d {
				t.Errorf("read back with delimiters %+v, want %+v", got, tt.d)
			}
		})
	}
}

// ISA fields are padded to their fixed widths, whatever their length.
func TestWriterISAPadding(t *testing.T) {
	var out bytes.Buffer
	w := x12.NewWriter(&out, x12.DefaultDelimiters)
	w.BeginInterchange(x12.InterchangeHeader{
		AuthorizationQualifier: "03", AuthorizationInfo: "AUTH", SecurityQualifier: "01", SecurityInfo: "SECRET",
		SenderQualifier: "30", SenderID: "123456789012345", ReceiverQualifier: "01", ReceiverID: "X",
		Time: time.Date(2027, 1, 2, 3, 4, 0, 0, time.UTC), Version: "00501", ControlNumber: 987654321, AckRequested: true, Usage: 'T',
	})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "ISA*03*AUTH      *01*SECRET    *30*123456789012345*01*X              *270102*0304*^*00501*987654321*1*T*:~"
	if out.String() != want || len(want) != 106 {
		t.Errorf("\n got %q\nwant %q", out.String(), want)
	}
}

// SE01 counts the segments from ST to SE, GE01 the transaction sets, IEA01
// the groups; the trailers repeat the headers' control numbers.
func TestWriterEnvelopeCounts(t *testing.T) {
	var out bytes.Buffer
	w := x12.NewWriter(&out, x12.Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~', Suffix: "\n"})
	h := header
	h.ControlNumber = 4242
	w.BeginInterchange(h)
	g := group
	g.ControlNumber = 17
	w.BeginGroup(g)
	w.BeginTransaction("837", 1, "005010X222A1")
	w.Segment("BHT", "0019", "00", "B1")
	w.Segment("NM1", "41", "2", "CLAIMSGW")
	w.EndTransaction()
	w.BeginTransaction("837", 123456, "")
	w.EndTransaction()
	w.EndGroup()
	g.ControlNumber, g.FunctionalID = 999999999, "HP"
	w.BeginGroup(g)
	w.BeginTransaction("835", 9, "")
	w.Segment("BPR", "I", "10")
	w.EndTransaction()
	w.EndGroup()
	w.EndInterchange()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "~\n"), "~\n")
	want := []string{
		"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1015*^*00501*000004242*0*P*:",
		"GS*HC*SENDER*RECEIVER*20261120*1015*17*X*005010X222A1",
		"ST*837*0001*005010X222A1",
		"BHT*0019*00*B1",
		"NM1*41*2*CLAIMSGW",
		"SE*4*0001",
		"ST*837*123456",
		"SE*2*123456",
		"GE*2*17",
		"GS*HP*SENDER*RECEIVER*20261120*1015*999999999*X*005010X222A1",
		"ST*835*0009",
		"BPR*I*10",
		"SE*3*0009",
		"GE*1*999999999",
		"IEA*2*000004242",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if res := readString(out.String(), nil); res.err != io.EOF || len(res.errs) != 0 || len(res.segs) != len(want) {
		t.Errorf("reading it back: %d segments, %v, %v", len(res.segs), res.err, res.errs)
	}
}

// Trailing empty elements, components and repetitions are left out; inner
// empty ones are kept.
func TestWriterTrailingEmpty(t *testing.T) {
	tests := []struct {
		name  string
		write func(w *x12.Writer)
		want  string
	}{
		{"elements", func(w *x12.Writer) { w.Segment("NM1", "IL", "1", "", "", "", "", "", "MI", "", "") }, "NM1*IL*1******MI~"},
		{"all empty", func(w *x12.Writer) { w.Segment("DTP", "", "") }, "DTP~"},
		{"no elements", func(w *x12.Writer) { w.Segment("LX") }, "LX~"},
		{"components", func(w *x12.Writer) {
			w.Begin("SV1")
			w.Element("HC")
			w.Component("99214")
			w.Component("")
			w.Component("")
			w.Element("185")
			w.Element("")
			w.End()
		}, "SV1*HC:99214*185~"},
		{"inner empty component", func(w *x12.Writer) {
			w.Begin("SV1")
			w.Element("HC")
			w.Component("")
			w.Component("25")
			w.End()
		}, "SV1*HC::25~"},
		{"empty first component", func(w *x12.Writer) {
			w.Begin("CLM")
			w.Element("")
			w.Component("B")
			w.End()
		}, "CLM*:B~"},
		{"empty component then element", func(w *x12.Writer) {
			w.Begin("CLM")
			w.Element("")
			w.Component("")
			w.Element("X")
			w.End()
		}, "CLM**X~"},
		{"repetitions", func(w *x12.Writer) {
			w.Begin("HI")
			w.Element("A")
			w.Repeat("")
			w.Repeat("")
			w.Element("B")
			w.Repeat("")
			w.End()
		}, "HI*A*B~"},
		{"inner empty repetition", func(w *x12.Writer) {
			w.Begin("HI")
			w.Element("A")
			w.Repeat("")
			w.Repeat("B")
			w.End()
		}, "HI*A^^B~"},
		{"repetition after an empty component", func(w *x12.Writer) {
			w.Begin("HI")
			w.Element("ABK")
			w.Component("")
			w.Repeat("ABF")
			w.Component("E119")
			w.Component("")
			w.End()
		}, "HI*ABK^ABF:E119~"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			w := x12.NewWriter(&out, x12.DefaultDelimiters)
			tt.write(w)
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

// Data holding a delimiter is refused, never stripped; so is any misuse. The
// first error sticks: later calls write nothing and Flush returns it.
func TestWriterErrors(t *testing.T) {
	pipe := x12.Delimiters{Element: '|', Component: '>', Repetition: '{', Segment: '\n'}
	read := func(in string) *x12.Segment {
		res := readString(interchange(pipe, isa501, in), nil)
		if len(res.segs) != 2 {
			t.Fatalf("reading %q: %d segments", in, len(res.segs))
		}
		return res.segs[1]
	}
	ref := read("REF*EA*A~B") // REF02 holds ~, which is data with | > { \n
	tests := []struct {
		name  string
		d     x12.Delimiters
		write func(w *x12.Writer)
		msg   string
	}{
		{"element separator in an element", x12.DefaultDelimiters, func(w *x12.Writer) { w.Segment("NM1", "IL", "A*B") }, `NM102: data holds the delimiter '*'`},
		{"component separator in an element", x12.DefaultDelimiters, func(w *x12.Writer) { w.Segment("NM1", "IL", "1", "A:B") }, `NM103: data holds the delimiter ':'`},
		{"repetition separator in an element", x12.DefaultDelimiters, func(w *x12.Writer) { w.Segment("NM1", "A^B") }, `NM101: data holds the delimiter '^'`},
		{"terminator in an element", x12.DefaultDelimiters, func(w *x12.Writer) { w.Segment("NM1", "A~B") }, `NM101: data holds the delimiter '~'`},
		{"newline terminator in an element", pipe, func(w *x12.Writer) { w.Segment("NM1", "A\nB") }, `NM101: data holds the delimiter '\n'`},
		{"delimiter in a component", x12.DefaultDelimiters, func(w *x12.Writer) {
			w.Begin("SV1")
			w.Element("HC")
			w.Component("9*9")
		}, `SV101: data holds the delimiter '*'`},
		{"delimiter in a repetition", x12.DefaultDelimiters, func(w *x12.Writer) {
			w.Begin("HI")
			w.Element("A")
			w.Element("B")
			w.Repeat("C:D~")
		}, `HI02: data holds the delimiter ':'`},
		{"delimiter in an ISA field", x12.DefaultDelimiters, func(w *x12.Writer) {
			h := header
			h.SenderID = "SEND*ER"
			w.BeginInterchange(h)
		}, "ISA06 holds a delimiter"},
		{"delimiter in a GS element", x12.DefaultDelimiters, func(w *x12.Writer) {
			w.BeginInterchange(header)
			g := group
			g.SenderCode = "A^B"
			w.BeginGroup(g)
		}, `GS02: data holds the delimiter '^'`},
		{"WriteSegment: data holds the writer's delimiter", x12.DefaultDelimiters, func(w *x12.Writer) { w.WriteSegment(ref) }, `REF02: data holds the delimiter '~'`},
		{"WriteSegment: no repetition separator", x12.Delimiters{Element: '*', Component: ':', Segment: '~'}, func(w *x12.Writer) { w.WriteSegment(read("HI*A^B")) }, "HI01: the writer's delimiters have no repetition separator"},
		{"repetition without a separator", x12.Delimiters{Element: '*', Component: ':', Segment: '~'}, func(w *x12.Writer) {
			w.Begin("HI")
			w.Element("A")
			w.Repeat("B")
		}, "HI01: the delimiters have no repetition separator"},
		{"00501 without a repetition separator", x12.Delimiters{Element: '*', Component: ':', Segment: '~'}, func(w *x12.Writer) { w.BeginInterchange(header) }, "ISA12 00501 needs a repetition separator"},
		{"invalid delimiters", x12.Delimiters{Element: '*', Component: '*', Segment: '~'}, func(w *x12.Writer) { w.Segment("LX", "1") }, "are both '*'"},
		{"suffix after a newline terminator", x12.Delimiters{Element: '*', Component: ':', Segment: '\n', Suffix: "\n"}, func(w *x12.Writer) { w.Segment("LX", "1") }, "takes no line break"},
		{"segment ID", x12.DefaultDelimiters, func(w *x12.Writer) { w.Segment("LOOP", "1") }, `segment ID "LOOP"`},
		{"component before an element", x12.DefaultDelimiters, func(w *x12.Writer) {
			w.Begin("SV1")
			w.Component("HC")
		}, "SV1: component before the first element"},
		{"element outside a segment", x12.DefaultDelimiters, func(w *x12.Writer) { w.Element("A") }, "outside a segment"},
		{"segment begun inside a segment", x12.DefaultDelimiters, func(w *x12.Writer) {
			w.Begin("LX")
			w.Begin("SV1")
		}, "SV1 begun before LX ended"},
		{"flush inside a segment", x12.DefaultDelimiters, func(w *x12.Writer) {
			w.Begin("LX")
			w.Flush()
		}, "flush inside segment LX"},
		{"ISA field too long", x12.DefaultDelimiters, func(w *x12.Writer) {
			h := header
			h.ReceiverID = "A123456789012345"
			w.BeginInterchange(h)
		}, "ISA08 is 16 characters, at most 15"},
		{"ISA13 out of range", x12.DefaultDelimiters, func(w *x12.Writer) {
			h := header
			h.ControlNumber = 1000000000
			w.BeginInterchange(h)
		}, "ISA13 control number 1000000000"},
		{"usage indicator", x12.DefaultDelimiters, func(w *x12.Writer) {
			h := header
			h.Usage = 'X'
			w.BeginInterchange(h)
		}, "ISA15 usage indicator 'X'"},
		{"GS without ISA", x12.DefaultDelimiters, func(w *x12.Writer) { w.BeginGroup(group) }, "GS needs an open interchange"},
		{"ST without GS", x12.DefaultDelimiters, func(w *x12.Writer) {
			w.BeginInterchange(header)
			w.BeginTransaction("837", 1, "")
		}, "ST needs an open group"},
		{"SE without ST", x12.DefaultDelimiters, func(w *x12.Writer) { w.EndTransaction() }, "SE without an open transaction set"},
		{"IEA with a group open", x12.DefaultDelimiters, func(w *x12.Writer) {
			w.BeginInterchange(header)
			w.BeginGroup(group)
			w.EndInterchange()
		}, "IEA needs an open interchange and no open group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			w := x12.NewWriter(&out, tt.d)
			tt.write(w)
			err := w.Error()
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Error() = %v, want one holding %q", err, tt.msg)
			}
			// Sticky: nothing more is written, every call keeps the error.
			w.Segment("LX", "1")
			w.BeginInterchange(header)
			if w.Error() != err {
				t.Errorf("Error() changed to %v", w.Error())
			}
			if ferr := w.Flush(); ferr != err {
				t.Errorf("Flush() = %v, want %v", ferr, err)
			}
			if out.Len() != 0 {
				t.Errorf("wrote %q after an error", out.String())
			}
		})
	}
}

// WriteSegment writes a segment as read, trailing empty elements included,
// translating its component and repetition separators.
func TestWriterWriteSegment(t *testing.T) {
	pipe := x12.Delimiters{Element: '|', Component: '>', Repetition: '{', Segment: '\n'}
	res := readString(interchange(pipe, isa501, "NM1*IL*1***", "HI*ABK:J449^ABF:E119*", "SV1*HC:99214:::*1"), nil)
	if len(res.segs) != 4 {
		t.Fatalf("read %d segments", len(res.segs))
	}
	var out bytes.Buffer
	w := x12.NewWriter(&out, x12.Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~', Suffix: "\r\n"})
	for _, s := range res.segs {
		w.WriteSegment(s)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := isa501 + "~\r\nNM1*IL*1***~\r\nHI*ABK:J449^ABF:E119*~\r\nSV1*HC:99214:::*1~\r\n"
	if out.String() != want {
		t.Errorf("\n got %q\nwant %q", out.String(), want)
	}
}

func TestWriterOutputError(t *testing.T) {
	w := x12.NewWriter(failWriter{}, x12.DefaultDelimiters)
	w.Segment("LX", "1")
	if err := w.Flush(); !errors.Is(err, errDisk) {
		t.Fatalf("Flush() = %v, want %v", err, errDisk)
	}
	if w.Error() != errDisk {
		t.Errorf("Error() = %v", w.Error())
	}
}

var errDisk = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errDisk }
