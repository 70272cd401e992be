package x12_test

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/claimsgw/claimsgw/x12"
)

// Templates are written with * : ^ ~ and translated to the delimiters of a
// test case by interchange.
const (
	isa501 = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1015*^*00501*000000001*0*P*:"
	isa401 = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1015*U*00401*000000001*0*P*:"
)

// body is a transaction set with a composite (SV101), and an element with
// two repetitions of a composite (HI01).
var body = []string{
	"GS*HC*SENDER*RECEIVER*20261120*1015*1*X*005010X222A1",
	"ST*837*0001*005010X222A1",
	"HI*ABK:J449^ABF:E119",
	"SV1*HC:99214:25*185",
	"SE*4*0001",
	"GE*1*1",
	"IEA*1*000000001",
}

var bodyIDs = []string{"ISA", "GS", "ST", "HI", "SV1", "SE", "GE", "IEA"}

// interchange writes segs, given with the template delimiters * : ^, with the
// delimiters of d, each followed by d.Segment and d.Suffix. Without a
// repetition separator, ^ is left as data.
func interchange(d x12.Delimiters, segs ...string) string {
	rep := "^"
	if d.Repetition != 0 {
		rep = string(d.Repetition)
	}
	tr := strings.NewReplacer("*", string(d.Element), ":", string(d.Component), "^", rep)
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(tr.Replace(s))
		b.WriteByte(d.Segment)
		b.WriteString(d.Suffix)
	}
	return b.String()
}

func std(d x12.Delimiters) string {
	return interchange(d, append([]string{isa501}, body...)...)
}

// pick is one value to check: element elem of segment seg (0-based), or its
// component comp, or its repetition rep.
type pick struct {
	seg, elem, comp, rep int
	want                 string
}

func (p pick) get(s *x12.Segment) []byte {
	switch {
	case p.rep > 0:
		return s.Repetition(p.elem, p.rep)
	case p.comp > 0:
		return s.Component(p.elem, p.comp)
	}
	return s.Element(p.elem)
}

// stdPicks are the values of std's segments, with component separator c and
// repetition separator r.
func stdPicks(c, r byte) []pick {
	return []pick{
		{seg: 0, elem: 13, want: "000000001"},
		{seg: 0, elem: 16, want: string(c)},
		{seg: 1, elem: 8, want: "005010X222A1"},
		{seg: 3, elem: 1, comp: 1, want: "ABK"},
		{seg: 3, elem: 1, comp: 2, want: "J449"},
		{seg: 3, elem: 1, rep: 1, want: "ABK" + string(c) + "J449"},
		{seg: 3, elem: 1, rep: 2, want: "ABF" + string(c) + "E119"},
		{seg: 3, elem: 1, rep: 3, want: ""},
		{seg: 4, elem: 1, want: "HC" + string(c) + "99214" + string(c) + "25"},
		{seg: 4, elem: 1, comp: 2, want: "99214"},
		{seg: 4, elem: 1, comp: 3, want: "25"},
		{seg: 4, elem: 1, comp: 4, want: ""},
		{seg: 4, elem: 2, want: "185"},
		{seg: 4, elem: 3, want: ""},
		{seg: 7, elem: 2, want: "000000001"},
	}
}

type readResult struct {
	segs []*x12.Segment
	errs []*x12.Error
	err  error // what ended the reading: io.EOF or a fatal error
}

func readString(in string, setup func(*x12.Reader)) readResult {
	return readFrom(strings.NewReader(in), setup)
}

func readFrom(src io.Reader, setup func(*x12.Reader)) readResult {
	r := x12.NewReader(src)
	if setup != nil {
		setup(r)
	}
	var res readResult
	for {
		s, err := r.Read()
		if err != nil {
			res.err, res.errs = err, r.Errors()
			return res
		}
		res.segs = append(res.segs, s.Clone())
	}
}

func ids(segs []*x12.Segment) []string {
	out := make([]string, len(segs))
	for i, s := range segs {
		out[i] = s.ID()
	}
	return out
}

// codes lists errors as code, with /warning for warnings.
func codes(errs []*x12.Error) []string {
	out := []string{}
	for _, e := range errs {
		c := e.Code
		if e.Severity == x12.SeverityWarning {
			c += "/warning"
		}
		out = append(out, c)
	}
	return out
}

