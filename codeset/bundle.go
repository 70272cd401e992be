package codeset

import (
	"cmp"
	"slices"
)

// Bundle is every set loaded, indexed for the scrubber's questions. It is
// read-only once built and safe for concurrent use. A nil *Bundle and an
// empty one answer "nothing loaded" for everything. Lookups allocate
// nothing.
type Bundle struct {
	sets  []*Set    // Kinds order, then From
	icd   []*Set    // by From
	hcpcs []*Set    // by From
	cpt   *Set      // the newest list: the last given
	cdt   *Set      // likewise
	ptp   [2][]*Set // practitioner, hospital: the newest version's parts
	mue   [3][]*Set // practitioner, hospital, DME: by From
}

func ptpIndex(k Kind) int {
	switch k {
	case KindPTPPractitioner:
		return 0
	case KindPTPHospital:
		return 1
	}
	return -1
}

func mueIndex(k Kind) int {
	switch k {
	case KindMUEPractitioner:
		return 0
	case KindMUEHospital:
		return 1
	case KindMUEDME:
		return 2
	}
	return -1
}

// NewBundle indexes sets. Of sets with the same Kind, Version and Part,
// the last given wins. Of an operator's lists (CPT, CDT), the last given is
// the newest. Of PTP tables, only the newest version's parts are used (v312r0
// over v311r0).
func NewBundle(sets []*Set) *Bundle {
	type id struct {
		kind          Kind
		version, part string
	}
	last := map[id]int{}
	for i, s := range sets {
		if s != nil {
			last[id{s.Kind, s.Version, s.Part}] = i
		}
	}
	b := &Bundle{}
	for i, s := range sets {
		if s == nil || last[id{s.Kind, s.Version, s.Part}] != i || slices.Index(Kinds, s.Kind) < 0 {
			continue
		}
		b.sets = append(b.sets, s)
		switch s.Kind {
		case KindCPT:
			b.cpt = s
		case KindCDT:
			b.cdt = s
		}
	}
	slices.SortStableFunc(b.sets, func(x, y *Set) int {
		if c := cmp.Compare(slices.Index(Kinds, x.Kind), slices.Index(Kinds, y.Kind)); c != 0 {
			return c
		}
		if c := cmp.Compare(x.From, y.From); c != 0 {
			return c
		}
		if x.Kind == KindPTPPractitioner || x.Kind == KindPTPHospital {
			if x.Version != y.Version {
				if ptpVersionLess(x.Version, y.Version) {
					return -1
				}
				return 1
			}
			return cmp.Compare(x.Part, y.Part)
		}
		return 0
	})
	for _, s := range b.sets {
		switch s.Kind {
		case KindICD10CM:
			b.icd = append(b.icd, s)
		case KindHCPCS:
			b.hcpcs = append(b.hcpcs, s)
		case KindPTPPractitioner, KindPTPHospital:
			i := ptpIndex(s.Kind)
			switch cur := b.ptp[i]; {
			case len(cur) == 0 || ptpVersionLess(cur[0].Version, s.Version):
				b.ptp[i] = []*Set{s}
			case cur[0].Version == s.Version:
				b.ptp[i] = append(cur, s)
			}
		case KindMUEPractitioner, KindMUEHospital, KindMUEDME:
			i := mueIndex(s.Kind)
			b.mue[i] = append(b.mue[i], s)
		}
	}
	return b
}

// Sets are the sets in use and the older versions beside them, in Kinds
// order, then by From.
func (b *Bundle) Sets() []*Set {
	if b == nil {
		return nil
	}
	return slices.Clone(b.sets)
}

// Has tells whether a set of kind k is loaded.
func (b *Bundle) Has(k Kind) bool {
	if b == nil {
		return false
	}
	for _, s := range b.sets {
		if s.Kind == k {
			return true
		}
	}
	return false
}

