package codeset_test

import (
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/codeset"
)

// The tests' NCCI files are written in CMS's layouts, with HCPCS Level II
// codes (public) and made-up numbers where CMS's files have CPT codes.

// ptpHeader is the top of a CMS PTP file: the AMA notice, then the column
// headings over two lines, then an empty row.
const ptpHeader = "CPT codes, descriptions and other data only are copyright 2024 American Medical Association. All rights reserved.\r\n" +
	"Column 1/Column 2 Edits\r\n" +
	"Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier\tPTP Edit Rationale\r\n" +
	"\t\t\t\t\t0=not allowed 1=allowed 9=not applicable\t\r\n" +
	"\t\t\t\t\t\t\r\n"

const ptpRows = "G0101\tG0102\t\t20040101\t*\t1\tMisuse of column two code with column one code\r\n" +
	"G0101\tJ1100\t*\t19960101\t20201231\t0\tMutually exclusive procedures\r\n" +
	"G0101\tJ1100\t\t20210101\t*\t1\tMutually exclusive procedures\r\n" +
	"10001\t10002\t\t20250101\t*\t9\tStandards of medical / surgical practice\r\n"

func TestPTP(t *testing.T) {
	s := parse(t, "ccipra-v311r0-f1.txt", "", []byte(ptpHeader+ptpRows))
	if s.Kind != codeset.KindPTPPractitioner || s.Name != "NCCI PTP practitioner v311r0" || s.Version != "v311r0" || s.Part != "f1" {
		t.Errorf("%s %q %s %s", s.Kind, s.Name, s.Version, s.Part)
	}
	if s.From != 19960101 || s.To != 0 || s.Codes != 4 {
		t.Errorf("from %s to %s, %d edits", s.From, s.To, s.Codes)
	}
	b := codeset.NewBundle([]*codeset.Set{s})
	k := codeset.KindPTPPractitioner
	for _, c := range []struct {
		col1, col2, dos string
		ok              bool
		mod             byte
		eff, del        codeset.Date
	}{
		{"G0101", "G0102", "2025-01-01", true, '1', 20040101, 0},
		{"G0101", "G0102", "2003-12-31", false, 0, 0, 0},
		{"G0102", "G0101", "2025-01-01", false, 0, 0, 0}, // column 1 is column 1
		{"G0101", "J1100", "2020-12-31", true, '0', 19960101, 20201231},
		{"G0101", "J1100", "2021-01-01", true, '1', 20210101, 0},
		{"g0101", "j1100", "1996-01-01", true, '0', 19960101, 20201231},
		{"G0101", "J1100", "1995-12-31", false, 0, 0, 0},
		{"10001", "10002", "2025-06-30", true, '9', 20250101, 0},
		{"10001", "10003", "2025-06-30", false, 0, 0, 0},
		{"1000", "10002", "2025-06-30", false, 0, 0, 0},
	} {
		e, ok := b.PTP(k, c.col1, c.col2, date(t, c.dos))
		if ok != c.ok || e.Modifier != c.mod || e.Effective != c.eff || e.Deleted != c.del || ok && e.Set != s {
			t.Errorf("PTP(%s, %s, %s) = %+v, %v", c.col1, c.col2, c.dos, e, ok)
		}
	}
	if _, ok := b.PTP(codeset.KindPTPHospital, "G0101", "G0102", 20250101); ok {
		t.Error("the practitioner table answered for hospitals")
	}
	if _, ok := b.PTP(codeset.KindICD10CM, "G0101", "G0102", 20250101); ok {
		t.Error("an ICD kind answered")
	}
}

