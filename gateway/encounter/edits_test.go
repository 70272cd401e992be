package encounter

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// The code-set edits, against the real ICD-10-CM FY2025 and HCPCS 2020
// zips from ../shared/codesets and NCCI PTP and MUE files written here in
// CMS's layouts.

// ptpPractitioner is a PTP file as CMS writes it: header lines, then
// column 1, column 2, the pre-1996 flag, effective and deletion dates, the
// modifier indicator and the rationale, tab-separated.
const ptpPractitioner = "CPT codes and descriptions only are copyright 2024 American Medical Association. All rights reserved.\n" +
	"Column1\tColumn2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n" +
	"99214\t87804\t\t20240101\t*\t1\tStandards of medical / surgical services\n" +
	"99214\tJ1100\t\t20240101\t*\t0\tMisuse of column two code with column one code\n" +
	"99214\tA4206\t\t20200101\t20201231\t0\tdeleted at the end of 2020\n" +
	"99214\tG0008\t\t20200101\t*\t9\tdeleted retroactively\n"

const ptpHospital = "Column1\tColumn2\t*\tEffective Date\tDeletion Date\tModifier\tRationale\n" +
	"93458\t80053\t\t20240101\t*\t0\tCPT Manual or CMS manual coding instructions\n"

// muePractitioner is an MUE table as CMS writes it: a header, quoted
// fields, the adjudication indicator as text.
const muePractitioner = `"HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"
"87804","2","3 Date of Service Edit: Clinical","Clinical: Data"
"J1100","10","1 Line Edit","Prescribing Information"
`

var (
	bundleOnce sync.Once
	bundle     *codeset.Bundle
	bundleErr  error
)

// testBundle is every set the edits use, parsed once for the package's tests.
func testBundle(t testing.TB) *codeset.Bundle {
	t.Helper()
	dir := testutil.Shared(t, "codesets")
	bundleOnce.Do(func() {
		var sets []*codeset.Set
		for _, f := range []struct {
			name string
			data func() ([]byte, error)
		}{
			{"icd10cm-code-descriptions-2025.zip", func() ([]byte, error) { return os.ReadFile(dir + "/icd10cm-code-descriptions-2025.zip") }},
			{"hcpcs-2020-alpha-numeric.zip", func() ([]byte, error) { return os.ReadFile(dir + "/hcpcs-2020-alpha-numeric.zip") }},
			{"ccipra-v311r0-f1.txt", func() ([]byte, error) { return []byte(ptpPractitioner), nil }},
			{"ccioph-v311r0-f1.txt", func() ([]byte, error) { return []byte(ptpHospital), nil }},
			{"MCR_MUE_PractitionerServices_Eff_01-01-2025.csv", func() ([]byte, error) { return []byte(muePractitioner), nil }},
		} {
			data, err := f.data()
			if err != nil {
				bundleErr = err
				return
			}
			s, err := codeset.Parse(f.name, "", data)
			if err != nil {
				bundleErr = err
				return
			}
			sets = append(sets, s)
		}
		bundle = codeset.NewBundle(sets)
	})
	if bundleErr != nil {
		t.Fatal(bundleErr)
	}
	return bundle
}

// inFY2025 moves an encounter's dates into ICD-10-CM FY2025: the 837P's
// lines to 2025-03-10, the 837I's stay to 2025-03-08..10.
func inFY2025(e *Encounter) {
	moved := map[string]string{"2026-11-02": "2025-03-10", "2026-10-28": "2025-03-08", "2026-10-29": "2025-03-09"}
	for _, l := range e.ServiceLines {
		l.ServiceDate = moved[l.ServiceDate]
	}
	if c := e.Claim; c.StatementFrom != "" {
		c.StatementFrom, c.StatementTo, c.Admission.Date = "2025-03-08", "2025-03-10", "2025-03-08"
		c.Procedures[0].Date = "2025-03-09"
	}
}

