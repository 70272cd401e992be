package codeset_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/codeset"
)

// icdSecondYear is the FY2025 zip again as if it were another year's: the
// same order file under the name icd10cm-order-YEAR.txt in a zip built in
// memory.
func icdSecondYear(tb testing.TB, zipData []byte, year string) []byte {
	tb.Helper()
	return zipOf(tb, "icd10cm-order-"+year+".txt", string(member(tb, zipData, icdOrderName)))
}

func TestICD10CMZip(t *testing.T) {
	zipData := shared(t, icdZipName)
	s := parse(t, icdZipName, "", zipData)
	if s.Kind != codeset.KindICD10CM || s.Name != "ICD-10-CM FY2025" || s.Version != "FY2025" || s.Part != "" {
		t.Errorf("kind %q name %q version %q part %q", s.Kind, s.Name, s.Version, s.Part)
	}
	if s.From != 20241001 || s.To != 20250930 {
		t.Errorf("covers %s to %s, want 2024-10-01 to 2025-09-30", s.From, s.To)
	}
	if s.Codes != 97584 {
		t.Errorf("%d rows, want 97,584", s.Codes)
	}
	b := codeset.NewBundle([]*codeset.Set{s})

	// Every billable code, chapter letter by chapter letter.
	billable := 0
	for c := 'A'; c <= 'Z'; c++ {
		billable += len(b.BillableUnder(s, string(c), 1<<20, nil))
	}
	if billable != 74260 {
		t.Errorf("%d billable codes, want 74,260", billable)
	}

	dos := date(t, "2025-03-15")
	for _, c := range []struct {
		code              string
		found, isBillable bool
	}{
		{"E11", true, false},
		{"E11.9", true, true},
		{"E119", true, true},
		{"e11.65", true, true},
		{"E11.6", true, false},
		{"A00", true, false},
		{"A00.0", true, true},
		{"A0000", false, false},
		{"E1", false, false},
		{"E11.9999", false, false},
		{"", false, false},
		{"11.9", false, false},
	} {
		d := b.Diagnosis(c.code, dos)
		if d.Set != s || d.Newest || d.Found != c.found || d.Billable != c.isBillable {
			t.Errorf("Diagnosis(%q) = set %v newest %v found %v billable %v, want found %v billable %v",
				c.code, d.Set != nil, d.Newest, d.Found, d.Billable, c.found, c.isBillable)
		}
	}

	got := b.BillableUnder(s, "E11", 5, nil)
	if want := []string{"E1100", "E1101", "E1110", "E1111", "E1121"}; !slices.Equal(got, want) {
		t.Errorf("BillableUnder(E11, 5) = %v, want %v", got, want)
	}
	all := b.BillableUnder(s, "E11.", 1000, nil)
	if len(all) != 86 || !slices.Contains(all, "E119") || !slices.Contains(all, "E1165") || slices.Contains(all, "E11") || slices.Contains(all, "E116") {
		t.Errorf("BillableUnder(E11.) = %d codes %v", len(all), all)
	}
	for _, c := range all {
		if !strings.HasPrefix(c, "E11") {
			t.Errorf("BillableUnder(E11) gave %s", c)
		}
	}
	// The order file's order: C4A (Merkel cell carcinoma) comes between C43 and C44 there.
	c4 := b.BillableUnder(s, "C4", 1000, nil)
	if i, j := slices.Index(c4, "C4A0"), slices.Index(c4, "C4400"); i < 0 || j < 0 || i > j {
		t.Errorf("BillableUnder(C4): C4A0 at %d, C4400 at %d: not the order file's order", i, j)
	}
	if got := b.BillableUnder(s, "E11", 0, nil); len(got) != 0 {
		t.Errorf("max 0 gave %v", got)
	}
	if got := b.BillableUnder(nil, "E11", 5, nil); len(got) != 0 {
		t.Errorf("nil set gave %v", got)
	}
	if got := b.BillableUnder(s, "Q", 3, []string{"x"}); len(got) != 4 || got[0] != "x" {
		t.Errorf("BillableUnder appends: %v", got)
	}

	// By date of service.
	if d := b.Diagnosis("E119", date(t, "2025-12-01")); d.Set != s || !d.Newest || !d.Billable {
		t.Errorf("after FY2025: set %v newest %v billable %v, want FY2025, newest", d.Set != nil, d.Newest, d.Billable)
	}
	if d := b.Diagnosis("E119", date(t, "2025-09-30")); d.Set != s || d.Newest {
		t.Errorf("FY2025's last day: set %v newest %v", d.Set != nil, d.Newest)
	}
	for _, dos := range []string{"2015-09-30", "2024-09-30", "2001-01-01"} {
		if d := b.Diagnosis("E119", date(t, dos)); d.Set != nil || d.Found {
			t.Errorf("%s: set %v found %v, want none", dos, d.Set, d.Found)
		}
	}
	if d := b.Diagnosis("E119", 0); d.Set != nil {
		t.Errorf("no date: set %v", d.Set)
	}
}