// Only the newest version's parts are used, every part of it.
func TestPTPVersionsAndParts(t *testing.T) {
	old := parse(t, "ccioph-v311r0-f1.TXT", "", []byte(ptpHeader+"G0101\tG0102\t\t20040101\t*\t1\tx\r\n"))
	f1 := parse(t, "CCIOPH-V312R0-F1.txt", "", []byte(ptpHeader+"G0101\tG0103\t\t20040101\t*\t0\tx\r\n"))
	f2 := parse(t, "ccioph-v312r0-f2.zip", "", zipOf(t, "ccioph-v312r0-f2.TXT", ptpHeader+"J1100\tJ1110\t\t20040101\t*\t1\tx\r\n"))
	if f1.Version != "v312r0" || f1.Part != "f1" || f2.Part != "f2" || f2.Kind != codeset.KindPTPHospital || f2.Name != "NCCI PTP outpatient hospital v312r0" {
		t.Fatalf("%s %s / %s %s %s", f1.Version, f1.Part, f2.Version, f2.Part, f2.Name)
	}
	b := codeset.NewBundle([]*codeset.Set{f2, old, f1})
	k := codeset.KindPTPHospital
	if _, ok := b.PTP(k, "G0101", "G0102", 20250101); ok {
		t.Error("v311r0's edit used beside v312r0")
	}
	if e, ok := b.PTP(k, "G0101", "G0103", 20250101); !ok || e.Set != f1 || e.Modifier != '0' {
		t.Errorf("v312r0 f1: %+v %v", e, ok)
	}
	if e, ok := b.PTP(k, "J1100", "J1110", 20250101); !ok || e.Set != f2 {
		t.Errorf("v312r0 f2: %+v %v", e, ok)
	}
	sets := b.Sets()
	if len(sets) != 3 || sets[0] != old || sets[1] != f1 || sets[2] != f2 {
		t.Errorf("Sets: %v", sets)
	}
}

func TestPTPRefused(t *testing.T) {
	name := "ccipra-v311r0-f1.txt"
	bad := func(row string) []byte { return []byte(ptpHeader + ptpRows + row) }
	// Line 10: five header lines, four rows, then the bad one.
	refused(t, name, "", bad("G0101\tG0104\t\t2004-01-01\t*\t1\tx\r\n"), []string{name + " line 10:", "effective date", `"2004-01-01"`})
	refused(t, name, "", bad("G0101\tG0104\t\t20040101\t20041301\t1\tx\r\n"), []string{"line 10:", "deletion date"})
	refused(t, name, "", bad("G0101\tG0104\t\t20040101\t*\t2\tx\r\n"), []string{"line 10:", "modifier indicator"})
	refused(t, name, "", bad("G0101\tG0104\tyes\t20040101\t*\t1\tx\r\n"), []string{"line 10:", "existence"})
	refused(t, name, "", bad("G0101\tMutually exclusive\t\t20040101\t*\t1\tx\r\n"), []string{"line 10:", "column 2"}, "Mutually")
	refused(t, name, "", bad("G0101\tG0104\t\t20040101\r\n"), []string{"line 10:", "4 fields"})
	refused(t, name, "", bad("G0101 x\tG0104\t\t20040101\t*\t1\tx\r\n"), []string{"line 10:", "column 1"})
	refused(t, name, "", []byte(ptpHeader), []string{"no PTP edits"})
	refused(t, name, "", []byte(ptpHeader+"G0101,G0102,,20040101,*,1,x\r\n"), []string{"line 6:", "G0101", "tab-separated"})
	refused(t, name, "", []byte(ptpHeader+"G0101 G0102  20040101 * 1 x\r\n"), []string{"line 6:", "tab-separated"})
	refused(t, "edits.txt", codeset.KindPTPPractitioner, bad(""), []string{"cannot tell the version"})
	refused(t, "ccioph-v311r0-f1.txt", codeset.KindPTPPractitioner, bad(""), []string{"the name says ptp-hospital"})
	refused(t, "ccipra-v311r0-f1.zip", "", zipOf(t, "readme.pdf", "x"), []string{"holds no PTP edit file"})
	// A renamed zip: the member's name carries the version.
	if s := parse(t, "download.zip", codeset.KindPTPPractitioner, zipOf(t, "ccipra-v311r0-f3.TXT", ptpHeader+ptpRows)); s.Part != "f3" || s.Codes != 4 {
		t.Errorf("renamed zip: %s %s %d", s.Version, s.Part, s.Codes)
	}
}

// mueCSV is an MUE table as CMS writes it: the AMA notice in a quoted
// field over two lines, the column headings, then rows, some quoted.
func mueCSV(rows ...string) []byte {
	return []byte("\"CPT codes, descriptions and other data only are copyright 2024 American Medical Association.\r\nAll Rights Reserved. Applicable FARS/HHSARS apply.\"\r\n" +
		"HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\r\n" +
		strings.Join(rows, "\r\n") + "\r\n")
}

var mueRows = []string{
	`G0101,1,2 Date of Service Edit: Policy,CMS Policy`,
	`"J1100","120","3 Date of Service Edit: Clinical","Clinical: Data, and ""more"""`,
	`A4466,4,1 Line Edit,Nature of Equipment`,
	`10001,0,2 Date of Service Edit: Policy,Code Descriptor / CPT Instruction`,
}