func TestCodeSetEdits(t *testing.T) {
	b := testBundle(t)
	tests := []struct {
		name   string
		base   string // "p" or "i"
		change func(e *Encounter)
		want   []want // every problem but the infos, in order
		set    string // the set the last of them names
	}{
		{"the examples are clean", "p", func(e *Encounter) {}, nil, ""},
		{"institutional example clean", "i", func(e *Encounter) {}, nil, ""},
		{"unknown diagnosis", "p", func(e *Encounter) { e.Claim.Diagnoses[1].Code = "R5099" },
			[]want{{"claim.diagnoses[1].code", CodeUnknownCode}}, "ICD-10-CM FY2025"},
		{"header diagnosis", "p", func(e *Encounter) { e.Claim.Diagnoses[1].Code = "E11" },
			[]want{{"claim.diagnoses[1].code", CodeHeaderCode}}, "ICD-10-CM FY2025"},
		{"external cause first", "p", func(e *Encounter) { e.Claim.Diagnoses[0].Code = "W01.0XXA" },
			[]want{{"claim.diagnoses[0].code", CodeExternalCauseFirst}}, ""},
		{"external cause second is fine", "p", func(e *Encounter) { e.Claim.Diagnoses[1].Code = "W01.0XXA" }, nil, ""},
		{"same code twice", "p", func(e *Encounter) { e.Claim.Diagnoses[1].Code = "J10.1" },
			[]want{{"claim.diagnoses[1].code", CodeDuplicateDiagnosis}}, ""},
		{"pregnancy for a male patient", "p", func(e *Encounter) { e.Claim.Diagnoses[1].Code = "O09.00" },
			[]want{{"claim.diagnoses", CodeMaternitySex}}, ""},
		{"pregnancy at 70", "p", func(e *Encounter) {
			e.Claim.Diagnoses[1].Code = "O09.00"
			e.Subscriber.Gender, e.Subscriber.BirthDate = "F", "1955-01-01"
		}, []want{{"claim.diagnoses", CodeMaternityAge}}, ""},
		{"pregnancy at 30, with weeks of gestation", "p", func(e *Encounter) {
			e.Claim.Diagnoses = append(e.Claim.Diagnoses, &Diagnosis{Code: "O09.00"}, &Diagnosis{Code: "Z3A.20"})
			e.Subscriber.Gender, e.Subscriber.BirthDate = "F", "1995-01-01"
		}, nil, ""},
		{"weeks of gestation without a pregnancy code", "p", func(e *Encounter) { e.Claim.Diagnoses[1].Code = "Z3A.20" },
			[]want{{"claim.diagnoses[1].code", CodeGestationAlone}}, ""},
		{"ICD-10 before October 2015", "p", func(e *Encounter) {
			for _, l := range e.ServiceLines {
				l.ServiceDate = "2015-09-30"
			}
		}, []want{{"claim.diagnoses", CodeICD10TooEarly}}, ""},
		{"a date after FY2025 uses it and says so", "p", func(e *Encounter) {
			for _, l := range e.ServiceLines {
				l.ServiceDate = "2025-11-03"
			}
		}, []want{{"claim.diagnoses", CodeCodeSetOutdated}}, "ICD-10-CM FY2025"},
		{"terminated HCPCS", "p", func(e *Encounter) { e.ServiceLines[1].Procedure.Code = "A4466" },
			[]want{{"service_lines[1].procedure", CodeCodeSetOutdated}, {"service_lines[1].procedure.code", CodeTerminatedCode}}, "HCPCS 2020"},
		{"unknown HCPCS", "p", func(e *Encounter) { e.ServiceLines[1].Procedure.Code = "A0001" },
			[]want{{"service_lines[1].procedure", CodeCodeSetOutdated}, {"service_lines[1].procedure.code", CodeUnknownCode}}, "HCPCS 2020"},
		{"HCPCS modifier not in the file", "p", func(e *Encounter) { e.ServiceLines[0].Procedure.Modifiers = []string{"25", "ZZ"} },
			[]want{{"service_lines[0].procedure.modifiers[1]", CodeUnknownModifier}}, "HCPCS 2020"},
		{"HCPCS modifiers LT and XS", "p", func(e *Encounter) { e.ServiceLines[0].Procedure.Modifiers = []string{"LT", "XS"} }, nil, ""},
		{"PTP indicator 1 without a modifier", "p", func(e *Encounter) { e.ServiceLines[0].Procedure.Modifiers = nil },
			[]want{{"service_lines[1].procedure.code", CodeNCCIPTP}}, "NCCI PTP practitioner v311r0, modifier indicator 1"},
		{"PTP indicator 1 with 25 on the column-1 line", "p", func(e *Encounter) {}, nil, ""},
		{"PTP indicator 1 with 59 on the column-2 line", "p", func(e *Encounter) {
			e.ServiceLines[0].Procedure.Modifiers = nil
			e.ServiceLines[1].Procedure.Modifiers = []string{"59"}
		}, nil, ""},
		{"PTP on another date of service", "p", func(e *Encounter) {
			e.ServiceLines[0].Procedure.Modifiers = nil
			e.ServiceLines[1].ServiceDate = "2025-03-11"
		}, nil, ""},
		{"PTP indicator 0 is never bypassed", "p", func(e *Encounter) { e.ServiceLines[1].Procedure.Code = "J1100" },
			[]want{{"service_lines[1].procedure", CodeCodeSetOutdated}, {"service_lines[1].procedure.code", CodeNCCIPTP}}, "NCCI PTP practitioner v311r0, modifier indicator 0"},
		{"PTP deleted before the date of service", "p", func(e *Encounter) { e.ServiceLines[1].Procedure.Code = "A4206" },
			[]want{{"service_lines[1].procedure", CodeCodeSetOutdated}}, "HCPCS 2020"},
		{"PTP indicator 9 does not apply", "p", func(e *Encounter) { e.ServiceLines[1].Procedure.Code = "G0008" },
			[]want{{"service_lines[1].procedure", CodeCodeSetOutdated}}, "HCPCS 2020"},
		{"HCPCS not yet added", "p", func(e *Encounter) {
			e.ServiceLines[1].Procedure.Code = "A4226"
			for _, l := range e.ServiceLines {
				l.ServiceDate = "2019-06-03"
			}
		}, []want{{"service_lines[1].procedure.code", CodeNotYetEffective}}, "HCPCS 2020"},
		{"PTP outpatient hospital on the 837I", "i", func(e *Encounter) { e.ServiceLines[2].ServiceDate = e.ServiceLines[1].ServiceDate },
			[]want{{"service_lines[2].procedure.code", CodeNCCIPTP}}, "NCCI PTP outpatient hospital v311r0, modifier indicator 0"},
		{"MUE line edit", "p", func(e *Encounter) {
			e.ServiceLines[1].Procedure.Code, e.ServiceLines[1].Units = "J1100", "11"
			e.ServiceLines[0].Procedure.Code = "99213" // no PTP pair
		}, []want{{"service_lines[1].procedure", CodeCodeSetOutdated}, {"service_lines[1].units", CodeMUEUnits}}, "MUE practitioner 2025-01-01, adjudication indicator 1"},
		{"MUE date-of-service edit sums the lines", "p", func(e *Encounter) {
			e.ServiceLines[1].Units = "1.5"
			e.ServiceLines = append(e.ServiceLines, &ServiceLine{LineID: "PCN000123-3", Procedure: &LineProcedure{Code: "87804"},
				Charge: cents("50.00"), Units: "1", ServiceDate: "2025-03-10", DiagnosisPointers: []int{1}})
			setTotal(e)
		}, []want{{"service_lines[2].units", CodeMUEUnits}}, "MUE practitioner 2025-01-01, adjudication indicator 3"},
		{"MUE at its value", "p", func(e *Encounter) { e.ServiceLines[1].Units = "2" }, nil, ""},
		{"MUE before the table's date", "p", func(e *Encounter) {
			e.ServiceLines[1].Units = "5"
			for _, l := range e.ServiceLines {
				l.ServiceDate = "2024-12-31"
			}
		}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := professionalJSON
			if tt.base == "i" {
				src = institutionalJSON
			}
			e := mustDecode(t, src)
			inFY2025(e)
			tt.change(e)
			probs := Check(e, Options{Now: today, Codes: CodeSets{Imported: b}})
			var got []want
			var last Problem
			for _, p := range probs {
				if p.Severity != SeverityInfo {
					got, last = append(got, want{p.Path, p.Code}), p
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("got  %v\nwant %v\n%+v", got, tt.want, probs)
			}
			if last.Set != tt.set {
				t.Errorf("set %q, want %q (%s)", last.Set, tt.set, last.Message)
			}
		})
	}
}

