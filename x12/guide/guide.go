// Package guide checks transaction sets against the 5010 implementation
// guides, as payers do and the envelope reader does not: every element of
// every segment by its guide's tables (elements_tables.go: usage, type,
// lengths, code lists; checked in elements.go), the rules those tables
// cannot say (rules.go: 2010AA's nine-digit ZIP code, states, DTP formats,
// composites written whole, NPI check digits, tooth numbers, the order of
// the hierarchy), and the structure (loops_tables.go: loops, segment usage
// and repeats; walked by loops.go) of the 835, the 999, the 837P, the
// 837I, the 837D, the 277CA and the 277. Each error carries its position,
// its loop (x12.Error.Loop, a 999's IK303), its SNIP level (2 for the
// guide's requirements, 4 for situational rules) and the 999's IK304 and
// IK403 codes. A TA1 is no transaction set: the envelope's reader checks
// where it stands.
package guide

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/x12"
)

// Codes of the guide's errors.
const (
	CodeValue     = "guide_value"     // an element whose value the guide does not allow
	CodeNotUsed   = "guide_not_used"  // an element the guide does not use
	CodeHierarchy = "guide_hierarchy" // HL01 out of order
)

// For returns the checker of a transaction set (ST01, ST03, GS08), or nil
// when no rule covers it.
func For(setID, implementation, groupVersion string) x12.Decoder {
	guide := implementation
	if guide == "" {
		guide = groupVersion
	}
	if !strings.HasPrefix(guide, "005010") {
		return nil
	}
	table := structures[setID]
	if setID == "837" || setID == "277" {
		table = structures[guide] // X222A1, X223A2 or X224A2; X214 (the 277CA) or X212 (the 277)
	}
	segs := segTables[guide]
	if segs == nil || guideSets[guide] != setID {
		segs = ruleTables[setID] // a guide without element tables (X222A2, ...): its set's rules
	}
	if segs == nil && table == nil {
		return nil
	}
	c := &checker{segs: segs}
	if table != nil {
		c.structure = newStructure(table, &c.ctl)
	}
	return c
}

// guideSets are the transaction sets of the guides with element tables,
// whose rules (rules.go) join them.
var guideSets = map[string]string{
	"005010X221A1": "835", "005010X222A1": "837", "005010X223A2": "837", "005010X224A2": "837",
	"005010X231A1": "999", "005010X214": "277", "005010X212": "277",
}

// segTables are each guide's segments, their elements and rules, and
// ruleTables each set's rules alone: made once.
var segTables, ruleTables = func() (map[string]*segTable, map[string]*segTable) {
	byGuide, bySetOnly := map[string]*segTable{}, map[string]*segTable{}
	for guide, elems := range elementTables {
		t := &segTable{}
		for key, d := range elems {
			t.put(key, d)
		}
		for seg, rs := range bySet[guideSets[guide]] {
			d := t.get(segKey(seg))
			if d == nil {
				d = &segDef{id: seg}
				t.put(segKey(seg), d)
			}
			d.rules = rs
		}
		byGuide[guide] = t
	}
	for set, bySeg := range bySet {
		t := &segTable{}
		for seg, rs := range bySeg {
			t.put(segKey(seg), &segDef{id: seg, rules: rs})
		}
		bySetOnly[set] = t
	}
	return byGuide, bySetOnly
}()

// segTable finds a segment's definition by its segKey: open addressing
// in a fixed table, cheaper per segment than a map.
type segTable [256]struct {
	key uint32
	def *segDef
}

func slot(key uint32) uint32 { return (key * 2654435761) >> 24 }

func (t *segTable) get(key uint32) *segDef {
	for i := slot(key); ; i = (i + 1) & 255 {
		switch t[i].key {
		case key:
			return t[i].def
		case 0:
			return nil
		}
	}
}

func (t *segTable) put(key uint32, d *segDef) {
	for i := slot(key); ; i = (i + 1) & 255 {
		if t[i].key == 0 || t[i].key == key {
			t[i].key, t[i].def = key, d
			return
		}
	}
}

// segKey packs a segment ID (2 or 3 characters) in a number.
func segKey(id string) uint32 {
	var k uint32
	for i := 0; i < len(id) && i < 3; i++ {
		k = k<<8 | uint32(id[i])
	}
	return k
}