// byDate picks, of sets sorted by From, the one whose From..To holds dos.
// After every set's To: the newest, newest true. Before every set: nil, or
// the oldest when oldest is true. In a gap between sets: the one before it
// (its To, before dos, tells so).
func byDate(sets []*Set, dos Date, oldest bool) (s *Set, newest bool) {
	if len(sets) == 0 {
		return nil, false
	}
	if dos < sets[0].From {
		if oldest {
			return sets[0], false
		}
		return nil, false
	}
	i := len(sets) - 1
	for i > 0 && sets[i].From > dos {
		i--
	}
	s = sets[i]
	return s, i == len(sets)-1 && s.To != 0 && dos > s.To
}

// Diagnosis is what the ICD-10-CM set for a date of service says of a code.
type Diagnosis struct {
	Set      *Set // nil: no set covers the date (before every set loaded, or before ICD-10)
	Newest   bool // the date is after every loaded set's To: the newest was used
	Found    bool // the code is in the set (billable or header)
	Billable bool
}

// Diagnosis looks an ICD-10-CM code (with or without its dot) up in the
// set for the date of service: the one whose From..To holds dos; if dos is
// after every set loaded, the newest (Newest true); if before every set
// loaded, or before ICD10Start, Set is nil. In a gap between the years
// loaded, the year before the gap is used (dos > Set.To tells it).
func (b *Bundle) Diagnosis(code string, dos Date) Diagnosis {
	if b == nil || dos < ICD10Start {
		return Diagnosis{}
	}
	s, newest := byDate(b.icd, dos, false)
	if s == nil {
		return Diagnosis{}
	}
	r := Diagnosis{Set: s, Newest: newest}
	var buf [icdWidth]byte
	n := normalizeICD(code, &buf)
	if n < 3 {
		return r
	}
	key, ok := packICD(buf[:n])
	if !ok {
		return r
	}
	row, ok := s.icd.find(key)
	if ok {
		r.Found, r.Billable = true, s.icd.billableAt(row)
	}
	return r
}

// BillableUnder appends to dst up to max billable codes of set that begin
// with header, in the order file's order, without dots: E11 gives E1100,
// E1101, ... For suggestions. It allocates only when dst grows.
func (b *Bundle) BillableUnder(set *Set, header string, max int, dst []string) []string {
	if set == nil || set.icd == nil || max <= 0 {
		return dst
	}
	var buf [icdWidth]byte
	n := normalizeICD(header, &buf)
	if n == 0 {
		return dst
	}
	return set.icd.billableUnder(buf[:n], max, dst)
}

// Procedure is what the set for a procedure code's family says of it.
type Procedure struct {
	Set        *Set // nil: no set covers the code's family (structure only)
	Newest     bool // HCPCS: the date is after every loaded year: the newest was used
	Found      bool
	Added      Date // HCPCS: the date the code was added (0 for lists)
	Terminated Date // HCPCS: the last day it is valid (0 none)
}

// Procedure looks a procedure code up. Letter-first codes other than D:
// the HCPCS set for dos (the one whose year holds dos; after all, the
// newest with Newest true; before all, the oldest). Digit-first (CPT): the
// newest CPT list. D and four digits (CDT): the newest CDT list. Found says
// only that the code is in the set; Added and Terminated tell whether it was
// valid on dos.
func (b *Bundle) Procedure(code string, dos Date) Procedure {
	if b == nil || code == "" {
		return Procedure{}
	}
	var buf [5]byte
	var v uint32
	shaped := upperInto(code, buf[:])
	if shaped {
		v, shaped = packCode(buf[:], 5)
	}
	switch c := upper(code[0]); {
	case c >= '0' && c <= '9':
		if b.cpt == nil {
			return Procedure{}
		}
		return Procedure{Set: b.cpt, Found: shaped && findPacked(b.cpt.list.codes, v)}
	case c == 'D':
		if b.cdt == nil {
			return Procedure{}
		}
		return Procedure{Set: b.cdt, Found: shaped && findPacked(b.cdt.list.codes, v)}
	case c >= 'A' && c <= 'Z':
		s, newest := byDate(b.hcpcs, dos, true)
		if s == nil {
			return Procedure{}
		}
		r := Procedure{Set: s, Newest: newest}
		if h, ok := findHCPCS(s.hcpcs.procs, v); shaped && ok {
			r.Found, r.Added, r.Terminated = true, h.added, h.terminated
		}
		return r
	}
	return Procedure{}
}

