package guide_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/guide"
	"github.com/claimsgw/claimsgw/x12/sets"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// ownClaims are the 837s the project writes: the claim writer's golden
// files.
const ownClaims = "../claim/testdata"

// The project's own 837I and 837D pass the guide engine: no error of the
// rules or the structure, nor of the typed decoders. (The 837P golden
// file is left out: two of its test NPIs, made up, fail the NPI's check
// digit, a SNIP 4 rule.)
func TestOwnClaimsPassTheGuide(t *testing.T) {
	for _, name := range []string{"837p.x12", "837i.x12", "837d.x12"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(ownClaims, name))
			if err != nil {
				t.Fatal(err)
			}
			for _, dec := range []x12.DecoderFunc{only, sets.Checkers()} {
				f, err := x12.ReadFileWith(bytes.NewReader(data), dec)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range f.Errors {
					t.Errorf("%v", e)
				}
				if len(f.Interchanges) != 1 || len(f.Interchanges[0].Groups) == 0 {
					t.Fatalf("interchanges %+v", f.Interchanges)
				}
			}
		})
	}
}

// The seven corpus 837Ds, as the guide engine reads them. None breaks a
// dental rule or the 837D's structure. The five taken from the TR3's
// examples (stupidedi's commercial, COB, orthodontic and predetermination
// files, and moov's copy of the first) are refused for what the examples
// make up: NPIs whose check digit is wrong (a SNIP 4 rule) and the
// billing provider's five-digit ZIP code where 2010AA wants nine; the
// two others (multiple tooth numbers, sales tax) are clean.
func TestCorpusDentalVerdicts(t *testing.T) {
	want := map[string][]string{ // segment and element of each error
		"moov-dental.x12":                      {"NM109", "N403", "NM109"},
		"stupidedi-cob-payer-b.x12":            {"NM109", "N403", "NM109"},
		"stupidedi-commercial.x12":             {"NM109", "N403", "NM109"},
		"stupidedi-orthodontic-treatment.x12":  {"NM109", "N403"},
		"stupidedi-predetermination.x12":       {"NM109", "N403"},
		"stupidedi-multiple-tooth-numbers.x12": nil,
		"stupidedi-sales-tax.x12":              nil,
	}
	dir := filepath.Join(x12test.CorpusDir(t), "837D")
	files, _ := filepath.Glob(filepath.Join(dir, "*.x12"))
	if len(files) != 7 {
		t.Fatalf("%d 837D samples in %s, want 7", len(files), dir)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := x12.ReadFileWith(bytes.NewReader(data), sets.Checkers())
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Interchanges) != 1 || len(f.Interchanges[0].Groups) != 1 || f.Interchanges[0].Groups[0].Version != "005010X224A2" {
				t.Fatalf("not one 837D group: %+v", f.Interchanges)
			}
			var got []string
			for _, e := range f.Errors {
				got = append(got, fmt.Sprintf("%s%02d", e.SegmentID, e.Element))
				if e.Code != guide.CodeValue || e.SegmentID == "NM1" && e.Level != x12.LevelSituational || e.SegmentID == "N4" && e.Loop != "2010AA" {
					t.Errorf("%v (level %d, loop %s)", e, e.Level, e.Loop)
				}
			}
			if w, ok := want[filepath.Base(path)]; !ok || !slices.Equal(got, w) {
				t.Errorf("errors at %v, want %v: %v", got, w, f.Errors)
			}
		})
	}
}

// Each dental rule, broken once in the project's own 837D: the error is
// where it should be, with its 999 codes; and a line of 33 teeth breaks
// the structure (TOO at most 32 times).
func TestDentalRules(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(ownClaims, "837d.x12"))
	if err != nil {
		t.Fatal(err)
	}
	own := string(data)
	for _, tc := range []struct {
		name, old, new string
		want           string // segment and element, IK403 or IK304, message part
	}{
		{"qualifier", "SV3*AD:D0120*60***", "SV3*HC:D0120*60***", "SV301-1 7 (product/service id qualifier) is not a code the guide allows here"},
		{"tooth number", "TOO*JP*30*M:O", "TOO*JP*33*M:O", "TOO02 7 is not a tooth number"},
		{"tooth qualifier", "TOO*JP*30*M:O", "TOO*ZZ*30*M:O", "TOO01 7 (code list qualifier code) is not a code the guide allows here"},
		{"surface", "TOO*JP*30*M:O", "TOO*JP*30*M:X", "TOO03-2 7 (tooth surface code) is not a code the guide allows here"},
		{"oral cavity", "SV3*AD:D1110*60**00", "SV3*AD:D1110*60**99", "SV304-1 7 (oral cavity designation code) is not a code the guide allows here"},
		{"prosthesis", "***R~", "***N~", "SV305 7 (prosthesis, crown or inlay code) is not a code the guide allows here"},
		{"tooth status", "DN2*16*X", "DN2*16*Q", "DN202 7 (tooth status code) is not a code the guide allows here"},
		{"missing tooth number", "DN2*16*X", "DN2*99*X", "DN201 7 is not a tooth number"},
		{"months", "DN1*24*18", "DN1*24*EIGHTEEN", "DN102 6 (quantity) is not a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(own, tc.old) {
				t.Fatalf("%q is not in the golden 837D", tc.old)
			}
			f, err := x12.ReadFileWith(strings.NewReader(strings.Replace(own, tc.old, tc.new, 1)), only)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Errors) != 1 {
				t.Fatalf("errors %v, want one", f.Errors)
			}
			e := f.Errors[0]
			id, rest, _ := strings.Cut(tc.want, " ")
			ik4, msg, _ := strings.Cut(rest, " ")
			if !strings.HasPrefix(id, e.SegmentID) || e.IK4 != ik4 || !strings.Contains(e.Message, msg) || e.Code != guide.CodeValue {
				t.Errorf("got %v (IK4 %s), want %s", e, e.IK4, tc.want)
			}
		})
	}
	teeth := strings.Repeat("TOO*JP*1~\n", 33)
	broken := strings.Replace(own, "TOO*JP*19~\n", teeth, 1)
	broken = fixSE(t, broken)
	f, err := x12.ReadFileWith(strings.NewReader(broken), only)
	if err != nil {
		t.Fatal(err)
	}
	var structure []*x12.Error
	for _, e := range f.Errors {
		if e.Code == guide.CodeStructure {
			structure = append(structure, e)
		}
	}
	if len(structure) != 1 || structure[0].SegmentID != "TOO" || structure[0].IK3 != "5" || structure[0].Loop != "2400" {
		t.Errorf("33 teeth on a line: %v, want one TOO used too often (IK304 5) in 2400", structure)
	}
}

// fixSE sets SE01 of the one set of a file to its segment count again.
func fixSE(t *testing.T, file string) string {
	t.Helper()
	lines := strings.Split(file, "\n")
	st := -1
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "ST*"):
			st = i
		case strings.HasPrefix(l, "SE*"):
			_, ctl, _ := strings.Cut(strings.TrimPrefix(l, "SE*"), "*")
			lines[i] = "SE*" + itoa(i-st+1) + "*" + ctl
		}
	}
	return strings.Join(lines, "\n")
}
