package guide

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/x12"
)

// Each kind of element check of the tables, with a file it fails and the
// exact error: its element, code, message, 999 IK403 and SNIP level.
// Before the element tables, x12 validate called each of these valid.
func TestElementTables(t *testing.T) {
	const isa = "ISA*00*          *00*          *ZZ*CLAIMSGW       *ZZ*SIMPAYER       *261120*1015*^*00501*000000001*0*T*:~"
	set := func(fid, st, ver string, segs ...string) string {
		body := strings.Join(segs, "~") + "~"
		return isa + "GS*" + fid + "*CLAIMSGW*SIMPAYER*20261120*1015*1*X*" + ver + "~ST*" + st + "*0001*" + ver + "~" + body +
			"SE*" + itoa(len(segs)+2) + "*0001~GE*1*1~IEA*1*000000001~"
	}
	const p, i, d, r = "005010X222A1", "005010X223A2", "005010X224A2", "005010X221A1"
	for _, tt := range []struct {
		name, in      string
		at, code, msg string
		ik4           string
	}{
		{"an ID code the guide does not list", set("HP", "835", r, "CLP*PCN1*7*100*80**12*CN1"),
			"CLP02", CodeValue, "CLP02 (claim status code) is not a code the guide allows here", "7"},
		{"a required element missing", set("HP", "835", r, "CLP*PCN1*1*100*80**12"),
			"CLP07", CodeValue, "CLP07 (reference identification) is required", "1"},
		{"an element the guide does not use", set("HP", "835", r, "CLP*PCN1*1*100*80**12*CN1***X"),
			"CLP10", CodeNotUsed, "CLP10 is not used in this implementation guide", "I10"},
		{"too long", set("HP", "835", r, "CLP*PCN1*1*100*80**12*CN1*"+"123"),
			"CLP08", CodeValue, "CLP08 (facility code value) has 3 characters: at most 2", "5"},
		{"too short", set("HP", "835", r, "BPR*I*100*C*ACH*CCP*01*999999999*DA*123456*151234567**01*999988880*DA*98765*20261120"),
			"BPR10", CodeValue, "BPR10 (originating company identifier) has 9 characters: at least 10", "4"},
		{"an N0 number with a decimal point", set("HP", "835", r, "LX*1.5"),
			"LX01", CodeValue, "LX01 (assigned number) is not a number", "6"},
		{"an amount with two points", set("HP", "835", r, "CLP*PCN1*1*100*80.0.0**12*CN1"),
			"CLP04", CodeValue, "CLP04 (monetary amount) is not a number", "6"},
		{"a DT that is not a date", set("HP", "835", r, "TS3*1234567893*11*20260230*1*100"),
			"TS303", CodeValue, "TS303 (date) is not a date CCYYMMDD", "8"},
		{"a TM that is not a time", set("HC", "837", p, "BHT*0019*00*B1*20261120*2561*CH"),
			"BHT05", CodeValue, "BHT05 (time) is not a time HHMM[SS[dd]]", "9"},
		{"more elements than the segment has", set("HP", "835", r, "LQ*HE*N130*X"),
			"LQ03", CodeValue, "LQ has 3 elements: the guide's LQ has 2", "3"},
		{"a composite's component the guide does not use", set("HP", "835", r, "SVC*HC:99213:::::X*100*80"),
			"SVC01-7", CodeNotUsed, "SVC01-7 is not used in this implementation guide", "I10"},
		{"more components than the composite has", set("HP", "835", r, "SVC*HC:99213:::::::X*100*80"),
			"SVC01-9", CodeValue, "SVC01 has more components than the guide's 8", "13"},
		{"a composite's qualifier not listed", set("HC", "837", p, "SV1*ZZ:99213*100*UN*1***1"),
			"SV101-1", CodeValue, "SV101-1 (product/service id qualifier) is not a code the guide allows here", "7"},
		{"a required composite missing", set("HC", "837", p, "SV1**100*UN*1***1"),
			"SV101", CodeValue, "SV101 (a composite) is required", "1"},
		{"837I: CLM05-2 B", set("HC", "837", i, "CLM*PCN1*100***11:B:1**A*Y*Y"),
			"CLM05-2", CodeValue, "CLM05-2 (facility code qualifier) is not a code the guide allows here", "7"},
		{"837I: CLM06 not used", set("HC", "837", i, "CLM*PCN1*100***11:A:1*Y*A*Y*Y"),
			"CLM06", CodeNotUsed, "CLM06 is not used in this implementation guide", "I10"},
		{"837D: a tooth surface not in the list", set("HC", "837", d, "TOO*JP*30*M:Q"),
			"TOO03-2", CodeValue, "TOO03-2 (tooth surface code) is not a code the guide allows here", "7"},
		{"837D: an oral cavity code not in the list", set("HC", "837", d, "SV3*AD:D1110*60**03**1"),
			"SV304-1", CodeValue, "SV304-1 (oral cavity designation code) is not a code the guide allows here", "7"},
		{"837D: SV301-1 not AD", set("HC", "837", d, "SV3*HC:D1110*60"),
			"SV301-1", CodeValue, "SV301-1 (product/service id qualifier) is not a code the guide allows here", "7"},
		{"999: IK403 not a code", set("FA", "999", "005010X231A1", "IK4*3**99"),
			"IK403", CodeValue, "IK403 (implementation data element syntax error code) is not a code the guide allows here", "7"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := x12.ReadFileWith(bytes.NewReader([]byte(tt.in)), func(st, impl, gv string) (string, x12.Decoder) {
				return "", For(st, impl, gv)
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []*x12.Error
			for _, e := range f.Errors {
				if e.Code != CodeStructure {
					got = append(got, e)
				}
			}
			if len(got) != 1 {
				t.Fatalf("errors %v, want one at %s", got, tt.at)
			}
			e := got[0]
			if !strings.Contains(e.Error(), " "+tt.at+" ") || e.Code != tt.code || e.Message != tt.msg ||
				e.IK3 != "8" || e.IK4 != tt.ik4 || e.Level != x12.LevelGuide || e.Transaction != "0001" {
				t.Errorf("got %s (IK4 %q, level %d)\nwant %s %s %q, IK4 %q", e, e.IK4, e.Level, tt.at, tt.code, tt.msg, tt.ik4)
			}
		})
	}
}

// The element tables say what pyx12's maps say, element by element, in
// every loop of every guide pyx12 has a map for: the same data element
// (type and lengths), never stricter (an element R in the tables is R in
// every loop of the map, N only where the map never uses it) and every
// code the map allows in a loop, allowed. 837D (X224A2) has no map.
func TestElementTablesAgreeWithPyx12(t *testing.T) {
	dir := testutil.Shared(t, "tools", "pyx12", "pyx12", "map")
	for guide, file := range map[string]string{
		"005010X221A1": "835.5010.X221.A1.xml", "005010X222A1": "837.5010.X222.A1.xml",
		"005010X223A2": "837Q3.I.5010.X223.A1.v2.xml", "005010X231A1": "999.5010X231.A1.xml",
		"005010X214": "277.5010.X214.xml", "005010X212": "277.5010.X212.xml",
	} {
		raw, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		var doc mapNode
		if err := xml.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		compared := 0
		for _, seg := range doc.segments() {
			id := seg.attr("xid")
			def := elementTables[guide][segKey(id)]
			if def == nil {
				if !slices.Contains([]string{"ISA", "GS", "ST", "SE", "GE", "IEA", "TA1"}, id) {
					t.Errorf("%s: %s is in pyx12's map and not in the tables", guide, id)
				}
				continue
			}
			for _, ch := range seg.Children {
				if ch.XMLName.Local != "element" && ch.XMLName.Local != "composite" {
					continue
				}
				n := atoi(ch.field("seq"))
				var ours *elemDef
				if n <= len(def.elems) {
					ours = &def.elems[n-1]
				}
				where := guide + " " + id + itoa2(n)
				switch ch.XMLName.Local {
				case "element":
					agree(t, where, ours, ch)
					compared++
				case "composite":
					usage := ch.field("usage")
					if ours == nil || !usageAgrees(ours.usage, usage) {
						t.Errorf("%s: composite usage %v, pyx12 %s", where, ours, usage)
						continue
					}
					for _, sub := range ch.Children {
						if sub.XMLName.Local != "element" {
							continue
						}
						j := atoi(sub.field("seq"))
						var oc *elemDef
						if j <= len(ours.comps) {
							oc = &ours.comps[j-1]
						}
						agree(t, where+"-"+itoa(j), oc, sub)
						compared++
					}
				}
			}
		}
		if compared < 50 {
			t.Errorf("%s: %d elements compared", guide, compared)
		}
	}
}

func agree(t *testing.T, where string, ours *elemDef, el mapNode) {
	t.Helper()
	usage := el.field("usage")
	if ours == nil {
		if usage != "N" {
			t.Errorf("%s: not in the tables, pyx12 says usage %s", where, usage)
		}
		return
	}
	if !usageAgrees(ours.usage, usage) {
		t.Errorf("%s: usage %c, pyx12 %s", where, ours.usage, usage)
	}
	if ours.usage == 'N' {
		return
	}
	if num := el.field("data_ele"); ours.num != num {
		t.Errorf("%s: data element %s, pyx12 %s", where, ours.num, num)
	}
	if ours.codes != nil {
		for _, c := range el.codes() {
			if !slices.Contains(ours.codes, c) {
				t.Errorf("%s: pyx12 allows %s, the tables do not", where, c)
			}
		}
	}
}

// usageAgrees: R only where pyx12 says R, N only where it says N.
func usageAgrees(ours byte, theirs string) bool {
	return ours == 'S' || string(ours) == theirs
}

// mapNode is a node of a pyx12 map: fields as attributes (newer maps) or
// child elements (older ones).
type mapNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []mapNode  `xml:",any"`
}

func (n mapNode) attr(k string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == k {
			return a.Value
		}
	}
	return ""
}

func (n mapNode) field(k string) string {
	if v := n.attr(k); v != "" {
		return v
	}
	for _, c := range n.Children {
		if c.XMLName.Local == k {
			return strings.TrimSpace(c.Text)
		}
	}
	return ""
}

func (n mapNode) segments() []mapNode {
	var out []mapNode
	for _, c := range n.Children {
		if c.XMLName.Local == "segment" {
			out = append(out, c)
		} else {
			out = append(out, c.segments()...)
		}
	}
	return out
}

func (n mapNode) codes() []string {
	var out []string
	for _, c := range n.Children {
		if c.XMLName.Local == "code" {
			out = append(out, strings.TrimSpace(c.Text))
		} else {
			out = append(out, c.codes()...)
		}
	}
	return out
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func itoa(n int) string { return strings.TrimLeft(itoa2(n), "0") }

func itoa2(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