// The order file alone, with CRLF (as CDC ships it) or LF, parses to the
// same set as the zip.
func TestICD10CMOrderFile(t *testing.T) {
	order := member(t, shared(t, icdZipName), icdOrderName)
	for name, data := range map[string][]byte{
		"CRLF": order,
		"LF":   bytes.ReplaceAll(order, []byte("\r\n"), []byte("\n")),
	} {
		s := parse(t, icdOrderName, "", data)
		if s.Codes != 97584 || s.Version != "FY2025" {
			t.Errorf("%s: %d rows, version %s", name, s.Codes, s.Version)
		}
		if d := codeset.NewBundle([]*codeset.Set{s}).Diagnosis("E11.9", 20250101); !d.Billable {
			t.Errorf("%s: E11.9 not billable", name)
		}
	}
}

// Two fiscal years: each date of service gets its own.
func TestICD10CMTwoYears(t *testing.T) {
	zipData := shared(t, icdZipName)
	fy25 := parse(t, icdZipName, "", zipData)
	fy24 := parse(t, "renamed.zip", codeset.KindICD10CM, icdSecondYear(t, zipData, "2024"))
	if fy24.Version != "FY2024" || fy24.From != 20231001 || fy24.To != 20240930 || fy24.Name != "ICD-10-CM FY2024" {
		t.Fatalf("second year: %s %s %s..%s", fy24.Name, fy24.Version, fy24.From, fy24.To)
	}
	b := codeset.NewBundle([]*codeset.Set{fy25, fy24})
	for _, c := range []struct {
		dos    string
		set    *codeset.Set
		newest bool
	}{
		{"2023-09-30", nil, false},
		{"2023-10-01", fy24, false},
		{"2024-09-30", fy24, false},
		{"2024-10-01", fy25, false},
		{"2025-10-01", fy25, true},
	} {
		if d := b.Diagnosis("E11.9", date(t, c.dos)); d.Set != c.set || d.Newest != c.newest {
			t.Errorf("%s: set %v newest %v", c.dos, d.Set, d.Newest)
		}
	}
	if sets := b.Sets(); len(sets) != 2 || sets[0] != fy24 || sets[1] != fy25 {
		t.Errorf("Sets not by From")
	}
}

// orderLine writes one row of an order file in CDC's columns.
func orderLine(n int, code string, billable byte, desc string) string {
	return fmt.Sprintf("%05d %-7s %c %-60s %s\r\n", n, code, billable, desc, desc)
}

func TestICD10CMRefused(t *testing.T) {
	rows := func(bad func(n int) string) []byte {
		var b strings.Builder
		for n := 1; n <= 20; n++ {
			if s := bad(n); s != "" {
				b.WriteString(s)
				continue
			}
			b.WriteString(orderLine(n, fmt.Sprintf("A%02d", n), '0', "Some disease"))
		}
		return []byte(b.String())
	}
	good := rows(func(int) string { return "" })
	if s := parse(t, icdOrderName, "", good); s.Codes != 20 {
		t.Fatalf("%d rows", s.Codes)
	}
	refused(t, icdOrderName, "", rows(func(n int) string {
		if n == 12 {
			return orderLine(n, "A12", '2', "Cholera of the secret kind")
		}
		return ""
	}), []string{"icd10cm-order-2025.txt line 12:", "billable flag", `"2"`}, "Cholera")
	refused(t, icdOrderName, "", rows(func(n int) string {
		if n == 7 {
			return fmt.Sprintf("%05d Cholera of the secret kind\r\n", n)
		}
		return ""
	}), []string{"line 7:"}, "Cholera", "secret")
	refused(t, icdOrderName, "", rows(func(n int) string {
		if n == 3 {
			return orderLine(n, "A3$", '1', "x")
		}
		return ""
	}), []string{"line 3:", "code"})
	refused(t, icdOrderName, "", rows(func(n int) string {
		if n == 5 {
			return orderLine(n, "A01", '1', "x")
		}
		return ""
	}), []string{"A01", "twice"})
	refused(t, icdOrderName, "", []byte("not an order file\r\n"), []string{"line 1:"})
	refused(t, icdOrderName, "", nil, []string{"no rows"})
	// The year is in the order file's name.
	refused(t, "diagnoses.txt", codeset.KindICD10CM, good, []string{"fiscal year", "icd10cm-order-YYYY.txt"})
	// A zip without the order file.
	refused(t, icdZipName, "", zipOf(t, "icd10cm-codes-2025.txt", "A000 Cholera\r\n", "icd10cm-order-addenda-2025.txt", "x"),
		[]string{icdZipName, "holds no ICD-10-CM order file", "icd10cm-codes-2025.txt"})
	refused(t, icdZipName, "", []byte("PK\x03\x04 truncated"), []string{"zip"})
	// A zip with a good name and the rows above, as a zip.
	if s := parse(t, "x.zip", codeset.KindICD10CM, zipOf(t, "icd10cm-order-2026.txt", string(good))); s.Version != "FY2026" || s.From != 20251001 {
		t.Errorf("zip: %s from %s", s.Version, s.From)
	}
}
