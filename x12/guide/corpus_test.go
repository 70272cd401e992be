package guide_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
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
			if !theirs[e.SegmentIndex] {
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