// Modifier looks a modifier up: letter-first against the HCPCS set's
// modifier records (the set Procedure picks), found when listed, added on
// or before dos and not terminated before it; digit-first (CPT's: 25, 59)
// against the newest CPT list (set nil if none).
func (b *Bundle) Modifier(mod string, dos Date) (set *Set, found bool) {
	if b == nil || len(mod) == 0 {
		return nil, false
	}
	var buf [2]byte
	var v uint32
	shaped := upperInto(mod, buf[:])
	if shaped {
		v, shaped = packCode(buf[:], 2)
	}
	switch c := upper(mod[0]); {
	case c >= '0' && c <= '9':
		if b.cpt == nil {
			return nil, false
		}
		return b.cpt, shaped && findPacked(b.cpt.list.mods, v)
	case c >= 'A' && c <= 'Z':
		s, _ := byDate(b.hcpcs, dos, true)
		if s == nil || !shaped {
			return s, false
		}
		h, ok := findHCPCS(s.hcpcs.mods, v)
		return s, ok && h.added <= dos && (h.terminated == 0 || dos <= h.terminated)
	}
	return nil, false
}

// PTPEdit is an NCCI procedure-to-procedure edit.
type PTPEdit struct {
	Set       *Set
	Modifier  byte // '0' not allowed, '1' allowed, '9' not applicable
	Effective Date
	Deleted   Date // the last day it applies; 0 for '*'
}

// PTP finds the NCCI edit for the pair (column 1, column 2) in the table of
// kind k (KindPTPPractitioner or KindPTPHospital) in force on dos: only the
// newest version's parts are used; the edit applies when Effective <= dos
// and (Deleted == 0 or dos <= Deleted). ok false if none.
func (b *Bundle) PTP(k Kind, col1, col2 string, dos Date) (e PTPEdit, ok bool) {
	i := ptpIndex(k)
	if b == nil || i < 0 || len(b.ptp[i]) == 0 {
		return PTPEdit{}, false
	}
	var b1, b2 [5]byte
	if !upperInto(col1, b1[:]) || !upperInto(col2, b2[:]) {
		return PTPEdit{}, false
	}
	c1, ok1 := packCode(b1[:], 5)
	c2, ok2 := packCode(b2[:], 5)
	if !ok1 || !ok2 {
		return PTPEdit{}, false
	}
	key := ptpKey(c1, c2)
	for _, s := range b.ptp[i] {
		if f, ok := s.ptp.find(key, dos); ok {
			return PTPEdit{Set: s, Modifier: f.modifier(), Effective: f.effective, Deleted: f.deleted}, true
		}
	}
	return PTPEdit{}, false
}

// MUE is a medically unlikely edit: the most units of a code.
type MUE struct {
	Set       *Set
	Value     int  // units
	Indicator byte // '1' per line, '2' per date of service (policy), '3' per date of service (clinical)
}

// MUE finds the code's MUE in the table of kind k (KindMUEPractitioner,
// KindMUEHospital, KindMUEDME) in force on dos: the newest table whose From
// <= dos. ok false if none.
func (b *Bundle) MUE(k Kind, code string, dos Date) (m MUE, ok bool) {
	i := mueIndex(k)
	if b == nil || i < 0 {
		return MUE{}, false
	}
	var s *Set
	for _, t := range b.mue[i] {
		if t.From <= dos {
			s = t
		}
	}
	if s == nil {
		return MUE{}, false
	}
	var buf [5]byte
	if !upperInto(code, buf[:]) {
		return MUE{}, false
	}
	v, ok := packCode(buf[:], 5)
	if !ok {
		return MUE{}, false
	}
	e, ok := s.mue.find(v)
	if !ok {
		return MUE{}, false
	}
	return MUE{Set: s, Value: int(e.value), Indicator: '0' + byte(e.code>>mueIndShift)}, true
}
