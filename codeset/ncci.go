package codeset

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
)

// CMS's National Correct Coding Initiative publishes, each quarter, two
// kinds of edit for Medicare claims (CMS's pages "Medicare NCCI Procedure
// to Procedure (PTP) Edits" and "Medicare NCCI Medically Unlikely Edits").
// They carry CPT codes under the AMA's notice, so an operator imports them.
//
// PTP edits: a column 2 code is not paid beside its column 1 code on the
// same claim and date of service, unless the modifier indicator allows a
// modifier to bypass it. One table for practitioners (ccipra-v311r0-f1.txt,
// the 837P's) and one for outpatient hospitals (ccioph-..., the 837I's);
// version v311r0 (2025 Q1), split by code range into parts f1..f4.
// Tab-separated text; lines that do not begin with a procedure code are
// headers:
//
//	column 1 code, column 2 code, existence before 1996 (* or empty),
//	effective date YYYYMMDD, deletion date YYYYMMDD (the last day the edit
//	applies) or *, modifier indicator (0 not allowed, 1 allowed, 9 not
//	applicable), rationale
//
// MUE tables: the most units of a code a provider would report for one
// patient, per line (adjudication indicator 1) or per date of service (2
// policy, 3 clinical). Practitioner, outpatient hospital and DME supplier
// tables (MCR_MUE_PractitionerServices_Eff_01-01-2025.csv); the effective
// date is in the name. CSV, quoted fields allowed; lines that do not begin
// with a code are headers:
//
//	code, MUE value (units), adjudication indicator ("2 Date of Service
//	Edit: Policy"), rationale

// ptpData is one PTP file's edits, sorted by pair, then effective date.
type ptpData struct {
	edits []ptpEdit
	// first and last are the least and greatest pairs: CMS splits a table
	// into parts by column 1 code, and a lookup skips the parts that cannot
	// hold its pair.
	first, last uint64
}

// ptpEdit is one edit in 16 bytes: pair is the column 1 code << 32 | the
// column 2 code (each packCode(5), 26 bits), with the modifier indicator
// (0, 1 or 9) in bits ptpModShift up.
type ptpEdit struct {
	pair      uint64
	effective Date
	deleted   Date // the last day it applies; 0 for '*'
}

const (
	ptpPairMask = 1<<(32+codeBits) - 1
	ptpModShift = 58
)

func ptpKey(col1, col2 uint32) uint64 { return uint64(col1)<<32 | uint64(col2) }

func (e ptpEdit) key() uint64    { return e.pair & ptpPairMask }
func (e ptpEdit) modifier() byte { return '0' + byte(e.pair>>ptpModShift) }

