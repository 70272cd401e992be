package codeset

import (
	"fmt"
	"unsafe"
)

// Set is one file, parsed. Only what the edits ask is kept (codes, flags,
// dates, units), never a description.
type Set struct {
	Kind Kind
	// Name is for messages: "ICD-10-CM FY2025", "HCPCS 2020", "NCCI PTP
	// practitioner v311r0", "MUE practitioner 2025-01-01", "CPT (operator
	// list)".
	Name string
	// Version is "FY2025", "2020", "v311r0", "2025-01-01", or for an
	// operator's list the first 12 hex digits of its content's sha256.
	Version string
	// Part is the part of a version CMS splits over files ("f1"), else "".
	Part string
	// From and To are the service dates the set covers; To 0 is open-ended.
	// ICD-10-CM: its fiscal year (October 1 to September 30). HCPCS: its
	// calendar year. PTP: From is the earliest effective date in it. MUE:
	// From is the effective date in its name. Lists: 0, 0.
	From, To Date
	// Codes is how many codes it holds: ICD-10-CM rows (billable and
	// headers), HCPCS procedure and modifier records, PTP edit records
	// (pairs), MUE codes, list lines.
	Codes int

	icd   *icdData
	hcpcs *hcpcsData
	list  *listData
	ptp   *ptpData
	mue   *mueData
}

// Parse reads one file, the zip as its publisher ships it or the file
// inside. kind "" means KindOf(fileName). A file that is not what its kind
// says is refused, with the line number where it can be told
// ("icd10cm-order-2025.txt line 12: ..."); there is never a partial Set.
// Errors quote codes, flags and dates only, never descriptions.
//
// The Set keeps nothing of data.
func Parse(fileName string, kind Kind, data []byte) (*Set, error) {
	if kind == "" {
		k, err := KindOf(fileName)
		if err != nil {
			return nil, err
		}
		kind = k
	}
	switch kind {
	case KindICD10CM:
		return parseICD(fileName, data)
	case KindHCPCS:
		return parseHCPCS(fileName, data)
	case KindCPT, KindCDT:
		return parseList(fileName, kind, data)
	case KindPTPPractitioner, KindPTPHospital:
		return parsePTP(fileName, kind, data)
	case KindMUEPractitioner, KindMUEHospital, KindMUEDME:
		return parseMUE(fileName, kind, data)
	}
	return nil, fmt.Errorf("%s: unknown kind %q (one of %s)", fileName, kind, kindList())
}

// MemoryBytes estimates the heap the parsed set holds (for `codesets
// list`): its arrays and strings, at their capacities.
func (s *Set) MemoryBytes() int64 {
	if s == nil {
		return 0
	}
	n := int64(unsafe.Sizeof(*s)) + int64(len(s.Name)+len(s.Version)+len(s.Part))
	switch {
	case s.icd != nil:
		n += s.icd.memoryBytes()
	case s.hcpcs != nil:
		n += s.hcpcs.memoryBytes()
	case s.list != nil:
		n += s.list.memoryBytes()
	case s.ptp != nil:
		n += s.ptp.memoryBytes()
	case s.mue != nil:
		n += s.mue.memoryBytes()
	}
	return n
}

// sliceBytes is the heap a slice's array holds.
func sliceBytes[E any](s []E) int64 {
	var e E
	return int64(cap(s)) * int64(unsafe.Sizeof(e))
}

// shrink returns s in an array of its length when appends left much room.
func shrink[E any](s []E) []E {
	if cap(s)-len(s) <= len(s)/16 {
		return s
	}
	return append(make([]E, 0, len(s)), s...)
}
