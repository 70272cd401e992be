package codeset

// What the edits need beside the tables: the modifiers that bypass an
// NCCI PTP edit, and units as the MUE compares them.

// ncciModifiers are the NCCI-associated modifiers: on either line of a PTP
// pair whose modifier indicator is 1, they allow both codes when the
// services were distinct (CMS's NCCI policy manual, chapter I).
var ncciModifiers = map[string]bool{}

func init() {
	for _, m := range []string{"24", "25", "27", "57", "58", "59", "78", "79", "91", "XE", "XP", "XS", "XU",
		"E1", "E2", "E3", "E4", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "FA", "LC", "LD", "LM", "RC", "RI",
		"LT", "RT", "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9"} {
		ncciModifiers[m] = true
	}
}

// Denies reports whether the edit refuses the pair on lines billed with
// these modifiers: indicator 0 always, 1 unless an NCCI-associated
// modifier is on either line, 9 never.
func (e PTPEdit) Denies(col1Mods, col2Mods []string) bool {
	switch e.Modifier {
	case '0':
		return true
	case '1':
		return !NCCIModifier(col1Mods...) && !NCCIModifier(col2Mods...)
	}
	return false
}

// NCCIModifier reports whether any of mods is an NCCI-associated modifier.
func NCCIModifier(mods ...string) bool {
	for _, m := range mods {
		if ncciModifiers[m] {
			return true
		}
	}
	return false
}

// Thousandths reads a units quantity (SV104, SV205: a decimal such as
// "1.5") in thousandths of a unit, as MUE values are compared; digits past
// the third decimal are dropped, anything but digits and the point skipped.
func Thousandths(s string) int64 {
	var v int64
	frac := -1
	for i := 0; i < len(s) && frac < 3; i++ {
		switch c := s[i]; {
		case c == '.':
			frac = 0
		case c >= '0' && c <= '9':
			v = v*10 + int64(c-'0')
			if frac >= 0 {
				frac++
			}
		}
	}
	for frac = max(frac, 0); frac < 3; frac++ {
		v *= 10
	}
	return v
}
