package x12_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
)

// The envelope and syntax rules of 5010 that payers enforce, each with the
// file it fails and the exact error, its SNIP level and its 999 codes.
// Before, every one of these files read clean.
func TestReaderIKCodes(t *testing.T) {
	gs := "GS*HC*SENDER*RECEIVER*20261120*1015*1*X*005010X222A1~"
	st := "ST*837*0001*005010X222A1~BHT*0019*00*1*20261120*1015*CH~SE*3*0001~"
	end := "GE*1*1~IEA*1*000000001~"
	for _, tt := range []struct {
		name, in       string
		seg            string
		elem           int
		code, ik3, ik4 string
		msg            string
	}{
		{"ISA12 00999", strings.Replace(isa501, "00501", "00999", 1) + "~" + gs + st + end, "ISA", 12, x12.CodeSyntax, "8", "7", `ISA12 "00999" is not an interchange control version`},
		{"GS05 seconds 97", isa501 + "~" + strings.Replace(gs, "*1015*", "*102497*", 1) + st + end, "GS", 5, x12.CodeSyntax, "8", "9", "GS05 is not a valid time"},
		{"TA101 101", isa501 + "~TA1*101*261120*1015*A*000~IEA*0*000000001~", "TA1", 1, x12.CodeSyntax, "8", "7", `TA101 "101" is not the 9-digit ISA13`},
		{"trailing separator", isa501 + "~" + gs + strings.Replace(st, "*CH~", "*CH*~", 1) + end, "BHT", 7, x12.CodeTrailing, "8", "3", "BHT ends with an element separator"},
		{"ISA13 twice", isa501 + "~" + gs + st + end + isa501 + "~" + gs + st + end, "ISA", 13, x12.CodeDuplicateISA13, "8", "", "ISA13 000000001 is used before"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := x12.NewReader(bytes.NewReader([]byte(tt.in)))
			for {
				if _, err := r.Read(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			found := false
			for _, e := range r.Errors() {
				got = append(got, e.Error())
				if e.SegmentID == tt.seg && e.Element == tt.elem && e.Code == tt.code && strings.Contains(e.Message, tt.msg) {
					found = true
					if e.Level != x12.LevelSyntax || e.IK3 != tt.ik3 || e.IK4 != tt.ik4 || e.Severity != x12.SeverityError {
						t.Errorf("level %d, IK3 %q, IK4 %q, %s; want 1, %q, %q, error", e.Level, e.IK3, e.IK4, e.Severity, tt.ik3, tt.ik4)
					}
				}
			}
			if !found || len(got) != 1 {
				t.Errorf("errors:\n  %s\nwant one: %s%02d %s %q", strings.Join(got, "\n  "), tt.seg, tt.elem, tt.code, tt.msg)
			}
		})
	}
}
