package remit

import "encoding/binary"

// interner keeps one copy of the short values that repeat through a file
// (codes, qualifiers, dates, names), so that decoding them does not
// allocate each time:
//   - values of one or two printable ASCII bytes come from shortText, shared
//     by every interner;
//   - values of up to 15 bytes in an open-addressing table keyed by their
//     packed bytes, faster than a map;
//   - longer ones, up to maxInternedLen bytes, in a map.
//
// The tables stop growing at maxInterned values each; past that, values are
// copied as they come.
type interner struct {
	slots []internSlot
	used  int
	long  map[string]string
}

// shortText holds every value of one or two printable ASCII bytes (' ' to
// '~'): (a) at (a−' ')×96, (a, b) at (a−' ')×96 + b−' '+1. Most codes have
// one or two bytes (CLP02, CAS01, NM102, qualifiers): they cost no
// allocation, and no table per stream (one made for each stream cost more
// than decoding a small file). Made once, never written again.
var shortText = func() []string {
	t := make([]string, 95*96)
	for a := range 95 {
		t[a*96] = string([]byte{byte(' ' + a)})
		for b := range 95 {
			t[a*96+b+1] = string([]byte{byte(' ' + a), byte(' ' + b)})
		}
	}
	return t
}()

type internSlot struct {
	lo, hi uint64 // the bytes, little-endian, and the length in hi's top byte
	s      string
}

const (
	maxInterned    = 1 << 16
	maxInternedLen = 40
)

func newInterner() *interner {
	return &interner{slots: make([]internSlot, 1<<6), long: map[string]string{}}
}

func (t *interner) get(b []byte) string {
	n := len(b)
	if n == 0 {
		return ""
	}
	if n <= 2 && printable(b[0]) && printable(b[n-1]) {
		k := int(b[0]-' ') * 96
		if n == 2 {
			k += int(b[1]-' ') + 1
		}
		return shortText[k]
	}
	if n > 15 {
		if s, ok := t.long[string(b)]; ok {
			return s
		}
		s := string(b)
		if n <= maxInternedLen && len(t.long) < maxInterned {
			t.long[s] = s
		}
		return s
	}
	var lo, hi uint64
	if n >= 8 {
		lo = binary.LittleEndian.Uint64(b)
		for i, c := range b[8:] {
			hi |= uint64(c) << (8 * i)
		}
	} else {
		for i, c := range b {
			lo |= uint64(c) << (8 * i)
		}
	}
	hi |= uint64(n) << 56
	sl := t.find(lo, hi)
	if sl.s != "" {
		return sl.s
	}
	s := string(b)
	if t.used >= len(t.slots)*3/4 {
		if len(t.slots) >= maxInterned {
			return s
		}
		t.grow()
		sl = t.find(lo, hi)
	}
	sl.lo, sl.hi, sl.s = lo, hi, s
	t.used++
	return s
}

// find returns the slot holding the key, or the empty slot where it goes.
func (t *interner) find(lo, hi uint64) *internSlot {
	mask := uint64(len(t.slots) - 1)
	for i := (lo*0x9E3779B97F4A7C15 ^ hi*0xC2B2AE3D27D4EB4F) >> 40; ; i++ {
		sl := &t.slots[i&mask]
		if sl.s == "" || sl.lo == lo && sl.hi == hi {
			return sl
		}
	}
}

func (t *interner) grow() {
	old := t.slots
	t.slots = make([]internSlot, 2*len(old))
	for _, sl := range old {
		if sl.s != "" {
			*t.find(sl.lo, sl.hi) = sl
		}
	}
}

func printable(c byte) bool { return c >= ' ' && c <= '~' }
