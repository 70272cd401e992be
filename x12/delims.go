package x12

import (
	"fmt"
	"strconv"
)

// Delimiters are the separator characters of one interchange. A Reader takes
// them from each ISA segment; a Writer is given them.
type Delimiters struct {
	Element    byte // ISA byte 4
	Repetition byte // ISA11 in version 00402 and later; 0 when the interchange has none
	Component  byte // ISA16
	Segment    byte // the byte after ISA16
	// Suffix is the line break written after each segment terminator ("",
	// "\n", "\r\n" or "\r"). A Reader reports the one that follows the ISA.
	Suffix string
}

// DefaultDelimiters are the delimiters most trading partners use: * : ^ ~ with
// no line break.
var DefaultDelimiters = Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~'}

// Validate reports whether the delimiters can frame an interchange: each is
// set (the repetition separator may be 0), none is a letter or digit, and no
// two are the same.
func (d Delimiters) Validate() error {
	set := []struct {
		name string
		c    byte
	}{{"element separator", d.Element}, {"component separator", d.Component}, {"segment terminator", d.Segment}, {"repetition separator", d.Repetition}}
	for i, a := range set {
		if a.c == 0 {
			if a.name == "repetition separator" {
				continue
			}
			return fmt.Errorf("x12: %s is not set", a.name)
		}
		if isAlnum(a.c) {
			return fmt.Errorf("x12: %s %q is a letter or digit", a.name, a.c)
		}
		for _, b := range set[:i] {
			if a.c == b.c {
				return fmt.Errorf("x12: %s and %s are both %q", b.name, a.name, a.c)
			}
		}
	}
	switch d.Suffix {
	case "", "\n", "\r\n", "\r":
	default:
		return fmt.Errorf("x12: segment suffix %q is not a line break", d.Suffix)
	}
	if d.Suffix != "" && (d.Segment == '\n' || d.Segment == '\r') {
		return fmt.Errorf("x12: segment terminator %q takes no line break after it", d.Segment)
	}
	return nil
}

// ParseDelimiters reads a delimiter set written as four characters in the
// order element, component, repetition, segment terminator (for example
// "*:^~"; "*:~" or a space in third place means no repetition separator).
// The escapes \n, \r and \t name control characters.
func ParseDelimiters(s string) (Delimiters, error) {
	u, err := strconv.Unquote(`"` + s + `"`)
	if err != nil {
		u = s
	}
	var d Delimiters
	switch len(u) {
	case 4:
		d = Delimiters{Element: u[0], Component: u[1], Repetition: u[2], Segment: u[3]}
		if d.Repetition == ' ' {
			d.Repetition = 0
		}
	case 3:
		d = Delimiters{Element: u[0], Component: u[1], Segment: u[2]}
	default:
		return d, fmt.Errorf("x12: delimiters %q: want 4 characters (element, component, repetition, terminator) or 3 (no repetition)", s)
	}
	return d, d.Validate()
}

// String writes the delimiters in the form ParseDelimiters reads.
func (d Delimiters) String() string {
	rep := d.Repetition
	if rep == 0 {
		rep = ' '
	}
	q := strconv.Quote(string([]byte{d.Element, d.Component, rep, d.Segment}))
	return q[1 : len(q)-1]
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }
