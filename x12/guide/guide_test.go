package guide_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/guide"
)

const isa = "ISA*00*          *00*          *ZZ*CLAIMSGW       *ZZ*SIMPAYER       *261120*1015*^*00501*000000001*0*T*:~"

// set wraps segments in an interchange, a group of functional ID fid and
// a transaction set of type st and guide ver.
func set(fid, st, ver string, segs ...string) string {
	body := strings.Join(segs, "~") + "~"
	n := len(segs) + 2
	return isa + "GS*" + fid + "*CLAIMSGW*SIMPAYER*20261120*1015*1*X*" + ver + "~ST*" + st + "*0001*" + ver + "~" + body +
		"SE*" + itoa(n) + "*0001~GE*1*1~IEA*1*000000001~"
}

func itoa(n int) string { return strconv.Itoa(n) }

// only reads with the guide's checker alone.
func only(setID, implementation, groupVersion string) (string, x12.Decoder) {
	return "", guide.For(setID, implementation, groupVersion)
}

// elementErrors are a file's errors but the structure's: the rules'
// tests read fragments of sets (TestStructure has whole ones).
func elementErrors(errs []*x12.Error) []*x12.Error {
	var out []*x12.Error
	for _, e := range errs {
		if e.Code != guide.CodeStructure {
			out = append(out, e)
		}
	}
	return out
}

const (
	p837 = "005010X222A1"
	i837 = "005010X223A2"
)

var (
	billing  = []string{"HL*1**20*1", "NM1*85*2*CLINIC*****XX*1234567893", "N3*1 MAIN ST", "N4*NASHVILLE*TN*372031234", "REF*EI*621234567"}
	claimSeg = "CLM*PCN1*100***11:B:1*Y*A*Y*Y"
)

func with(segs []string, i int, s string) []string {
	out := append([]string{}, segs...)
	out[i] = s
	return out
}

// Each rule with the file it fails and the exact error, its SNIP level and
// its 999 codes; the same files with the rule kept read clean. Before,
// claimsgw x12 validate called every one of these valid.
func TestRules(t *testing.T) {
	for _, tt := range []struct {
		name, in  string
		at        string // segment and element, as x12.Error prints it
		code, msg string
		level     int
		ik3, ik4  string
		n         int // errors, when more than one (the first is checked)
	}{
		{"N403 5 digits in 2010AA", set("HC", "837", p837, with(billing, 3, "N4*NASHVILLE*TN*37203")...),
			"N403", guide.CodeValue, "has 5 characters: the guide wants 9 digits", 2, "8", "4", 1},
		{"N402 NP", set("HC", "837", p837, with(billing, 3, "N4*NASHVILLE*NP*372031234")...),
			"N402", guide.CodeValue, `N402 is not a state or province code`, 2, "8", "7", 1},
		{"DTP03 not a date", set("HC", "837", p837, append(billing, "DTP*472*D8*20261131")...),
			"DTP03", guide.CodeValue, `DTP03 is not a date in format D8`, 2, "8", "8", 1},
		{"HL01 from 2", set("HC", "837", p837, with(billing, 0, "HL*2**20*1")...),
			"HL01", guide.CodeHierarchy, `HL01 "2": the hierarchy numbers its HL loops from 1`, 2, "8", "7", 1},
		{"HI with element separators", set("HC", "837", p837, append(billing, "HI*ABK*E119")...),
			"HI01", guide.CodeValue, "HI01 (health care code information) is a composite", 2, "8", "1", 2}, // HI01 ABK, HI02 E119
		{"CLM05-2 missing", set("HC", "837", p837, append(billing, "CLM*PCN1*100***11::1*Y*A*Y*Y")...),
			"CLM05-2", guide.CodeValue, "CLM05-2 (facility code qualifier (CLM05-2)) is required", 2, "8", "1", 1},
		{"TS309 in an 835", set("HP", "835", "005010X221A1", "TS3*1234567893*11*20261231*1*100******50"),
			"TS311", guide.CodeNotUsed, "TS311 is not used in this implementation guide", 2, "8", "I10", 1},
		{"NPI check digit", set("HC", "837", p837, with(billing, 1, "NM1*85*2*CLINIC*****XX*1234567890")...),
			"NM109", guide.CodeValue, "NM109 is not an NPI (NM108 XX): 10 digits with a check digit", 4, "8", "7", 1},
		{"SBR09 a member ID", set("HC", "837", p837, append(billing, "SBR*P*18*******XJH123")...),
			"SBR09", guide.CodeValue, `SBR09 is not a claim filing indicator code`, 2, "8", "7", 1},
		{"PER03 XX", set("HC", "837", p837, append(billing, "PER*IC*EDI*XX*8005550100")...),
			"PER03", guide.CodeValue, `PER03 is not a communication number qualifier`, 2, "8", "7", 1},
		{"835 DTM02 not a date", set("HP", "835", "005010X221A1", "DTM*405*20260230"),
			"DTM02", guide.CodeValue, `DTM02 (date) is not a date CCYYMMDD`, 2, "8", "8", 1},
		{"NM103 61 characters", set("HC", "837", p837, with(billing, 1, "NM1*85*2*"+strings.Repeat("A", 61)+"*****XX*1234567893")...),
			"NM103", guide.CodeValue, "NM103 (name last or organization name) has 61 characters: at most 60", 2, "8", "5", 1},
		{"CLM01 21 characters", set("HC", "837", p837, append(billing, "CLM*"+strings.Repeat("P", 21)+"*100***11:B:1*Y*A*Y*Y")...),
			"CLM01", guide.CodeValue, "CLM01 (patient control number, at most 20 in the 837) has 21 characters: at most 20", 2, "8", "5", 1},
		{"CLM02 not an amount", set("HC", "837", p837, append(billing, "CLM*PCN1*1O0***11:B:1*Y*A*Y*Y")...),
			"CLM02", guide.CodeValue, `CLM02 (monetary amount) is not a number`, 2, "8", "6", 1},
		{"SVD01 not a 2330B NM109", set("HC", "837", p837, append(billing, claimSeg, "SBR*P*18*******CI", "NM1*PR*2*FIRST PLAN*****PI*OP1",
			"LX*1", "SVD*OP2*10*HC:99213**1", "HL*2*1*22*0", claimSeg, "LX*1", "SVD*OP1*10*HC:99213**1")...),
			"SVD01", guide.CodeValue, "SVD01 (other payer primary identifier) is not the ID (NM109) of an other payer of the claim (2330B)", 4, "8", "7", 2},
		{"AK202 101", set("FA", "999", "005010X231A1", "AK1*HC*1*005010X222A1", "AK2*837*101*005010X222A1", "IK5*A", "AK9*A*1*1*1"),
			"AK202", guide.CodeValue, "AK202 (transaction set control number) has 3 characters: at least 4", 2, "8", "4", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := x12.ReadFileWith(bytes.NewReader([]byte(tt.in)), only)
			if err != nil {
				t.Fatal(err)
			}
			f.Errors = elementErrors(f.Errors)
			var got []string
			for _, e := range f.Errors {
				got = append(got, e.Error())
			}
			if len(f.Errors) != max(tt.n, 1) {
				t.Fatalf("errors:\n  %s\nwant one at %s", strings.Join(got, "\n  "), tt.at)
			}
			e := f.Errors[0]
			if strings.Contains(e.Message, "XJH123") { // a member ID where a code belongs
				t.Errorf("the message quotes what the element holds: %s", e.Message)
			}
			if !strings.Contains(e.Error(), " "+tt.at+" ") || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) ||
				e.Level != tt.level || e.IK3 != tt.ik3 || e.IK4 != tt.ik4 || e.Transaction != "0001" {
				t.Errorf("got %s (level %d, IK3 %q, IK4 %q)\nwant %s %s %q, level %d, IK3 %q, IK4 %q", e, e.Level, e.IK3, e.IK4, tt.at, tt.code, tt.msg, tt.level, tt.ik3, tt.ik4)
			}
		})
	}
	// The rules kept: clean.
	for name, in := range map[string]string{
		"837": set("HC", "837", p837, append(billing, "PER*IC*EDI*TE*8005550100", "HL*2*1*22*0", "SBR*P*18*******CI", "NM1*IL*1*DOE*JANE****MI*X1", "N4*TORONTO*ON*M5V2T6", claimSeg, "DTP*472*RD8*20261101-20261102", "HI*ABK:E119*ABF:I10")...),
		"835": set("HP", "835", "005010X221A1", "BPR*I*100*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20261120",
			"TS3*1234567893*11*20261231*1*100", "N4*COLUMBUS*OH*43215", "PER*BL*EDI*TE*8005550100*EM*EDI@EXAMPLE.COM", "DTM*405*20261120"),
		"999": set("FA", "999", "005010X231A1", "AK1*HC*1*005010X222A1", "AK2*837*0001*005010X222A1", "IK5*A", "AK9*A*1*1*1"),
		"837 COB": set("HC", "837", p837, append(billing, claimSeg, "SBR*S*01*******CI", "NM1*IL*1*DOE*JANE****MI*X1", "NM1*PR*2*P1*****PI*OP1",
			"SBR*T*01*******CI", "NM1*PR*2*P2*****PI*OP2", "LX*1", "SVD*OP1*10*HC:99213**1", "SVD*OP2*0*HC:99213**1")...),
	} {
		f, err := x12.ReadFileWith(bytes.NewReader([]byte(in)), only)
		if err != nil || len(elementErrors(f.Errors)) != 0 {
			t.Errorf("%s kept to the rules: %v %v", name, err, f.Errors)
		}
	}
}
