package guide

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/x12"
)

// An element's definition, from the tables in elements_tables.go.
type elemDef struct {
	usage    byte   // 'R', 'S' or 'N'
	num      string // data element number; "C…" for a composite
	kind     byte   // its type: 'A' AN, 'I' ID, 'N' N0 or N2, 'R' R, 'D' DT, 'T' TM
	min, max int
	name     string
	codes    []string  // the guide's list for an ID element, or none
	keys     []uint64  // codes packed (codeKey), as the checks compare them
	comps    []elemDef // a composite's components
}

// codeKey packs a code of up to 7 characters, with its length, in a
// number: a code list is scanned as numbers, not strings. A longer value
// gets 0, which no code of the tables packs to (none is longer, none is
// empty), so it is in no list.
func codeKey(v []byte) uint64 {
	if len(v) > 7 {
		return 0
	}
	k := uint64(len(v))
	for _, c := range v {
		k = k<<8 | uint64(c)
	}
	return k
}

// segDef is a segment's elements in order, and its rules.
type segDef struct {
	id    string
	elems []elemDef
	rules []rule
}

// elementTables are the segments of each guide by segKey, parsed once.
var elementTables = func() map[string]map[uint32]*segDef {
	dict := map[string]elemDef{}
	for _, line := range lines(dataElements) {
		f := strings.SplitN(line, " ", 4)
		lo, hi, _ := strings.Cut(f[2], "-")
		d := elemDef{num: f[0], kind: map[string]byte{"AN": 'A', "ID": 'I', "N0": 'N', "N2": 'N', "R": 'R', "DT": 'D', "TM": 'T'}[f[1]], name: strings.ToLower(f[3])}
		if d.kind == 0 {
			panic("guide: data element " + f[0] + " has type " + f[1])
		}
		d.min, _ = strconv.Atoi(lo)
		d.max, _ = strconv.Atoi(hi)
		dict[f[0]] = d
	}
	out := map[string]map[uint32]*segDef{}
	for guide, table := range map[string]string{
		"005010X221A1": elementsX221A1, "005010X222A1": elementsX222A1, "005010X223A2": elementsX223A2,
		"005010X231A1": elementsX231A1, "005010X214": elementsX214, "005010X212": elementsX212,
		"005010X224A2": elementsX222A1 + elementsX224A2, // the dental lines replace the 837P's
	} {
		segs := map[uint32]*segDef{}
		for _, line := range lines(table) {
			id, rest, _ := strings.Cut(line, " ")
			d := &segDef{id: id}
			for _, e := range splitTop(strings.TrimSpace(rest), ';') {
				d.elems = append(d.elems, parseElem(dict, e))
			}
			segs[segKey(id)] = d
		}
		out[guide] = segs
	}
	return out
}()

// parseElem reads "R 1029 =1 2 3", "N" or "S C003(R 235 =HC, R 234)".
func parseElem(dict map[string]elemDef, s string) elemDef {
	s = strings.TrimSpace(s)
	if s == "N" {
		return elemDef{usage: 'N'}
	}
	usage, rest, _ := strings.Cut(s, " ")
	if num, comps, ok := strings.Cut(rest, "("); ok {
		d := elemDef{usage: usage[0], num: num}
		for _, c := range splitTop(strings.TrimSuffix(comps, ")"), ',') {
			d.comps = append(d.comps, parseElem(dict, c))
		}
		return d
	}
	num, codes, _ := strings.Cut(rest, " =")
	d, ok := dict[num]
	if !ok {
		panic("guide: data element " + num + " is not in the dictionary")
	}
	d.usage = usage[0]
	if codes != "" {
		d.codes = strings.Fields(codes)
		for _, c := range d.codes {
			if codeKey([]byte(c)) == 0 {
				panic("guide: code " + c + " is longer than codeKey packs")
			}
			d.keys = append(d.keys, codeKey([]byte(c)))
		}
	}
	return d
}

// splitTop splits s at sep outside parentheses.
func splitTop(s string, sep byte) []string {
	var out []string
	depth, from := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case sep:
			if depth == 0 {
				out = append(out, s[from:i])
				from = i + 1
			}
		}
	}
	return append(out, s[from:])
}