// checker applies the rules of one transaction set as its segments come.
type checker struct {
	ctl x12.Control
	// The loop context the rules ask for: in an HL of level 20 (billing
	// provider), and after its NM1*85 (loop 2010AA), until the next NM1.
	hl20, billing bool
	// The IDs (NM109) of the claim's other payers (2330B), nil outside a
	// claim; cob is true in a 2320 or 2330 loop.
	claimPayers map[string]bool
	cob         bool
	lastHL      int
	errs        []*x12.Error
	structure   *structure // loops, usage and repeats (loops.go); nil where not tabled
	segs        *segTable  // every segment's elements (elements.go) and rules (rules.go)
	readerErrs  int        // the reader's errors seen, to give the new ones their loop
}

func (c *checker) Segment(r *x12.Reader, s *x12.Segment) {
	id := s.ID()
	if id == "ST" {
		ic, g, t := r.Control()
		c.ctl = x12.Control{Interchange: ic, Group: g, Transaction: t}
		c.lastHL = 0
	}
	if c.structure != nil {
		c.structure.segment(r, s)
		// The reader's errors of this segment are in its loop too.
		errs := r.Errors()
		for _, e := range errs[min(c.readerErrs, len(errs)):] {
			if e.SegmentIndex == s.Index && e.Loop == "" {
				e.Loop = c.structure.loop()
			}
		}
		c.readerErrs = len(errs)
	}
	switch id {
	case "HL":
		c.hl20, c.billing, c.claimPayers, c.cob = string(s.Element(3)) == "20", false, nil, false
		c.hierarchy(r, s)
	case "NM1", "N1":
		c.billing = c.hl20 && string(s.Element(1)) == "85"
		if c.cob && id == "NM1" && string(s.Element(1)) == "PR" {
			c.claimPayers[s.Str(9)] = true
		}
	case "CLM":
		c.claimPayers, c.cob = map[string]bool{}, false
	case "SBR":
		c.cob = c.claimPayers != nil
	case "LX":
		c.cob = false
	}
	if c.segs == nil {
		return
	}
	d := c.segs.get(segKey(id))
	if d == nil {
		return
	}
	rules := d.rules
	var found uint64 // the elements a rule found wrong: the element tables say no more of them
	for i := range rules {
		ru := &rules[i]
		if ru.when != nil && !ru.when(c, s) {
			continue
		}
		if msg, ik4 := ru.check(c, s); msg != "" {
			c.add(r.Position(s), id, ru, msg, ik4)
			found |= 1 << (ru.elem & 63)
		}
	}
	if d.elems != nil {
		c.elements(r, s, d, found)
	}
}

func (c *checker) hierarchy(r *x12.Reader, s *x12.Segment) {
	n, _ := strconv.Atoi(string(s.Element(1)))
	want := c.lastHL + 1
	if n != want {
		e := c.ctl.Errorf(r.Position(s), "HL", 1, 0, x12.SeverityError, CodeHierarchy, "HL01 %q: the hierarchy numbers its HL loops from 1 in each transaction set, and this one is %d", s.Str(1), want)
		e.IK3, e.IK4 = "8", "7"
		if c.structure != nil {
			e.Loop = c.structure.loop()
		}
		c.errs = append(c.errs, e)
	}
	c.lastHL = max(n, want)
}

func (c *checker) add(pos x12.Position, id string, ru *rule, msg, ik4 string) {
	e := c.ctl.Errorf(pos, id, ru.elem, ru.comp, x12.SeverityError, CodeValue, "%s", msg)
	e.Level, e.IK3, e.IK4 = ru.level(), "8", ik4
	if c.structure != nil {
		e.Loop = c.structure.loop()
	}
	c.errs = append(c.errs, e)
}

func (c *checker) Finish() (any, []*x12.Error) {
	if c.structure != nil {
		c.errs = append(c.errs, c.structure.finish()...)
		sortByPosition(c.errs)
	}
	return nil, c.errs
}

// sortByPosition orders errors by their segment, as the stream has them.
func sortByPosition(errs []*x12.Error) {
	slices.SortStableFunc(errs, func(a, b *x12.Error) int { return a.SegmentIndex - b.SegmentIndex })
}