// Each delimiter variant reads to the same segments and values, with the
// delimiters and line break taken from each ISA.
func TestReaderDelimiters(t *testing.T) {
	star := x12.DefaultDelimiters
	with := func(f func(*x12.Delimiters)) x12.Delimiters {
		d := star
		f(&d)
		return d
	}
	pipe := with(func(d *x12.Delimiters) { d.Element = '|' })
	tildeElem := x12.Delimiters{Element: '~', Component: ':', Repetition: '^', Segment: '\''}
	caretElem := x12.Delimiters{Element: '^', Component: ':', Repetition: '{', Segment: '~'}
	quote := with(func(d *x12.Delimiters) { d.Segment = '\'' })
	newline := with(func(d *x12.Delimiters) { d.Segment = '\n' })
	cr := with(func(d *x12.Delimiters) { d.Segment = '\r' })
	lf := with(func(d *x12.Delimiters) { d.Suffix = "\n" })
	crlf := with(func(d *x12.Delimiters) { d.Suffix = "\r\n" })
	crOnly := with(func(d *x12.Delimiters) { d.Suffix = "\r" })
	gt := with(func(d *x12.Delimiters) { d.Component = '>' })
	lt := with(func(d *x12.Delimiters) { d.Component = '<'; d.Suffix = "\n" })
	noRep := with(func(d *x12.Delimiters) { d.Repetition = 0 })

	unpadded := strings.Replace(std(star), "SENDER         *", "SENDER*", 1)
	second := x12.Delimiters{Element: '|', Component: '>', Segment: '\n'}
	twoISA := std(star) + interchange(second,
		strings.Replace(isa401, "000000001", "000000002", 1),
		"TA1*000000009*261120*1015*A*000",
		"IEA*0*000000002")

	tests := []struct {
		name    string
		in      string
		ids     []string
		delims  []x12.Delimiters // of each interchange in turn
		picks   []pick
		offsets []int64 // of the first segments, when checked
		errs    []string
	}{
		{name: "* : ^ ~", in: std(star), ids: bodyIDs, delims: []x12.Delimiters{star}, picks: stdPicks(':', '^'), offsets: []int64{0, 106, 159}},
		{name: "element |", in: std(pipe), ids: bodyIDs, delims: []x12.Delimiters{pipe}, picks: stdPicks(':', '^')},
		{name: "element ~ terminator '", in: std(tildeElem), ids: bodyIDs, delims: []x12.Delimiters{tildeElem}, picks: stdPicks(':', '^')},
		{name: "element ^ repetition {", in: std(caretElem), ids: bodyIDs, delims: []x12.Delimiters{caretElem}, picks: stdPicks(':', '{')},
		{name: "terminator '", in: std(quote), ids: bodyIDs, delims: []x12.Delimiters{quote}, picks: stdPicks(':', '^')},
		{name: "terminator newline", in: std(newline), ids: bodyIDs, delims: []x12.Delimiters{newline}, picks: stdPicks(':', '^')},
		{name: "terminator CR", in: std(cr), ids: bodyIDs, delims: []x12.Delimiters{cr}, picks: stdPicks(':', '^')},
		{name: "line break LF", in: std(lf), ids: bodyIDs, delims: []x12.Delimiters{lf}, picks: stdPicks(':', '^'), offsets: []int64{0, 107, 161}},
		{name: "line break CRLF", in: std(crlf), ids: bodyIDs, delims: []x12.Delimiters{crlf}, picks: stdPicks(':', '^'), offsets: []int64{0, 108, 163}},
		{name: "line break CR", in: std(crOnly), ids: bodyIDs, delims: []x12.Delimiters{crOnly}, picks: stdPicks(':', '^')},
		{name: "component >", in: std(gt), ids: bodyIDs, delims: []x12.Delimiters{gt}, picks: stdPicks('>', '^')},
		{name: "component < and LF", in: std(lt), ids: bodyIDs, delims: []x12.Delimiters{lt}, picks: stdPicks('<', '^')},
		{
			name: "00401: no repetition separator", in: interchange(noRep, append([]string{isa401}, body...)...),
			ids: bodyIDs, delims: []x12.Delimiters{noRep},
			picks: []pick{
				{seg: 0, elem: 11, want: "U"},
				{seg: 0, elem: 12, want: "00401"},
				{seg: 3, elem: 1, rep: 1, want: "ABK:J449^ABF:E119"},
				{seg: 3, elem: 1, rep: 2, want: ""},
				{seg: 3, elem: 1, comp: 2, want: "J449^ABF"},
				{seg: 4, elem: 1, comp: 2, want: "99214"},
			},
		},
		{
			name: "00501 with ISA11 U: no repetition separator", in: interchange(noRep, append([]string{strings.Replace(isa501, "*^*", "*U*", 1)}, body...)...),
			ids: bodyIDs, delims: []x12.Delimiters{noRep},
			picks: []pick{{seg: 3, elem: 1, comp: 2, want: "J449^ABF"}},
		},
		{
			name: "UTF-8 BOM", in: "\xEF\xBB\xBF" + std(star), ids: bodyIDs, delims: []x12.Delimiters{star},
			picks: stdPicks(':', '^'), offsets: []int64{3, 109, 162},
		},
		{
			name: "blank lines and indentation", in: strings.ReplaceAll(std(lf), "~\n", "~\n\r\n  \t\n"),
			ids: bodyIDs, delims: []x12.Delimiters{lf}, picks: stdPicks(':', '^'), offsets: []int64{0, 113, 173},
		},
		{
			name: "ISA not padded", in: unpadded, ids: bodyIDs, delims: []x12.Delimiters{star},
			picks:   []pick{{seg: 0, elem: 6, want: "SENDER"}, {seg: 0, elem: 16, want: ":"}, {seg: 4, elem: 1, comp: 2, want: "99214"}},
			offsets: []int64{0, 97}, errs: []string{"isa_width/warning"},
		},
		{
			name: "two interchanges, two delimiter sets", in: twoISA,
			ids:    append(slices.Clone(bodyIDs), "ISA", "TA1", "IEA"),
			delims: []x12.Delimiters{star, second},
			picks: []pick{
				{seg: 4, elem: 1, comp: 2, want: "99214"},
				{seg: 8, elem: 13, want: "000000002"},
				{seg: 8, elem: 16, want: ">"},
				{seg: 9, elem: 1, want: "000000009"},
				{seg: 9, elem: 5, want: "000"},
				{seg: 10, elem: 2, want: "000000002"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readString(tt.in, nil)
			if res.err != io.EOF {
				t.Fatalf("read ended with %v, want io.EOF", res.err)
			}
			if got := ids(res.segs); !slices.Equal(got, tt.ids) {
				t.Errorf("segment IDs %q, want %q", got, tt.ids)
			}
			isa := -1
			for i, s := range res.segs {
				if s.Index != i+1 {
					t.Errorf("segment %d has Index %d", i+1, s.Index)
				}
				if s.ID() == "ISA" {
					isa++
				}
				if isa >= 0 && isa < len(tt.delims) && s.Delimiters() != tt.delims[isa] {
					t.Errorf("segment %d %s: delimiters %+v, want %+v", i+1, s.ID(), s.Delimiters(), tt.delims[isa])
				}
			}
			if isa+1 != len(tt.delims) {
				t.Errorf("%d interchanges, want %d", isa+1, len(tt.delims))
			}
			for _, p := range tt.picks {
				if p.seg >= len(res.segs) {
					t.Errorf("no segment %d", p.seg)
					continue
				}
				if got := p.get(res.segs[p.seg]); string(got) != p.want {
					t.Errorf("%+v: got %q", p, got)
				}
			}
			for i, off := range tt.offsets {
				if i < len(res.segs) && res.segs[i].Offset != off {
					t.Errorf("segment %d %s at offset %d, want %d", i+1, res.segs[i].ID(), res.segs[i].Offset, off)
				}
			}
			if got, want := codes(res.errs), append([]string{}, tt.errs...); !slices.Equal(got, want) {
				t.Errorf("errors %q, want %q: %v", got, want, res.errs)
			}
		})
	}
}

// wantErr is one expected error. seg is the 1-based index of the segment
// it is about, 0 for the end of the stream.
type wantErr struct {
	code   string
	warn   bool
	seg    int
	id     string
	elem   int
	ic, gp string
	tx     string
}

// Each envelope and syntax problem is reported once, with where it is, and
// reading goes on: every segment is still returned at its offset.
func TestReaderEnvelopeErrors(t *testing.T) {
	const ic = "000000001"
	isa := isa501
	gs := "GS*HC*SENDER*RECEIVER*20261120*1015*1*X*005010X222A1"
	st := "ST*837*0001*005010X222A1"
	bht := "BHT*0019*00*BATCH1*20261120*1015*CH"
	se, ge, iea := "SE*3*0001", "GE*1*1", "IEA*1*000000001"
	// e makes a wantErr; ctl are the ISA13, GS06 and ST02 it must name.
	e := func(code string, seg int, id string, elem int, ctl ...string) wantErr {
		w := wantErr{code: code, seg: seg, id: id, elem: elem}
		ctl = append(ctl, "", "", "")
		w.ic, w.gp, w.tx = ctl[0], ctl[1], ctl[2]
		return w
	}
	warn := func(w wantErr) wantErr { w.warn = true; return w }

	tests := []struct {
		name      string
		segs      []string
		last      string // appended after the last terminator: "" for none
		maxErrors int
		want      []wantErr
	}{
		{name: "valid", segs: []string{isa, gs, st, bht, se, ge, iea}},
		{name: "segment_count", segs: []string{isa, gs, st, bht, "SE*4*0001", ge, iea},
			want: []wantErr{e(x12.CodeSegmentCount, 5, "SE", 1, ic, "1", "0001")}},
		{name: "transaction_count", segs: []string{isa, gs, st, bht, se, "GE*2*1", iea},
			want: []wantErr{e(x12.CodeTransactionCnt, 6, "GE", 1, ic, "1")}},
		{name: "group_count", segs: []string{isa, gs, st, bht, se, ge, "IEA*2*000000001"},
			want: []wantErr{e(x12.CodeGroupCount, 7, "IEA", 1, ic)}},
		{name: "group_count 0 with a TA1 only", segs: []string{isa, "TA1*000000009*261120*1015*R*020", "IEA*1*000000001"},
			want: []wantErr{e(x12.CodeGroupCount, 3, "IEA", 1, ic)}},
		{name: "control_number SE02", segs: []string{isa, gs, st, bht, "SE*3*0002", ge, iea},
			want: []wantErr{e(x12.CodeControlNumber, 5, "SE", 2, ic, "1", "0001")}},
		{name: "control_number GE02", segs: []string{isa, gs, st, bht, se, "GE*1*2", iea},
			want: []wantErr{e(x12.CodeControlNumber, 6, "GE", 2, ic, "1")}},
		{name: "control_number IEA02", segs: []string{isa, gs, st, bht, se, ge, "IEA*1*000000002"},
			want: []wantErr{e(x12.CodeControlNumber, 7, "IEA", 2, ic)}},
		{name: "control_number equal as numbers", segs: []string{isa, gs, st, bht, "SE*3*1", "GE*1*01", "IEA*1*1"},
			want: []wantErr{
				warn(e(x12.CodeControlNumber, 5, "SE", 2, ic, "1", "0001")),
				warn(e(x12.CodeControlNumber, 6, "GE", 2, ic, "1")),
				warn(e(x12.CodeControlNumber, 7, "IEA", 2, ic)),
			}},
		{name: "missing SE before GE", segs: []string{isa, gs, st, bht, ge, iea},
			want: []wantErr{e(x12.CodeMissingTrailer, 5, "GE", 0, ic, "1", "0001")}},
		{name: "missing SE before ST", segs: []string{isa, gs, st, bht, "ST*837*0002", bht, "SE*3*0002", "GE*2*1", iea},
			want: []wantErr{e(x12.CodeMissingTrailer, 5, "ST", 0, ic, "1", "0001")}},
		{name: "missing GE before IEA", segs: []string{isa, gs, st, bht, se, iea},
			want: []wantErr{e(x12.CodeMissingTrailer, 6, "IEA", 0, ic, "1")}},
		{name: "missing GE before GS", segs: []string{isa, gs, st, bht, se, strings.Replace(gs, "*1*X*", "*2*X*", 1), "GE*0*2", "IEA*2*000000001"},
			want: []wantErr{e(x12.CodeMissingTrailer, 6, "GS", 0, ic, "1")}},
		{name: "missing IEA before ISA", segs: []string{isa, gs, st, bht, se, ge, strings.Replace(isa, "000000001", "000000002", 1), "IEA*0*000000002"},
			want: []wantErr{e(x12.CodeMissingTrailer, 7, "ISA", 0, ic)}},
		{name: "missing SE, GE and IEA at the end", segs: []string{isa, gs, st, bht},
			want: []wantErr{
				e(x12.CodeMissingTrailer, 0, "", 0, ic, "1", "0001"),
				e(x12.CodeMissingTrailer, 0, "", 0, ic, "1"),
				e(x12.CodeMissingTrailer, 0, "", 0, ic),
			}},
		{name: "segment before ST", segs: []string{isa, gs, bht, st, bht, se, ge, iea},
			want: []wantErr{e(x12.CodeOutsideEnvelope, 3, "BHT", 0, ic, "1")}},
		{name: "segment between SE and GE", segs: []string{isa, gs, st, bht, se, bht, ge, iea},
			want: []wantErr{e(x12.CodeOutsideEnvelope, 6, "BHT", 0, ic, "1")}},
		{name: "GS without ISA, GE and IEA without their headers",
			segs: []string{isa, gs, st, bht, se, ge, iea, strings.Replace(gs, "*1*X*", "*2*X*", 1), "GE*0*2", ge, iea},
			want: []wantErr{
				e(x12.CodeOutsideEnvelope, 8, "GS", 0),
				e(x12.CodeOutsideEnvelope, 10, "GE", 0),
				e(x12.CodeOutsideEnvelope, 11, "IEA", 0),
			}},
		{name: "ST without GS", segs: []string{isa, st, bht, se, "IEA*0*000000001"},
			want: []wantErr{e(x12.CodeOutsideEnvelope, 2, "ST", 0, ic)}},
		{name: "TA1 after GS", segs: []string{isa, gs, "TA1*000000009*261120*1015*A*000", st, bht, se, ge, iea},
			want: []wantErr{e(x12.CodeOutsideEnvelope, 3, "TA1", 0, ic, "1")}},
		{name: "SE without ST", segs: []string{isa, gs, st, bht, se, se, ge, iea},
			want: []wantErr{e(x12.CodeOutsideEnvelope, 6, "SE", 0, ic, "1")}},
		{name: "element_count GE", segs: []string{isa, gs, st, bht, se, "GE*1*1*X", iea},
			want: []wantErr{e(x12.CodeElementCount, 6, "GE", 0, ic, "1")}},
		{name: "element_count TA1", segs: []string{isa, "TA1*000000009*261120*1015*A", "IEA*0*000000001"},
			want: []wantErr{e(x12.CodeElementCount, 2, "TA1", 0, ic)}},
		{name: "element_count ST", segs: []string{isa, gs, "ST*837*0001*005010X222A1*X", bht, se, ge, iea},
			want: []wantErr{e(x12.CodeElementCount, 3, "ST", 0, ic, "1", "0001")}},
		{name: "unterminated", segs: []string{isa, gs, st, bht, se, ge}, last: "IEA*1*000000001\r\n",
			want: []wantErr{e(x12.CodeUnterminated, 7, "IEA", 0, ic)}},
		{name: "unterminated inside a transaction set", segs: []string{isa, gs, st}, last: "BHT*0019",
			want: []wantErr{
				e(x12.CodeUnterminated, 4, "BHT", 0, ic, "1", "0001"),
				e(x12.CodeMissingTrailer, 0, "", 0, ic, "1", "0001"),
				e(x12.CodeMissingTrailer, 0, "", 0, ic, "1"),
				e(x12.CodeMissingTrailer, 0, "", 0, ic),
			}},
		{name: "text after the interchange", segs: []string{isa, gs, st, bht, se, ge, iea}, last: "hello",
			want: []wantErr{
				e(x12.CodeSyntax, 8, "", 0),
				e(x12.CodeUnterminated, 8, "", 0),
				e(x12.CodeOutsideEnvelope, 8, "", 0),
			}},
		{name: "syntax: segment ID", segs: []string{isa, gs, st, "bht*0019", "B*1", "BHTX*1", se, ge, iea},
			want: []wantErr{
				e(x12.CodeSyntax, 4, "", 0, ic, "1", "0001"),
				e(x12.CodeSyntax, 5, "", 0, ic, "1", "0001"),
				e(x12.CodeSyntax, 6, "", 0, ic, "1", "0001"),
				e(x12.CodeSegmentCount, 7, "SE", 1, ic, "1", "0001"),
			}},
		{name: "syntax: ISA13", segs: []string{strings.Replace(isa, "000000001", "00000000A", 1), gs, st, bht, se, ge, "IEA*1*00000000A"},
			want: []wantErr{e(x12.CodeSyntax, 1, "ISA", 13, "00000000A")}},
		{name: "syntax: ISA09 and ISA10", segs: []string{strings.Replace(isa, "261120*1015", "261131*2460", 1), gs, st, bht, se, ge, iea},
			want: []wantErr{e(x12.CodeSyntax, 1, "ISA", 9, ic), e(x12.CodeSyntax, 1, "ISA", 10, ic)}},
		{name: "syntax: GS04 and GS05", segs: []string{isa, strings.Replace(gs, "20261120*1015", "2026112*1o15", 1), st, bht, se, ge, iea},
			want: []wantErr{e(x12.CodeSyntax, 2, "GS", 4, ic, "1"), e(x12.CodeSyntax, 2, "GS", 5, ic, "1")}},
		{name: "GS05 with seconds", segs: []string{isa, strings.Replace(gs, "20261120*1015", "20261120*101559", 1), st, bht, se, ge, iea}},
		{name: "syntax: counts", segs: []string{isa, gs, st, bht, "SE*three*0001", "GE*-1*1", "IEA* 1*000000001"},
			want: []wantErr{
				e(x12.CodeSyntax, 5, "SE", 1, ic, "1", "0001"),
				e(x12.CodeSyntax, 6, "GE", 1, ic, "1"),
				e(x12.CodeSyntax, 7, "IEA", 1, ic),
			}},
		{name: "isa_width", segs: []string{strings.Replace(isa, "RECEIVER       *", "RECEIVER*", 1), gs, st, bht, se, ge, iea},
			want: []wantErr{warn(e(x12.CodeISAWidth, 1, "ISA", 0))}},
		{name: "too_many_errors", segs: []string{isa, gs, bht, bht, bht, bht, st, se, ge, iea}, maxErrors: 2,
			want: []wantErr{
				e(x12.CodeOutsideEnvelope, 3, "BHT", 0, ic, "1"),
				e(x12.CodeOutsideEnvelope, 4, "BHT", 0, ic, "1"),
				e(x12.CodeTooManyErrors, 0, "", 0),
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in strings.Builder
			offsets := []int64{}
			for _, s := range tt.segs {
				offsets = append(offsets, int64(in.Len()))
				in.WriteString(s + "~\n")
			}
			if tt.last != "" {
				offsets = append(offsets, int64(in.Len()))
				in.WriteString(tt.last)
			}
			res := readString(in.String(), func(r *x12.Reader) { r.MaxErrors = tt.maxErrors })
			if res.err != io.EOF {
				t.Fatalf("read ended with %v, want io.EOF", res.err)
			}
			// Reading goes on past every error: each segment comes back.
			if len(res.segs) != len(offsets) {
				t.Fatalf("read %d segments, want %d", len(res.segs), len(offsets))
			}
			for i, s := range res.segs {
				if s.Offset != offsets[i] || s.Index != i+1 {
					t.Errorf("segment %d at offset %d index %d, want offset %d", i+1, s.Offset, s.Index, offsets[i])
				}
			}
			if len(res.errs) != len(tt.want) {
				t.Errorf("%d errors, want %d:", len(res.errs), len(tt.want))
				for _, e := range res.errs {
					t.Log(e)
				}
			}
			for i := range min(len(res.errs), len(tt.want)) {
				got, w := res.errs[i], tt.want[i]
				off, idx := int64(in.Len()), len(res.segs)
				if w.seg > 0 {
					off, idx = offsets[w.seg-1], w.seg
				}
				sev := x12.SeverityError
				if w.warn {
					sev = x12.SeverityWarning
				}
				want := x12.Error{
					Offset: off, SegmentIndex: idx, SegmentID: w.id, Element: w.elem,
					Interchange: w.ic, Group: w.gp, Transaction: w.tx,
					Code: w.code, Message: got.Message, Severity: sev,
					Level: x12.LevelSyntax, IK3: got.IK3, IK4: got.IK4, // the IK codes: TestReaderIKCodes
				}
				if *got != want {
					t.Errorf("error %d:\n got %+v\nwant %+v", i+1, *got, want)
				}
				if got.Message == "" {
					t.Errorf("error %d has no message", i+1)
				}
			}
		})
	}
}

// Errors that stop the Reader: Read returns them after the segments before
// them, and again on every later call. SegmentIndex is that of the last
// segment read; the offset is where the unreadable part starts.
func TestReaderFatalErrors(t *testing.T) {
	valid := std(x12.DefaultDelimiters) // 8 segments, 258 bytes
	long := valid[:159] + "ST*837*0002~BHT*" + strings.Repeat("9", 200)
	tooLong := x12.Error{Offset: 171, SegmentIndex: 3, Interchange: "000000001", Group: "1", Transaction: "0002", Code: x12.CodeSegmentTooLong}
	tests := []struct {
		name   string
		in     string
		src    func(io.Reader) io.Reader // wraps the input, when set
		maxSeg int
		ids    []string // segments read before the error
		want   x12.Error
		msg    string // a part of the message
		errs   []string
	}{
		{name: "empty", in: "",
			want: x12.Error{Code: x12.CodeNotX12}, msg: "no segments"},
		{name: "blank", in: "\r\n \n",
			want: x12.Error{Offset: 4, Code: x12.CodeNotX12}, msg: "no segments"},
		{name: "no ISA", in: "GS*HC*A*B~",
			want: x12.Error{Code: x12.CodeNotX12}, msg: "expected an ISA segment at offset 0"},
		{name: "BOM then text", in: "\xEF\xBB\xBF\n hello",
			want: x12.Error{Offset: 5, Code: x12.CodeNotX12}, msg: "offset 5"},
		{name: "ISA alone", in: "ISA",
			want: x12.Error{Code: x12.CodeNotX12}, msg: "expected an ISA"},
		{name: "ISA with 5 elements", in: "ISA*00*          *00*          *ZZ*SENDER~",
			want: x12.Error{Code: x12.CodeISA, Element: 6}, msg: "6 elements within 42 bytes"},
		{name: "ISA ends after ISA15", in: strings.TrimSuffix(isa501, ":"),
			want: x12.Error{Code: x12.CodeISA, Element: 16}, msg: "ends inside"},
		{name: "component separator is a letter", in: strings.TrimSuffix(isa501, ":") + "A~",
			want: x12.Error{Code: x12.CodeISA, Element: 16}, msg: "letter or digit"},
		{name: "terminator is the element separator", in: isa501 + "*GS*HC",
			want: x12.Error{Code: x12.CodeISA, Element: 16}, msg: "both"},
		{name: "repetition is the component separator", in: strings.Replace(isa501, "*^*", "*:*", 1) + "~",
			want: x12.Error{Code: x12.CodeISA, Element: 16}, msg: "both"},
		{name: "second ISA cannot be framed", in: valid + "\nISA*00~",
			ids:  bodyIDs,
			want: x12.Error{Offset: 259, SegmentIndex: 8, Code: x12.CodeISA, Element: 1}, msg: "1 elements"},
		{name: "segment_too_long", in: long, maxSeg: 128,
			ids: bodyIDs[:3], want: tooLong, msg: "within 128 bytes"},
		{name: "segment_too_long, one byte at a time", in: long, maxSeg: 128, src: iotest.OneByteReader,
			ids: bodyIDs[:3], want: tooLong, msg: "within 128 bytes"},
		{name: "segment_too_long, terminated", in: long + "~SE*3*0002~", maxSeg: 128,
			ids: bodyIDs[:3], want: tooLong, msg: "within 128 bytes"},
		{name: "segment_too_long, terminated, one byte at a time", in: long + "~SE*3*0002~", maxSeg: 128, src: iotest.OneByteReader,
			ids: bodyIDs[:3], want: tooLong, msg: "within 128 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var src io.Reader = strings.NewReader(tt.in)
			if tt.src != nil {
				src = tt.src(src)
			}
			r := x12.NewReader(src)
			r.MaxSegmentSize = tt.maxSeg
			var got []string
			var err error
			for {
				var s *x12.Segment
				if s, err = r.Read(); err != nil {
					break
				}
				got = append(got, s.ID())
			}
			if !slices.Equal(got, tt.ids) {
				t.Errorf("read %q before the error, want %q", got, tt.ids)
			}
			e, ok := err.(*x12.Error)
			if !ok || !x12.IsFatal(err) {
				t.Fatalf("Read returned %v, want a fatal *x12.Error", err)
			}
			want := tt.want
			want.Message, want.Severity, want.Level = e.Message, x12.SeverityError, x12.LevelSyntax
			want.IK3, want.IK4 = e.IK3, e.IK4 // the IK codes: TestReaderIKCodes
			if *e != want {
				t.Errorf("\n got %+v\nwant %+v", *e, want)
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("message %q does not hold %q", e.Message, tt.msg)
			}
			if _, again := r.Read(); again != err {
				t.Errorf("Read after the fatal error returned %v", again)
			}
			if got := codes(r.Errors()); len(got) != 0 {
				t.Errorf("Errors() = %q, want none: the fatal error is returned, not kept", got)
			}
		})
	}
}

