package guide_test

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/guide"
	"github.com/claimsgw/claimsgw/x12/sets"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// Every guide error the project finds in the corpus, pyx12 finds too, on
// the same segment: the rules say what the guides say, no more. (pyx12
// counts lines from the ISA as 1, as SegmentIndex does.) Left out are the
// rules where pyx12's maps check less than the guides say, and the project
// follows the guides: N4 (the billing provider's ZIP code of nine digits,
// which X222A1 and X223A2 require in 2010AA; N402's state codes, which
// pyx12 checks in some loops only) and trailing separators (5010 omits
// trailing empty elements everywhere; pyx12 sees them in some segments),
// and the SNIP 4 rules (an NPI's check digit), which pyx12 does not apply.
func TestCorpusGuideErrorsAgreeWithPyx12(t *testing.T) {
	corpus := x12test.CorpusDir(t)
	ours := map[string][]*x12.Error{}
	var files []string
	for _, dir := range []string{"837P", "837I", "835", "999", "277CA"} {
		names, _ := filepath.Glob(filepath.Join(corpus, dir, "*.x12"))
		for _, name := range names {
			f, err := os.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := x12.ReadFileWith(f, sets.Checkers())
			f.Close()
			if err != nil || doc == nil {
				continue
			}
			for _, e := range doc.Errors {
				if strings.HasPrefix(e.Code, "guide_") && e.SegmentID != "N4" && e.Level == x12.LevelGuide {
					ours[name] = append(ours[name], e)
				}
			}
			if len(ours[name]) > 0 {
				files = append(files, name)
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("no guide error in the corpus: the rules were not run")
	}
	sort.Strings(files)
	all, out := x12test.Pyx12(t, files...)
	line := regexp.MustCompile(`Line:(\d+)`)
	compared := 0
	for _, name := range files {
		if errs := all[name]; len(errs) == 1 && strings.HasPrefix(errs[0], "NOMAP") {
			continue // pyx12 has no map for its guide (X222A2, X223A3, ...)
		}
		compared++
		theirs := map[int]bool{}
		for _, e := range all[name] {
			if m := line.FindStringSubmatch(e); m != nil {
				n, _ := strconv.Atoi(m[1])
				theirs[n] = true
			}
		}
		for _, e := range ours[name] {
			// A required segment missing is named where its loop ends,
			// which for a loop that repeats pyx12 may see a segment later.
			late := e.Code == guide.CodeStructure && e.IK3 == "3" && theirs[e.SegmentIndex+1]
			if !theirs[e.SegmentIndex] && !late {
				t.Errorf("%s: pyx12 finds nothing at segment %d, where the project finds %v", filepath.Base(name), e.SegmentIndex, e)
			}
		}
	}
	t.Logf("%d corpus files with guide errors compared with pyx12", compared)
	if compared == 0 {
		t.Error("pyx12 mapped none of the files with guide errors: nothing was compared")
	}
	if t.Failed() {
		t.Logf("pyx12:\n%s", out)
	}
}

// pyx12Wrong are the corpus files whose pyx12 verdict is wrong, and why
// (../shared/tools/README.md): the project stays right there.
var pyx12Wrong = map[string]string{
	"999/staedi-ctx-repetition.x12": "a CTX01 with repetitions in an IK3 loop: pyx12 cannot place it (its known CTX false positive)",
}

// For every file of the corpus, the project's verdict (valid or not) is
// pyx12's, both ways: a file pyx12 rejects the project rejects too, and a
// file pyx12 accepts the project accepts, but for the rules pyx12 does not
// apply and the guides have (SNIP 4 situational rules such as an NPI's
// check digit; the billing provider's nine-digit ZIP code in 2010AA). Files
// pyx12 cannot read or has no map for are left out, and the files it is
// known to be wrong about (pyx12Wrong) are checked the other way.
func TestCorpusVerdictsAgreeWithPyx12(t *testing.T) {
	files := x12test.CorpusFiles(t)
	var paths []string
	for rel, p := range files {
		// pyx12 has maps for these kinds only; a byte-order mark makes it
		// crash, as do some files of the other kinds (../shared/tools/README.md).
		kind, _, _ := strings.Cut(rel, "/")
		if b, err := os.ReadFile(p); err != nil || bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) || !slices.Contains([]string{"837P", "837I", "835", "999", "277CA"}, kind) {
			delete(files, rel)
			continue
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	all, _ := x12test.Pyx12(t, paths...)
	compared := 0
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		path := files[rel]
		var theirs []string // without pyx12's known false positives
		for _, e := range all[path] {
			if !slices.ContainsFunc(x12test.Pyx12FalsePositives, func(fp string) bool { return strings.Contains(e, fp) }) {
				theirs = append(theirs, e)
			}
		}
		if len(theirs) == 1 && (strings.HasPrefix(theirs[0], "NOMAP") || strings.Contains(theirs[0], "does not look like an X12 data file")) {
			continue
		}
		pyxValid := len(theirs) == 0
		if _, wrong := pyx12Wrong[rel]; wrong {
			pyxValid = !pyxValid
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := x12.ReadFileWith(f, sets.Checkers())
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		var ours, beyond []*x12.Error // every error; those of rules pyx12 does not apply
		for _, e := range doc.Errors {
			if e.Severity != x12.SeverityError {
				continue
			}
			ours = append(ours, e)
			if e.Level == x12.LevelSituational || e.SegmentID == "N4" && strings.HasPrefix(e.Code, "guide_") {
				beyond = append(beyond, e)
			}
		}
		compared++
		switch {
		case !pyxValid && len(ours) == 0:
			t.Errorf("%s: pyx12 rejects it, the project finds nothing:\n  %s", rel, strings.Join(theirs, "\n  "))
		case pyxValid && len(ours) > len(beyond):
			t.Errorf("%s: pyx12 accepts it, the project finds %v", rel, ours)
		}
	}
	t.Logf("%d corpus files' verdicts compared with pyx12", compared)
	if compared < 40 {
		t.Errorf("only %d files compared", compared)
	}
}
