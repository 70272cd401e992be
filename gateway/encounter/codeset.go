package encounter

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/claimsgw/claimsgw/codeset"
)

// CodeSet is a list of valid codes loaded from a file, such as the CMS
// ICD-10-CM code list (icd10cm_codes_YYYY.txt) or a HCPCS list. With one,
// Check reports well-formed codes that are not in it (unknown_code).
//
// A set covers the codes that begin like the codes it holds, with a digit
// or with a letter: a HCPCS Level II list (A0021, J1100, ...) does not
// cover CPT codes (99214), which are then checked for structure only.
type CodeSet struct {
	codes map[string]struct{}
	digit bool // holds codes that begin with a digit
	alpha bool // holds codes that begin with a letter
}

// CodeSets are the scrubber's reference data, passed as one: the code
// sets diagnosis and procedure codes are checked against. A set left nil
// leaves its codes checked for structure only.
//
// Imported are the official sets and operators' lists imported into the
// ledger (`claimsgw codesets import`): with them every code-set edit runs
// (edits.go), by date of service. ICD10CM and HCPCS are the older plain
// lists named in the config (code_sets.icd10cm, code_sets.hcpcs): one code
// a line, checked for presence only, and only for the codes no imported
// set covers.
type CodeSets struct {
	ICD10CM  *CodeSet // diagnoses
	HCPCS    *CodeSet // procedures: HCPCS Level II, or a licensed CPT list
	Imported *codeset.Bundle
}

// importedDiagnoses reports whether an imported ICD-10-CM set is loaded.
func (cs CodeSets) importedDiagnoses() bool { return cs.Imported.Has(codeset.KindICD10CM) }

// importedProcedure reports whether an imported set covers code's family
// (HCPCS Level II, CPT, CDT).
func (cs CodeSets) importedProcedure(code string) bool {
	return cs.Imported.Procedure(code, 0).Set != nil
}

// LoadCodeSets reads the code-set files named ("" for none).
func LoadCodeSets(icd10cm, hcpcs string) (CodeSets, error) {
	var cs CodeSets
	for _, f := range []struct {
		path string
		set  **CodeSet
	}{{icd10cm, &cs.ICD10CM}, {hcpcs, &cs.HCPCS}} {
		if f.path == "" {
			continue
		}
		s, err := LoadCodeSet(f.path)
		if err != nil {
			return CodeSets{}, err
		}
		*f.set = s
	}
	return cs, nil
}

// LoadCodeSet reads a code-set file: one code per line, optionally followed
// by white space and a description; ICD-10 codes with or without the dot.
// Blank lines and lines starting with # are skipped.
func LoadCodeSet(path string) (*CodeSet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := readCodeSet(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func readCodeSet(r io.Reader) (*CodeSet, error) {
	s := &CodeSet{codes: map[string]struct{}{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		code := NormalizeICD10(strings.ToUpper(fields[0]))
		if len(code) < 3 || len(code) > 7 || !allAlnum(code) {
			return nil, fmt.Errorf("line %d: does not start with a code (3 to 7 letters or digits)", n)
		}
		s.codes[code] = struct{}{}
		if isDigit(code[0]) {
			s.digit = true
		} else {
			s.alpha = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(s.codes) == 0 {
		return nil, fmt.Errorf("no codes")
	}
	return s, nil
}

// Len is the number of codes in the set.
func (s *CodeSet) Len() int { return len(s.codes) }

// Covers reports whether s is loaded and holds codes that begin like code.
func (s *CodeSet) Covers(code string) bool {
	if s == nil || code == "" {
		return false
	}
	if isDigit(code[0]) {
		return s.digit
	}
	return s.alpha
}

// Has reports whether code, with or without an ICD-10 dot, is in s.
func (s *CodeSet) Has(code string) bool {
	_, ok := s.codes[NormalizeICD10(code)]
	return ok
}

// codeSetNotes adds an info problem for each family of codes that no
// loaded code set covers, so a reader knows they were checked for
// structure only.
func (c *checker) codeSetNotes() {
	if cl := c.e.Claim; cl != nil {
		for _, d := range cl.Diagnoses {
			if d != nil && d.Code != "" && !c.opts.Codes.ICD10CM.Covers(d.Code) && !c.opts.Codes.importedDiagnoses() {
				c.note("claim.diagnoses", "ICD-10-CM codes were checked for structure only: no code-set file covers them")
				break
			}
		}
	}
	if c.isDental() {
		if c.opts.Codes.Imported.Has(codeset.KindCDT) {
			return
		}
		for _, l := range c.e.ServiceLines {
			if l != nil && l.Procedure != nil && l.Procedure.Code != "" {
				c.note("service_lines", "CDT codes were checked for structure only: no operator's CDT list is loaded")
				break
			}
		}
		return
	}
	for _, l := range c.e.ServiceLines {
		if l != nil && l.Procedure != nil && l.Procedure.Code != "" && !c.opts.Codes.HCPCS.Covers(l.Procedure.Code) && !c.opts.Codes.importedProcedure(l.Procedure.Code) {
			c.note("service_lines", "CPT/HCPCS codes were checked for structure only: no code-set file covers them")
			break
		}
	}
}

func (c *checker) note(path, msg string) {
	c.probs = append(c.probs, Problem{Path: path, Code: CodeCodesNotVerified, Message: msg, Severity: SeverityInfo})
}
