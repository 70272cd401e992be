package sets_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/sets"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// An element both the typed decoder and the guide find wrong is one
// problem, the decoder's, with the guide's 999 codes and SNIP level.
// Before, a CLM02 that is no amount was reported twice.
func TestOneProblemPerElement(t *testing.T) {
	b, err := os.ReadFile(x12test.CorpusDir(t) + "/837P/stupidedi-commercial-health-insurance.x12")
	if err != nil {
		t.Fatal(err)
	}
	// The first CLM's CLM02 (the text between its second and third
	// element separators) becomes "12X5".
	s := string(b)
	i := strings.Index(s, "CLM*")
	j := i + 4 + strings.IndexByte(s[i+4:], '*')
	k := j + 1 + strings.IndexByte(s[j+1:], '*')
	in := s[:j+1] + "12X5" + s[k:]
	for _, f := range []x12.DecoderFunc{sets.Decoders(), sets.Checkers()} {
		doc, err := x12.ReadFileWith(bytes.NewReader([]byte(in)), f)
		if err != nil {
			t.Fatal(err)
		}
		var clm02 []*x12.Error
		for _, e := range doc.Errors {
			if e.SegmentID == "CLM" && e.Element == 2 {
				clm02 = append(clm02, e)
			}
		}
		if len(clm02) != 1 {
			t.Fatalf("%d problems for CLM02: %v", len(clm02), clm02)
		}
		if e := clm02[0]; e.Level != x12.LevelGuide || e.IK3 == "" || e.IK4 == "" {
			t.Errorf("CLM02's problem lacks the guide's codes: %+v", e)
		}
	}
}