func lines(table string) []string {
	var out []string
	for _, l := range strings.Split(table, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// elements checks every element of s against its segment's definition,
// but those a rule has found wrong (skip: a bit per element).
func (c *checker) elements(r *x12.Reader, s *x12.Segment, d *segDef, skip uint64) {
	n := s.Len()
	for i := 1; i <= max(n, len(d.elems)); i++ { // trailing elements omitted: the required ones among them missing
		if i < 64 && skip&(1<<i) != 0 {
			continue
		}
		v := s.Element(i)
		if i > len(d.elems) {
			if len(v) > 0 {
				c.elemError(r, s, i, 0, fmt.Sprintf("%s has %d elements: the guide's %s has %d", s.ID(), n, s.ID(), len(d.elems)), "3")
				return
			}
			continue
		}
		e := &d.elems[i-1]
		// The common cases at once: an empty element that may be, and an
		// AN of its lengths.
		switch {
		case len(v) == 0 && e.usage != 'R',
			e.kind == 'A' && e.usage != 'N' && e.comps == nil && len(v) >= e.min && len(v) <= e.max:
			continue
		case e.comps != nil:
			c.composite(r, s, i, e)
			continue
		}
		if msg, ik4 := e.problem(v); msg != "" {
			c.elemError(r, s, i, 0, fmt.Sprintf("%s%02d%s", s.ID(), i, msg), ik4)
		}
	}
}

func (c *checker) composite(r *x12.Reader, s *x12.Segment, i int, e *elemDef) {
	v := s.Element(i)
	if len(v) == 0 {
		if e.usage == 'R' {
			c.elemError(r, s, i, 0, fmt.Sprintf("%s%02d (a composite) is required", s.ID(), i), "1")
		}
		return
	}
	if e.usage == 'N' {
		c.elemError(r, s, i, 0, fmt.Sprintf("%s%02d is not used in this implementation guide", s.ID(), i), "I10")
		return
	}
	for j := 1; ; j++ {
		cv := s.Component(i, j)
		if cv == nil {
			return
		}
		if j > len(e.comps) {
			if len(cv) > 0 {
				c.elemError(r, s, i, j, fmt.Sprintf("%s%02d has more components than the guide's %d", s.ID(), i, len(e.comps)), "13")
			}
			return
		}
		ce := &e.comps[j-1]
		if msg, ik4 := ce.problem(cv); msg != "" {
			c.elemError(r, s, i, j, fmt.Sprintf("%s%02d-%d%s", s.ID(), i, j, msg), ik4)
		}
	}
}

// elemError adds an element's error; its code is the IK403's: I10 is an
// element the guide does not use, any other a value it does not allow.
func (c *checker) elemError(r *x12.Reader, s *x12.Segment, elem, comp int, msg, ik4 string) {
	code := CodeValue
	if ik4 == "I10" {
		code = CodeNotUsed
	}
	e := c.ctl.Errorf(r.Position(s), s.ID(), elem, comp, x12.SeverityError, code, "%s", msg)
	e.Level, e.IK3, e.IK4 = x12.LevelGuide, "8", ik4
	if c.structure != nil {
		e.Loop = c.structure.loop()
	}
	c.errs = append(c.errs, e)
}

// problem is what is wrong with a simple element's value v, without the
// element's name, and the 999's IK403 code; "" when nothing is. It never
// quotes v: an element may hold PHI.
func (e *elemDef) problem(v []byte) (msg, ik4 string) {
	switch {
	case e.usage == 'N':
		if len(v) > 0 {
			return " is not used in this implementation guide", "I10"
		}
		return "", ""
	case len(v) == 0:
		if e.usage == 'R' {
			return fmt.Sprintf(" (%s) is required", e.name), "1"
		}
		return "", ""
	}
	n := len(v)
	switch e.kind {
	case 'R', 'N':
		n = digits(v)
		if n < 0 || e.kind == 'N' && n != len(v) && !(v[0] == '-' && n == len(v)-1) {
			return fmt.Sprintf(" (%s) is not a number", e.name), "6"
		}
	}
	switch {
	case n < e.min:
		return fmt.Sprintf(" (%s) has %d characters: at least %d", e.name, n, e.min), "4"
	case n > e.max:
		return fmt.Sprintf(" (%s) has %d characters: at most %d", e.name, n, e.max), "5"
	}
	switch e.kind {
	case 'I':
		if e.keys != nil && !contains(e.keys, codeKey(v)) {
			return fmt.Sprintf(" (%s) is not a code the guide allows here", e.name), "7"
		}
	case 'D':
		if !isDate(v) {
			return fmt.Sprintf(" (%s) is not a date CCYYMMDD", e.name), "8"
		}
	case 'T':
		if !isTime(v) {
			return fmt.Sprintf(" (%s) is not a time HHMM[SS[dd]]", e.name), "9"
		}
	}
	return "", ""
}

func contains(keys []uint64, k uint64) bool {
	for _, c := range keys {
		if c == k {
			return true
		}
	}
	return false
}

// digits counts the digits of a number (an optional leading minus, at
// most one decimal point), or -1 when v is not one.
func digits(v []byte) int {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	n, dots := 0, 0
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			n++
		case c == '.':
			dots++
		default:
			return -1
		}
	}
	if n == 0 || dots > 1 {
		return -1
	}
	return n
}

// isTime reports whether v is HHMM, HHMMSS or HHMMSSd… (24-hour clock).
func isTime(v []byte) bool {
	if len(v) < 4 || len(v) == 5 || !allDigits(v) {
		return false
	}
	h, m := int(v[0]-'0')*10+int(v[1]-'0'), int(v[2]-'0')*10+int(v[3]-'0')
	if h > 23 || m > 59 {
		return false
	}
	return len(v) < 6 || int(v[4]-'0')*10+int(v[5]-'0') <= 59
}