func TestMUE(t *testing.T) {
	name := "MCR_MUE_PractitionerServices_Eff_01-01-2025.csv"
	s := parse(t, name, "", mueCSV(mueRows...))
	if s.Kind != codeset.KindMUEPractitioner || s.Name != "MUE practitioner 2025-01-01" || s.Version != "2025-01-01" || s.From != 20250101 || s.To != 0 || s.Codes != 4 {
		t.Errorf("%s %q %s %s..%s %d", s.Kind, s.Name, s.Version, s.From, s.To, s.Codes)
	}
	april := parse(t, "MCR_MUE_PractitionerServices_Eff_04-01-2025.zip", "",
		zipOf(t, "MCR_MUE_PractitionerServices_Eff_04-01-2025.csv", string(mueCSV(`G0101,3,1 Line Edit,CMS Policy`))))
	dme := parse(t, "MCR_MUE_DMESupplierServices_Eff_01-01-2025.csv", "", mueCSV(`A4466,8,1 Line Edit,x`))
	b := codeset.NewBundle([]*codeset.Set{april, s, dme})
	k := codeset.KindMUEPractitioner
	for _, c := range []struct {
		code, dos string
		ok        bool
		set       *codeset.Set
		value     int
		ind       byte
	}{
		{"G0101", "2025-03-31", true, s, 1, '2'},
		{"G0101", "2025-04-01", true, april, 3, '1'},
		{"G0101", "2024-12-31", false, nil, 0, 0},
		{"J1100", "2025-01-01", true, s, 120, '3'},
		{"J1100", "2025-04-01", false, nil, 0, 0}, // the April table is the one in force, and has no J1100
		{"a4466", "2025-02-01", true, s, 4, '1'},
		{"10001", "2025-02-01", true, s, 0, '2'},
		{"X", "2025-02-01", false, nil, 0, 0},
	} {
		m, ok := b.MUE(k, c.code, date(t, c.dos))
		if ok != c.ok || m.Set != c.set || m.Value != c.value || m.Indicator != c.ind {
			t.Errorf("MUE(%s, %s) = %+v, %v", c.code, c.dos, m, ok)
		}
	}
	if m, ok := b.MUE(codeset.KindMUEDME, "A4466", 20250601); !ok || m.Value != 8 || m.Set != dme {
		t.Errorf("DME: %+v %v", m, ok)
	}
	if _, ok := b.MUE(codeset.KindMUEHospital, "A4466", 20250601); ok {
		t.Error("no hospital table, yet an answer")
	}
}

func TestMUERefused(t *testing.T) {
	name := "MCR_MUE_OutpatientHospitalServices_Eff_01-01-2025.csv"
	if s := parse(t, name, "", mueCSV(mueRows...)); s.Kind != codeset.KindMUEHospital || s.Name != "MUE outpatient hospital 2025-01-01" {
		t.Errorf("%s %s", s.Kind, s.Name)
	}
	bad := func(row string) []byte { return mueCSV(append(append([]string{}, mueRows...), row)...) }
	// Line 8: the notice over two lines, the headings, four rows, then the bad one.
	refused(t, name, "", bad(`G0102,2.5,1 Line Edit,x`), []string{name + " line 8:", "G0102", "MUE value", `"2.5"`})
	refused(t, name, "", bad(`G0102,one,1 Line Edit,x`), []string{"line 8:", "whole number"})
	refused(t, name, "", bad(`G0102,2,Line Edit,x`), []string{"line 8:", "adjudication indicator"})
	refused(t, name, "", bad(`G0102,2`), []string{"line 8:", "2 fields"})
	refused(t, name, "", bad(`G0101,2,1 Line Edit,x`), []string{"G0101", "twice"})
	refused(t, name, "", bad(`G0102;2;1 Line Edit;x`), []string{"line 8:", "G0102", "not separated by commas"})
	refused(t, name, "", mueCSV(), []string{"no MUE rows"})
	refused(t, "mue.csv", codeset.KindMUEHospital, bad(""), []string{"cannot tell the effective date"})
	refused(t, name, codeset.KindMUEDME, bad(""), []string{"the name says mue-hospital"})
	refused(t, "MCR_MUE_DMESupplierServices_Eff_01-01-2025.zip", "", zipOf(t, "a.csv", "x", "b.csv", "y"), []string{"2 files"})
}
