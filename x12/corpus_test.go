package x12_test

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// corpusDefect is one line of ENVELOPE-DEFECTS.tsv turned into what the
// Reader must report for it.
type corpusDefect struct {
	file, text string
	severity   x12.Severity
	code, seg  string
	tx         string   // ST02 the error must name, if any
	values     []string // numbers the message must hold
}

var defectForms = []struct {
	re       *regexp.Regexp
	code     string
	seg      string
	txFromRe bool
}{
	{regexp.MustCompile(`^ISA13/IEA02 (\S+) != (\S+)$`), x12.CodeControlNumber, "IEA", false},
	{regexp.MustCompile(`^SE01=(\d+) but ST\.\.SE has (\d+) segs \(ST (\S+)\)$`), x12.CodeSegmentCount, "SE", true},
	{regexp.MustCompile(`^GE01=(\d+) but group has (\d+) ST$`), x12.CodeTransactionCnt, "GE", false},
	{regexp.MustCompile(`^IEA01=(\d+) but interchange has (\d+) GS$`), x12.CodeGroupCount, "IEA", false},
	{regexp.MustCompile(`^GS06 "(\S+)" vs GE02 "(\S+)": equal as numbers`), x12.CodeControlNumber, "GE", false},
}

func readDefects(t *testing.T, corpus string) []corpusDefect {
	f, err := os.Open(filepath.Join(corpus, "ENVELOPE-DEFECTS.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusDefect
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		file, text, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		d := corpusDefect{file: file, text: text, severity: x12.SeverityError}
		if rest, ok := strings.CutPrefix(text, "(warning, not an error) "); ok {
			d.severity, text = x12.SeverityWarning, rest
		}
		for _, form := range defectForms {
			m := form.re.FindStringSubmatch(text)
			if m == nil {
				continue
			}
			d.code, d.seg, d.values = form.code, form.seg, m[1:]
			if form.txFromRe {
				d.tx, d.values = m[3], m[1:3]
			}
		}
		if d.code == "" {
			t.Fatalf("ENVELOPE-DEFECTS.tsv: no rule for %q", sc.Text())
		}
		out = append(out, d)
	}
	return out
}

func readAll(t *testing.T, path string) ([]*x12.Segment, []*x12.Error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := x12.NewReader(f)
	var segs []*x12.Segment
	for {
		s, err := r.Read()
		if err == io.EOF {
			return segs, r.Errors()
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		segs = append(segs, s.Clone())
	}
}

// guideFindings are the defects of corpus files beyond ENVELOPE-DEFECTS.tsv
// that the 5010 rules find, each one issue 12 lists (pyx12 finds most, not
// every trailing separator): a
// trailing element separator (5010 omits trailing empty elements), a
// TA101 that is not the 9-digit ISA13 it answers, GS05 seconds 97, and one
// sender and receiver reusing an ISA13 (155 times in one file), and three
// groups of one interchange all numbered GS06 1. By file:
// the code and segment of each, every error of that code and segment.
var guideFindings = map[string][][2]string{
	"835/moov-2st-denials-plb.x12":          {{x12.CodeTrailing, "SVC"}},
	"835/tastypackets-156-interchanges.x12": {{x12.CodeDuplicateISA13, "ISA"}},
	"837I/hccinfhir-x223a2-with-sv1.x12":    {{x12.CodeTrailing, "SV1"}},
	"837I/imsweb-x223-test.x12":             {{x12.CodeTrailing, "HI"}},
	"837P/imsweb-multiple-gs.x12":           {{x12.CodeDuplicateControl, "GS"}},
	"999/imsweb-accepted-837i.x12":          {{x12.CodeSyntax, "GS"}},
	"TA1/imsweb-ta1-then-999.x12":           {{x12.CodeSyntax, "TA1"}},
}

// Every corpus file reads; the Reader reports exactly the defects listed in
// ENVELOPE-DEFECTS.tsv and in guideFindings, each on the right segment,
// and no other error. Warnings other than listed ones may only be about
// unpadded ISA fields.
func TestCorpusEnvelopeDefects(t *testing.T) {
	files := x12test.CorpusFiles(t)
	defects := readDefects(t, x12test.CorpusDir(t))
	byFile := map[string][]corpusDefect{}
	for _, d := range defects {
		if _, ok := files[d.file]; !ok {
			t.Logf("ENVELOPE-DEFECTS.tsv names %s, which is not in the corpus: skipped", d.file)
			continue
		}
		byFile[d.file] = append(byFile[d.file], d)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	if len(names) < 70 {
		t.Errorf("corpus has %d files, want the 75 of shared/x12-corpus", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			segs, errs := readAll(t, files[name])
			if len(segs) < 3 {
				t.Fatalf("read %d segments", len(segs))
			}
			// A line of the list stands for every error of the same text in
			// its file (imsweb-multiple-gs has three such transaction sets).
			want := byFile[name]
			used := make([]bool, len(want))
			found := make([]bool, len(guideFindings[name]))
		next:
			for _, e := range errs {
				for i, d := range want {
					if e.Code != d.code || e.SegmentID != d.seg || e.Severity != d.severity {
						continue
					}
					if d.tx != "" && e.Transaction != d.tx {
						continue
					}
					for _, v := range d.values {
						if !strings.Contains(e.Message, v) {
							continue next
						}
					}
					seg := segs[e.SegmentIndex-1]
					if seg.ID() != e.SegmentID || seg.Offset != e.Offset {
						t.Errorf("error points at segment %d %s offset %d, which is %s at offset %d", e.SegmentIndex, e.SegmentID, e.Offset, seg.ID(), seg.Offset)
					}
					used[i] = true
					continue next
				}
				if e.Severity == x12.SeverityWarning && e.Code == x12.CodeISAWidth {
					continue
				}
				for i, g := range guideFindings[name] {
					if e.Code == g[0] && e.SegmentID == g[1] {
						found[i] = true
						continue next
					}
				}
				t.Errorf("unexpected: %v", e)
			}
			for i, d := range want {
				if !used[i] {
					t.Errorf("not reported: %s", d.text)
				}
			}
			for i, g := range guideFindings[name] {
				if !found[i] {
					t.Errorf("not reported: %s in %s", g[0], g[1])
				}
			}
		})
	}
}

// Read -> write with the same delimiters -> read gives the same segments,
// and for a file with one delimiter set and line break throughout, the
// same bytes.
func TestCorpusRoundTrip(t *testing.T) {
	for name, path := range x12test.CorpusFiles(t) {
		t.Run(name, func(t *testing.T) {
			segs, _ := readAll(t, path)
			var buf bytes.Buffer
			var w *x12.Writer
			for _, s := range segs {
				if s.ID() == "ISA" {
					if w != nil {
						w.Flush()
					}
					w = x12.NewWriter(&buf, s.Delimiters())
				}
				w.WriteSegment(s)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			r := x12.NewReader(bytes.NewReader(buf.Bytes()))
			for i := 0; ; i++ {
				s, err := r.Read()
				if err == io.EOF {
					if i != len(segs) {
						t.Fatalf("read back %d segments, want %d", i, len(segs))
					}
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(s.Bytes(), segs[i].Bytes()) {
					t.Fatalf("segment %d differs:\n got %q\nwant %q", i+1, s.Bytes(), segs[i].Bytes())
				}
			}
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			orig = bytes.TrimPrefix(orig, []byte("\xEF\xBB\xBF"))
			if uniform(orig, segs) && !bytes.Equal(bytes.TrimRight(orig, "\r\n"), bytes.TrimRight(buf.Bytes(), "\r\n")) {
				t.Errorf("same delimiters, different bytes:\n got %q\nwant %q", head(buf.Bytes()), head(orig))
			}
		})
	}
}

// uniform reports whether a file is segments, each followed by its
// terminator and the ISA's line break, with nothing else between them.
func uniform(orig []byte, segs []*x12.Segment) bool {
	n := 0
	for _, s := range segs {
		d := s.Delimiters()
		if int(s.Offset) != n {
			return false
		}
		n += len(s.Bytes()) + 1 + len(d.Suffix)
	}
	return n >= len(bytes.TrimRight(orig, "\r\n"))
}

func head(b []byte) []byte {
	if len(b) > 300 {
		return b[:300]
	}
	return b
}