func parsePTP(fileName string, kind Kind, data []byte) (*Set, error) {
	w, body, err := open(fileName, data, "PTP edit file (ccipra-vNNNrN-fN.txt or ccioph-...)",
		func(base string) bool {
			return ptpName.MatchString(base) && strings.HasSuffix(strings.ToLower(base), ".txt")
		}, ".txt")
	if err != nil {
		return nil, err
	}
	named, version, part := ptpVersion(w.nameOf())
	if version == "" && w.member != "" {
		named, version, part = ptpVersion(w.file)
	}
	if version == "" {
		return nil, w.errorf("cannot tell the version: the name carries it as CMS names the file (ccipra-v311r0-f1.txt, ccioph-v311r0-f1.txt)")
	}
	if named != kind {
		return nil, w.errorf("the name says %s, not %s", named, kind)
	}
	edits := make([]ptpEdit, 0, lineCount(body))
	var from Date
	err = lines(body, func(ln int, line []byte) error {
		col1, ok := procedureCode(leadingToken(line))
		if !ok {
			return nil // a header
		}
		if bytes.IndexByte(line, '\t') < 0 {
			return w.line(ln, "%s: no tab: CMS's PTP files are tab-separated", unpackCode(col1, 5))
		}
		var f [6][]byte
		rest := line
		for i := range f {
			j := bytes.IndexByte(rest, '\t')
			if j < 0 {
				if i < 5 {
					return w.line(ln, "%d fields, want 7 (column 1, column 2, existence before 1996, effective date, deletion date, modifier indicator, rationale)", i+1)
				}
				j = len(rest)
			}
			f[i] = rest[:j]
			if j < len(rest) {
				rest = rest[j+1:]
			} else {
				rest = nil
			}
		}
		if len(bytes.TrimSpace(f[0])) != 5 {
			return w.line(ln, "column 1 %s is not a procedure code", token(f[0]))
		}
		col2, ok := procedureCode(bytes.TrimSpace(f[1]))
		if !ok {
			return w.line(ln, "column 2 %s is not a procedure code", token(f[1]))
		}
		if e := bytes.TrimSpace(f[2]); len(e) != 0 && string(e) != "*" {
			return w.line(ln, "existence before 1996 %s, want * or nothing", token(f[2]))
		}
		eff, ok := date8(bytes.TrimSpace(f[3]))
		if !ok {
			return w.line(ln, "effective date %s is not a date (YYYYMMDD)", token(f[3]))
		}
		var del Date
		if d := bytes.TrimSpace(f[4]); string(d) != "*" {
			if del, ok = date8(d); !ok {
				return w.line(ln, "deletion date %s is not a date (YYYYMMDD) or *", token(f[4]))
			}
		}
		var mod uint64
		switch m := bytes.TrimSpace(f[5]); string(m) {
		case "0", "1", "9":
			mod = uint64(m[0] - '0')
		default:
			return w.line(ln, "modifier indicator %s, want 0, 1 or 9", token(f[5]))
		}
		if from == 0 || eff < from {
			from = eff
		}
		edits = append(edits, ptpEdit{pair: ptpKey(col1, col2) | mod<<ptpModShift, effective: eff, deleted: del})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(edits) == 0 {
		return nil, w.errorf("no PTP edits (tab-separated lines beginning with a column 1 code): not a PTP edit file")
	}
	less := func(a, b ptpEdit) int {
		if a.key() != b.key() {
			if a.key() < b.key() {
				return -1
			}
			return 1
		}
		return int(a.effective) - int(b.effective)
	}
	// CMS's files come sorted; sort only when one is not.
	if !slices.IsSortedFunc(edits, less) {
		slices.SortStableFunc(edits, less)
	}
	setting := "practitioner"
	if kind == KindPTPHospital {
		setting = "outpatient hospital"
	}
	return &Set{
		Kind:    kind,
		Name:    "NCCI PTP " + setting + " " + version,
		Version: version,
		Part:    part,
		From:    from,
		Codes:   len(edits),
		ptp:     &ptpData{edits: shrink(edits), first: edits[0].key(), last: edits[len(edits)-1].key()},
	}, nil
}

// find is the edit for the pair in force on dos.
func (d *ptpData) find(key uint64, dos Date) (ptpEdit, bool) {
	if key < d.first || key > d.last {
		return ptpEdit{}, false
	}
	e := d.edits
	lo, hi := 0, len(e)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if e[m].key() < key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	var found ptpEdit
	ok := false
	// A pair may have several records (periods): the latest in force wins.
	for i := lo; i < len(e) && e[i].key() == key; i++ {
		if e[i].effective <= dos && (e[i].deleted == 0 || dos <= e[i].deleted) {
			found, ok = e[i], true
		}
	}
	return found, ok
}

func (d *ptpData) memoryBytes() int64 { return sliceBytes(d.edits) + 24 }

// mueData is one MUE table, sorted by code.
type mueData struct {
	entries []mueEntry
}

// mueEntry is a code (packCode(5)) with its adjudication indicator (1, 2
// or 3) in bits mueIndShift up, and its value.
type mueEntry struct {
	code  uint32
	value uint32
}

const (
	mueCodeMask = 1<<codeBits - 1
	mueIndShift = 28
)

func parseMUE(fileName string, kind Kind, data []byte) (*Set, error) {
	w, body, err := open(fileName, data, "MUE table (MCR_MUE_*_Eff_MM-DD-YYYY.csv)",
		func(base string) bool {
			b := strings.ToLower(base)
			return strings.HasPrefix(b, "mcr_mue_") && strings.HasSuffix(b, ".csv")
		}, ".csv")
	if err != nil {
		return nil, err
	}
	from, ok := mueEffective(w.nameOf())
	if !ok && w.member != "" {
		from, ok = mueEffective(w.file)
	}
	if !ok {
		return nil, w.errorf("cannot tell the effective date: the name carries it as CMS names the table (MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv)")
	}
	if named := mueKindOf(strings.ToLower(w.nameOf())); named != "" && named != kind {
		return nil, w.errorf("the name says %s, not %s", named, kind)
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	entries := make([]mueEntry, 0, lineCount(body))
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, w.line(pe.Line, "not CSV: %v", pe.Err)
			}
			return nil, w.errorf("%v", err)
		}
		first := strings.TrimSpace(rec[0])
		code, ok := procedureCode(first)
		ln, _ := r.FieldPos(0)
		if !ok {
			if c, ok := procedureCode(leadingToken([]byte(first))); ok {
				return nil, w.line(ln, "%s: fields not separated by commas", unpackCode(c, 5))
			}
			continue // a header
		}
		if len(rec) < 3 {
			return nil, w.line(ln, "%d fields, want 4 (code, MUE value, adjudication indicator, rationale)", len(rec))
		}
		v := strings.TrimSpace(rec[1])
		value, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return nil, w.line(ln, "%s: MUE value %s is not a whole number of units", unpackCode(code, 5), token([]byte(v)))
		}
		ind := strings.TrimSpace(rec[2])
		if ind == "" || ind[0] < '1' || ind[0] > '3' || len(ind) > 1 && ind[1] >= '0' && ind[1] <= '9' {
			return nil, w.line(ln, "%s: adjudication indicator %s, want 1 (line), 2 (date of service, policy) or 3 (date of service, clinical)", unpackCode(code, 5), token([]byte(firstWord(ind))))
		}
		entries = append(entries, mueEntry{code: code | uint32(ind[0]-'0')<<mueIndShift, value: uint32(value)})
	}
	if len(entries) == 0 {
		return nil, w.errorf("no MUE rows (lines beginning with a code): not an MUE table")
	}
	slices.SortFunc(entries, func(a, b mueEntry) int { return int(a.code&mueCodeMask) - int(b.code&mueCodeMask) })
	for i := 1; i < len(entries); i++ {
		if entries[i].code&mueCodeMask == entries[i-1].code&mueCodeMask {
			return nil, w.errorf("code %s is listed twice", unpackCode(entries[i].code&mueCodeMask, 5))
		}
	}
	setting := map[Kind]string{KindMUEPractitioner: "practitioner", KindMUEHospital: "outpatient hospital", KindMUEDME: "DME"}[kind]
	return &Set{
		Kind:    kind,
		Name:    "MUE " + setting + " " + from.String(),
		Version: from.String(),
		From:    from,
		Codes:   len(entries),
		mue:     &mueData{entries: shrink(entries)},
	}, nil
}

// leadingToken is what line begins with (after any spaces) up to the first
// character that is not a digit or letter: a code, on a record's line.
func leadingToken(line []byte) []byte {
	line = bytes.TrimLeft(line, " ")
	for i, c := range line {
		if _, ok := charValue(c); !ok {
			return line[:i]
		}
	}
	return line
}

// firstWord is s up to its first space: what an error may quote of a text
// field.
func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}

// find looks a packed code up.
func (d *mueData) find(code uint32) (mueEntry, bool) {
	e := d.entries
	lo, hi := 0, len(e)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if e[m].code&mueCodeMask < code {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(e) && e[lo].code&mueCodeMask == code {
		return e[lo], true
	}
	return mueEntry{}, false
}

func (d *mueData) memoryBytes() int64 { return sliceBytes(d.entries) + 24 }