func TestHeaderCodeSuggests(t *testing.T) {
	e := mustDecode(t, professionalJSON)
	inFY2025(e)
	e.Claim.Diagnoses[1].Code = "E11"
	probs := Check(e, Options{Now: today, Codes: CodeSets{Imported: testBundle(t)}})
	var msg string
	for _, p := range probs {
		if p.Code == CodeHeaderCode {
			msg = p.Message
		}
	}
	if !strings.Contains(msg, "E11 is a category header in ICD-10-CM FY2025, not billable: use a code under it, such as E11.0") ||
		strings.Count(msg, "E11.") != 5 {
		t.Errorf("message %q: want five billable codes under E11 suggested", msg)
	}
}

func TestEditsNeedNoPHI(t *testing.T) {
	// A pregnancy code for a male patient, a date too late, units over the
	// MUE: none of the messages quotes the patient's name, birth date or
	// member ID, nor a date of service.
	e := mustDecode(t, professionalJSON)
	e.Claim.Diagnoses[1].Code = "O09.00"
	e.ServiceLines[1].Units = "9"
	for _, p := range Check(e, Options{Now: today, Codes: CodeSets{Imported: testBundle(t)}}) {
		for _, phi := range []string{"DOE", "JOHN", "1980", "XJH123456789", "2026-11-02"} {
			if strings.Contains(p.Message, phi) {
				t.Errorf("%s: %q quotes %q", p.Code, p.Message, phi)
			}
		}
	}
}

