package guide_test

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/guide"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// A whole 835, clean, to break one way at a time.
var remit835 = []string{
	"BPR*I*100*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20261120",
	"TRN*1*EFT1*1512345678", "DTM*405*20261120",
	"N1*PR*SIM HEALTH PLAN", "N3*100 PAYER WAY", "N4*COLUMBUS*OH*43215", "PER*BL*PROVIDER SERVICES*TE*8005551234",
	"N1*PE*CLINIC*XX*1234567893",
	"LX*1", "CLP*PCN1*1*100*80**MC*PAYERCLAIM1*11*1", "NM1*QC*1*DOE*JANE", "SVC*HC:99213*100*80**1", "CAS*CO*45*20",
}

func without(segs []string, prefix string) []string {
	var out []string
	for _, s := range segs {
		if !strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

func after(segs []string, prefix, seg string) []string {
	var out []string
	for _, s := range segs {
		out = append(out, s)
		if strings.HasPrefix(s, prefix) {
			out = append(out, seg)
		}
	}
	return out
}

// Each structure error, in a whole set broken one way: where the guide's
// table says it is (the segment that ends the loop, for one missing) and
// its IK304. The sets unbroken have none.
func TestStructure(t *testing.T) {
	b, err := os.ReadFile(x12test.CorpusDir(t) + "/837P/stupidedi-commercial-health-insurance.x12")
	if err != nil {
		t.Fatal(err)
	}
	p837 := string(b)
	if b, err = os.ReadFile(x12test.CorpusDir(t) + "/837D/moov-dental.x12"); err != nil {
		t.Fatal(err)
	}
	d837 := string(b)
	if b, err = os.ReadFile(x12test.CorpusDir(t) + "/277CA/imsweb-emedny-accepted.x12"); err != nil {
		t.Fatal(err)
	}
	ca277 := string(b)
	if b, err = os.ReadFile(x12test.CorpusDir(t) + "/277/stupidedi-claim-response.x12"); err != nil {
		t.Fatal(err)
	}
	st277 := string(b)
	dropIn := func(in, re string) string { // the first match only
		loc := regexp.MustCompile(re).FindStringIndex(in)
		return in[:loc[0]] + in[loc[1]:]
	}
	drop := func(re string) string { return dropIn(p837, re) }
	for _, tt := range []struct {
		name, in string
		want     []string // segment ID, IK304, message part
	}{
		{"835 clean", set("HP", "835", "005010X221A1", remit835...), nil},
		{"835 without the payer's N3", set("HP", "835", "005010X221A1", without(remit835, "N3*")...),
			[]string{"N1 3 segment N3, which the guide requires in loop 1000A, is missing"}},
		{"835 without PER*BL", set("HP", "835", "005010X221A1", without(remit835, "PER*BL")...),
			[]string{"N1 3 segment PER*BL, which the guide requires in loop 1000A, is missing"}},
		{"835 TRN twice", set("HP", "835", "005010X221A1", after(remit835, "TRN*", "TRN*1*EFT2*1512345678")...),
			[]string{"TRN 5 segment TRN is used more often than the guide allows here (1 at most)"}},
		{"835 CLP without its LX", set("HP", "835", "005010X221A1", without(remit835, "LX*")...),
			[]string{"CLP 2 segment CLP is not expected here", "NM1 2 segment NM1 is not expected here", "SVC 2 segment SVC is not expected here", "CAS 2 segment CAS is not expected here"}},
		{"835 without the patient", set("HP", "835", "005010X221A1", without(remit835, "NM1*QC")...),
			[]string{"SE 3 segment NM1*QC, which the guide requires in loop 2100, is missing"}},
		{"999 without IK5", set("FA", "999", "005010X231A1", "AK1*HC*1*005010X222A1", "AK2*837*0001*005010X222A1", "AK9*A*1*1*1"),
			[]string{"AK9 3 segment IK5, which the guide requires in loop 2000, is missing"}},
		{"999 clean", set("FA", "999", "005010X231A1", "AK1*HC*1*005010X222A1", "AK2*837*0001*005010X222A1", "IK3*NM1*8*2010BA*8", "CTX*CLM01:PCN1", "IK4*9**7", "IK5*R*5", "AK9*R*1*1*0"), nil},
		{"837P clean", p837, nil},
		{"837P without the payer's loop", drop(`NM1\*PR\*[^~]*~\s*`), []string{" 3 loop 2010BB*PR, which the guide requires in loop 2000B, is missing"}},
		{"837P without its service line", drop(`SV1\*[^~]*~\s*`), []string{"LX 3 segment SV1, which the guide requires in loop 2400, is missing"}},
		{"837D clean", d837, nil},
		{"837D without its service line", dropIn(d837, `SV3\*[^~]*~\s*`), []string{"LX 3 segment SV3, which the guide requires in loop 2400, is missing"}},
		{"277 clean", st277, nil},
		{"277 without the subscriber's name", dropIn(st277, `NM1\*IL\*[^~]*~\s*`), []string{"HL 3 loop 2100D*IL, which the guide requires in loop 2000D, is missing"}},
		{"277CA clean", ca277, nil},
		{"277CA without a claim's status", dropIn(ca277, `STC\*A2:20[^~]*~\s*`), []string{" 3 segment STC, which the guide requires in loop 2200D, is missing"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := x12.ReadFileWith(bytes.NewReader([]byte(tt.in)), only)
			if err != nil {
				t.Fatal(err)
			}
			var got []*x12.Error
			for _, e := range f.Errors {
				if e.Code == guide.CodeStructure {
					got = append(got, e)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("structure errors %v, want %d", got, len(tt.want))
			}
			for i, e := range got {
				id, rest, _ := strings.Cut(tt.want[i], " ")
				ik3, msg, _ := strings.Cut(rest, " ")
				if id != "" && e.SegmentID != id || e.IK3 != ik3 || !strings.Contains(e.Message, msg) || e.Level != x12.LevelGuide {
					t.Errorf("got %s (IK3 %s), want at %s IK3 %s %q", e, e.IK3, id, ik3, msg)
				}
			}
		})
	}
}