// rule is one row of the tables: an element of a segment (in the loop
// when says), and what it must be.
type rule struct {
	seg        string
	elem, comp int
	when       func(*checker, *x12.Segment) bool
	// what: one of them.
	digits      int             // exactly this many digits
	minLen      int             // at least this many characters
	maxLen      int             // at most this many characters
	required    bool            // present
	codes       map[string]bool // one of these
	date        bool            // CCYYMMDD (D8) or CCYYMMDD-CCYYMMDD (RD8), by the qualifier before it
	npi         bool            // a National Provider Identifier: 10 digits, its check digit right
	otherPayer  bool            // the NM109 of a 2330B of the claim
	composite   bool            // written with the component separator, its first component a qualifier
	situational bool            // SNIP 4 rather than 2
	what        string          // the element's name, for messages
}

func (ru *rule) level() int {
	if ru.situational {
		return x12.LevelSituational
	}
	return x12.LevelGuide
}

// check returns what is wrong with the segment under the rule, and the
// IK403 code, or "".
func (ru *rule) check(c *checker, s *x12.Segment) (msg, ik4 string) {
	msg, ik4 = ru.problem(c, s)
	if msg == "" {
		return "", ""
	}
	name := fmt.Sprintf("%s%02d", ru.seg, ru.elem)
	if ru.comp > 0 {
		name += fmt.Sprintf("-%d", ru.comp)
	}
	return name + msg, ik4
}

// problem is check's finding without the element's name, which only a
// finding needs (formatting it for every segment would cost more than
// every check).
func (ru *rule) problem(c *checker, s *x12.Segment) (msg, ik4 string) {
	v := s.Element(ru.elem)
	if ru.comp > 0 {
		v = s.Component(ru.elem, ru.comp)
	}
	switch {
	case ru.composite:
		if len(s.Element(ru.elem)) > 0 && len(s.Component(ru.elem, 2)) == 0 {
			return fmt.Sprintf(" (%s) is a composite: its qualifier and its code are written with the component separator", ru.what), "1"
		}
	case len(v) == 0:
		if ru.digits > 0 || ru.required || ru.minLen > 0 {
			return fmt.Sprintf(" (%s) is required", ru.what), "1"
		}
	case ru.maxLen > 0 && len(v) > ru.maxLen:
		return fmt.Sprintf(" (%s) has %d characters: at most %d", ru.what, len(v), ru.maxLen), "5"
	case len(v) < ru.minLen:
		return fmt.Sprintf(" (%s) has %d characters: at least %d", ru.what, len(v), ru.minLen), "4"
	case ru.digits > 0:
		if len(v) != ru.digits || !allDigits(v) {
			return fmt.Sprintf(" (%s) has %d characters: the guide wants %d digits", ru.what, len(v), ru.digits), "4"
		}
	case ru.otherPayer:
		if !c.claimPayers[string(v)] {
			return fmt.Sprintf(" (%s) is not the ID (NM109) of an other payer of the claim (2330B)", ru.what), "7"
		}
	case ru.codes != nil:
		if !ru.codes[string(v)] {
			return fmt.Sprintf(" is not a %s", ru.what), "7"
		}
	case ru.date:
		format := s.Str(ru.elem - 1) // DTP02: D8 or RD8
		if !validDates(format, string(v)) {
			return fmt.Sprintf(" is not a date in format %s (CCYYMMDD)", format), "8"
		}
	case ru.npi:
		if !validNPI(v) {
			return fmt.Sprintf(" is not an NPI (%s): 10 digits with a check digit (Luhn, prefix 80840)", ru.what), "7"
		}
	}
	return "", ""
}

func validDates(format, v string) bool {
	parse := func(d string) bool { return isDate([]byte(d)) }
	switch format {
	case "D8":
		return parse(v)
	case "RD8":
		from, to, ok := strings.Cut(v, "-")
		return ok && parse(from) && parse(to) && from <= to
	}
	return true // another format: not a rule here
}

// isDate reports whether b is a real date CCYYMMDD.
func isDate(b []byte) bool {
	if len(b) != 8 || !allDigits(b) {
		return false
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(b[:4]), num(b[4:6]), num(b[6:])
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// validNPI checks the NPI's tenth digit: the Luhn check digit of the
// first nine with the prefix 80840 (the ISO card issuer prefix for it).
func validNPI(b []byte) bool {
	if len(b) != 10 || !allDigits(b) {
		return false
	}
	sum := 24 // 80840's contribution
	for i := 8; i >= 0; i-- {
		d := int(b[i] - '0')
		if (8-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10-sum%10)%10 == int(b[9]-'0')
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// Loop is the loop of the segment read last ("" where the set's
// structure is not tabled), for the errors others find there.
func (c *checker) Loop() string {
	if c.structure == nil {
		return ""
	}
	return c.structure.loop()
}