func TestIsFatal(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{io.EOF, false},
		{errors.New("disk"), false},
		{&x12.Error{Code: x12.CodeNotX12}, true},
		{fmt.Errorf("file a.x12: %w", &x12.Error{Code: x12.CodeISA}), true},
	} {
		if got := x12.IsFatal(tt.err); got != tt.want {
			t.Errorf("IsFatal(%v) = %v", tt.err, got)
		}
	}
}

// TransactionPosition counts from ST = 1 to SE, and is 0 outside a
// transaction set; Control gives the control numbers open around the last
// segment read.
func TestReaderPositionAndControl(t *testing.T) {
	segs := []string{
		isa501, "GS*HC*SENDER*RECEIVER*20261120*1015*7*X*005010X222A1",
		"ST*837*0001", "BHT*0019", "NM1*41", "SE*4*0001",
		"BHT*0019", // outside a transaction set
		"ST*837*0002", "BHT*0019", "SE*3*0002",
		"SE*3*0003", // without an ST
		"GE*2*7", "IEA*1*000000001",
	}
	want := []struct {
		pos         int
		ic, gp, txn string
	}{
		{0, "000000001", "", ""},
		{0, "000000001", "7", ""},
		{1, "000000001", "7", "0001"},
		{2, "000000001", "7", "0001"},
		{3, "000000001", "7", "0001"},
		{4, "000000001", "7", ""},
		{0, "000000001", "7", ""},
		{1, "000000001", "7", "0002"},
		{2, "000000001", "7", "0002"},
		{3, "000000001", "7", ""},
		{0, "000000001", "7", ""},
		{0, "000000001", "", ""},
		{0, "", "", ""},
	}
	r := x12.NewReader(strings.NewReader(interchange(x12.DefaultDelimiters, segs...)))
	for i, w := range want {
		s, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		pos := r.TransactionPosition()
		ic, gp, txn := r.Control()
		if pos != w.pos || ic != w.ic || gp != w.gp || txn != w.txn {
			t.Errorf("segment %d %s: position %d, control %q %q %q; want %d, %q %q %q", i+1, s.ID(), pos, ic, gp, txn, w.pos, w.ic, w.gp, w.txn)
		}
	}
	if _, err := r.Read(); err != io.EOF {
		t.Fatalf("Read = %v, want io.EOF", err)
	}
	if got, want := codes(r.Errors()), []string{x12.CodeOutsideEnvelope, x12.CodeOutsideEnvelope}; !slices.Equal(got, want) {
		t.Errorf("errors %q, want %q", got, want)
	}
}