func TestPartnerSeverities(t *testing.T) {
	e := mustDecode(t, professionalJSON)
	inFY2025(e)
	e.ServiceLines[0].Procedure.Modifiers = nil // a PTP error
	e.ServiceLines[1].Units = "3"               // an MUE error
	b := testBundle(t)
	for _, tt := range []struct {
		severity map[string]Severity
		want     string
	}{
		{nil, "ncci_ptp:error mue_units:error"},
		{map[string]Severity{CodeMUEUnits: SeverityWarning}, "ncci_ptp:error mue_units:warning"},
		{map[string]Severity{CodeNCCIPTP: SeverityOff, CodeMUEUnits: SeverityWarning}, "mue_units:warning"},
	} {
		var got []string
		for _, p := range Check(e, Options{Now: today, Codes: CodeSets{Imported: b}, Severity: tt.severity}) {
			if p.Severity != SeverityInfo {
				got = append(got, p.Code+":"+string(p.Severity))
			}
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%v: got %v, want %s", tt.severity, got, tt.want)
		}
	}
}

func TestNoCodeSetsStructureOnly(t *testing.T) {
	// Without imported sets, an E11 header code passes as before, and a
	// note says the codes were checked for structure only.
	e := mustDecode(t, professionalJSON)
	e.Claim.Diagnoses[1].Code = "E11"
	probs := Check(e, Options{Now: today})
	if HasErrors(probs) {
		t.Fatalf("structure only: %+v", probs)
	}
	if len(probs) == 0 || probs[0].Code != CodeCodesNotVerified {
		t.Fatalf("no codes_not_verified note: %+v", probs)
	}
}

// BenchmarkScrubEdits scrubs a typical encounter (3 lines, 4 diagnoses)
// with every edit on, beside the structure-only scrub of the same
// encounter in the same run (issue 13: at least 70 % of its speed).
func BenchmarkScrubEdits(b *testing.B) {
	sets := testBundle(b)
	e := mustDecode(b, professionalJSON)
	inFY2025(e)
	e.Claim.Diagnoses = append(e.Claim.Diagnoses, &Diagnosis{Code: "E11.9"}, &Diagnosis{Code: "I10"})
	e.ServiceLines = append(e.ServiceLines, &ServiceLine{LineID: "PCN000123-3", Procedure: &LineProcedure{Code: "G0008"},
		Charge: cents("50.00"), Units: "1", ServiceDate: "2025-03-10", DiagnosisPointers: []int{3, 4}})
	setTotal(e)
	now := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name string
		opts Options
	}{
		{"baseline=structure-only", Options{Now: now}},
		{"every-edit", Options{Now: now, Codes: CodeSets{Imported: sets}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if probs := Check(e, bc.opts); HasErrors(probs) {
					b.Fatal(probs)
				}
			}
		})
	}
}

// With an operator's CPT list loaded, a CPT code not in it is unknown, and
// a numeric modifier is checked against it; without one, both are checked
// for structure only (TestCodeSetEdits).
func TestCPTList(t *testing.T) {
	cpt, err := codeset.Parse("cpt-2025.txt", codeset.KindCPT, []byte("99214 Office visit\n25\n"))
	if err != nil {
		t.Fatal(err)
	}
	b := codeset.NewBundle(append(testBundle(t).Sets(), cpt))
	e := mustDecode(t, professionalJSON)
	inFY2025(e)
	e.ServiceLines[0].Procedure.Modifiers = []string{"25", "59"}
	var got []string
	for _, p := range Check(e, Options{Now: today, Codes: CodeSets{Imported: b}}) {
		if p.Severity != SeverityInfo {
			got = append(got, p.Path+" "+p.Code+" "+p.Set)
		}
	}
	want := []string{
		"service_lines[0].procedure.modifiers[1] unknown_modifier CPT (operator list)",
		"service_lines[1].procedure.code unknown_code CPT (operator list)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
