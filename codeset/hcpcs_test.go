package codeset_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/codeset"
)

func TestHCPCSZip(t *testing.T) {
	zipData := shared(t, hcpcsZipName)
	s := parse(t, hcpcsZipName, "", zipData)
	if s.Kind != codeset.KindHCPCS || s.Name != "HCPCS 2020" || s.Version != "2020" || s.From != 20200101 || s.To != 20201231 {
		t.Errorf("%s %s %s %s..%s", s.Kind, s.Name, s.Version, s.From, s.To)
	}
	if s.Codes != 6710+369 {
		t.Errorf("%d codes, want 6,710 procedures and 369 modifiers", s.Codes)
	}
	b := codeset.NewBundle([]*codeset.Set{s})
	mid := date(t, "2020-06-01")

	for _, c := range []struct {
		code              string
		found             bool
		added, terminated codeset.Date
	}{
		{"A4466", true, 20100101, 20161231}, // elastic garment: terminated 2016-12-31
		{"J0121", true, 20191001, 0},        // added 2019-10-01, mid-history
		{"G9017", true, 20041201, 20191231}, // terminated the last day of 2019
		{"a4466", true, 20100101, 20161231},
		{"A0001", false, 0, 0},
		{"Z9999", false, 0, 0},
		{"J01", false, 0, 0},
	} {
		p := b.Procedure(c.code, mid)
		if p.Set != s || p.Newest || p.Found != c.found || p.Added != c.added || p.Terminated != c.terminated {
			t.Errorf("Procedure(%s) = %+v, want found %v added %s terminated %s", c.code, p, c.found, c.added, c.terminated)
		}
	}
	if p := b.Procedure("J0121", date(t, "2021-02-01")); p.Set != s || !p.Newest || !p.Found {
		t.Errorf("after 2020: %+v, want the newest (2020)", p)
	}
	if p := b.Procedure("J0121", date(t, "2019-02-01")); p.Set != s || p.Newest || !p.Found {
		t.Errorf("before 2020: %+v, want the oldest (2020)", p)
	}
	// CPT and CDT codes are not HCPCS's: no set without an operator's list.
	for _, code := range []string{"12345", "0001T", "D0120"} {
		if p := b.Procedure(code, mid); p.Set != nil || p.Found {
			t.Errorf("Procedure(%s) = %+v, want no set", code, p)
		}
	}

	for _, c := range []struct {
		mod   string
		dos   string
		found bool
	}{
		{"LT", "2020-06-01", true},
		{"RT", "2020-06-01", true},
		{"GA", "2020-06-01", true},
		{"ga", "2020-06-01", true},
		{"GD", "2020-06-01", false}, // terminated 2019-12-31
		{"GD", "2019-12-31", true},
		{"CP", "2020-06-01", false}, // terminated 2017-12-31
		{"ZZ", "2020-06-01", false},
		{"L", "2020-06-01", false},
	} {
		set, found := b.Modifier(c.mod, date(t, c.dos))
		if set != s || found != c.found {
			t.Errorf("Modifier(%s, %s) = %v, %v, want found %v", c.mod, c.dos, set != nil, found, c.found)
		}
	}
	// Numeric modifiers are CPT's: without an operator's CPT list, no set.
	if set, found := b.Modifier("25", mid); set != nil || found {
		t.Errorf("Modifier(25) = %v, %v, want no set", set, found)
	}
}

func TestHCPCSRecordFile(t *testing.T) {
	txt := member(t, shared(t, hcpcsZipName), hcpcsTxtName)
	s := parse(t, hcpcsTxtName, "", txt)
	if s.Codes != 7079 || s.Version != "2020" {
		t.Errorf("%d codes, version %s", s.Codes, s.Version)
	}
}

// hcpcsRecord writes a first line (record id 3, or 7 for a modifier) in
// CMS's 320 columns.
func hcpcsRecord(code string, id byte, added, terminated string) string {
	r := []byte(strings.Repeat(" ", 320))
	copy(r, fmt.Sprintf("%5s00100%c%-80s%-28s", code, id, "Long description", "Short"))
	copy(r[268:], added)
	copy(r[276:], added)
	copy(r[284:], terminated)
	r[292] = 'N'
	return string(r) + "\r\n"
}

func TestHCPCSRefused(t *testing.T) {
	head := "Note regarding coverage and payment indicators\r\n\r\nThis is neither an indicator of coverage.\r\n\r\n"
	good := head + hcpcsRecord("A0021", '3', "19950101", "") +
		"A0021002004continued description                                                        \r\n" +
		hcpcsRecord("   GA", '7', "20020701", "") +
		hcpcsRecord("G9017", '3', "20041201", "20191231")
	s := parse(t, hcpcsTxtName, "", []byte(good))
	if s.Codes != 3 {
		t.Errorf("%d codes", s.Codes)
	}
	if p := codeset.NewBundle([]*codeset.Set{s}).Procedure("G9017", 20200101); !p.Found || p.Terminated != 20191231 {
		t.Errorf("G9017: %+v", p)
	}

	short := hcpcsRecord("A0080", '3', "19950101", "")[:150] + "\r\n"
	refused(t, hcpcsTxtName, "", []byte(good+short), []string{hcpcsTxtName + " line 9:", "150 characters"}, "Long description")
	refused(t, hcpcsTxtName, "", []byte(good+hcpcsRecord("A0090", '3', "19951301", "")), []string{"line 9:", "A0090", "add date", `"19951301"`})
	refused(t, hcpcsTxtName, "", []byte(good+hcpcsRecord("A0090", '3', "19950101", "2019123X")), []string{"line 9:", "termination date"})
	refused(t, hcpcsTxtName, "", []byte(good+"Some trailing text that is not a record\r\n"), []string{"line 9:", "not a HCPCS record"}, "trailing")
	refused(t, hcpcsTxtName, "", []byte(good+"A0099002004continued\r\n"), []string{"line 9:", "continuation"})
	refused(t, hcpcsTxtName, "", []byte(good+hcpcsRecord("A0021", '3', "19950101", "")), []string{"A0021", "two records"})
	refused(t, hcpcsTxtName, "", []byte(head), []string{"no HCPCS procedure records"})
	refused(t, "codes.txt", codeset.KindHCPCS, []byte(good), []string{"cannot tell the year"})
	refused(t, hcpcsZipName, "", zipOf(t, "HCPC2020_README.txt", "read me", "proc_notes_2020.txt", "notes"),
		[]string{hcpcsZipName, "holds no HCPCS record file", "HCPC2020_README.txt"})
	// The ICD-10-CM zip is not a HCPCS zip.
	refused(t, "hcpcs-2020.zip", "", zipOf(t, icdOrderName, "00001 A00     0 Cholera\r\n"), []string{"holds no HCPCS record file"})
}