// A segment of MaxSegmentSize bytes is read; one byte more is fatal, however
// the input arrives.
func TestReaderMaxSegmentSize(t *testing.T) {
	head := interchange(x12.DefaultDelimiters, isa501, "GS*HC*SENDER*RECEIVER*20261120*1015*1*X*005010X222A1", "ST*837*0001")
	const max = 128
	for _, n := range []int{max, max + 1} {
		bht := "BHT*" + strings.Repeat("9", n-4)
		in := head + bht + "~SE*3*0001~GE*1*1~IEA*1*000000001~"
		for name, wrap := range map[string]func(io.Reader) io.Reader{"whole": func(r io.Reader) io.Reader { return r }, "one byte": iotest.OneByteReader} {
			res := readFrom(wrap(strings.NewReader(in)), func(r *x12.Reader) { r.MaxSegmentSize = max })
			if n <= max {
				if res.err != io.EOF || len(res.segs) != 7 || len(res.segs[3].Bytes()) != n || len(res.errs) != 0 {
					t.Errorf("%s, %d bytes: %d segments, %v, %v", name, n, len(res.segs), res.err, res.errs)
				}
				continue
			}
			if e, ok := res.err.(*x12.Error); !ok || e.Code != x12.CodeSegmentTooLong || len(res.segs) != 3 {
				t.Errorf("%s, %d bytes: %d segments, %v; want segment_too_long after 3", name, n, len(res.segs), res.err)
			}
		}
	}
}
