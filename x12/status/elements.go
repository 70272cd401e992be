package status

import (
	"bytes"
	"time"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
)

// party reads an NM1 at the source, receiver or provider level.
func party(p x12.Position, s *x12.Segment) Party {
	pt := Party{Pos: p, Entity: s.Str(1), Name: s.Str(3), FirstName: s.Str(4)}
	switch q, id := s.Str(8), s.Str(9); q {
	case "XX":
		pt.NPI = id
	case "FI":
		pt.TaxID = id
	default:
		pt.IDQualifier, pt.ID = q, id
	}
	return pt
}

// person reads an NM1 at the subscriber, dependent or patient level.
func person(p x12.Position, s *x12.Segment) Person {
	return Person{Pos: p, LastName: s.Str(3), FirstName: s.Str(4), MiddleName: s.Str(5), MemberID: s.Str(9)}
}

// procedure reads SVC01: qualifier, code and up to four modifiers.
func procedure(s *x12.Segment) Procedure {
	pr := Procedure{Qualifier: string(s.Component(1, 1)), Code: string(s.Component(1, 2))}
	for c := 3; c <= 6; c++ {
		if m := s.Component(1, c); len(m) > 0 {
			pr.Modifiers = append(pr.Modifiers, string(m))
		}
	}
	return pr
}

// amount reads element n as money; absent is nil, unparseable is reported.
func (d *Decoder) amount(p x12.Position, s *x12.Segment, n int) *money.Cents {
	v := s.Element(n)
	if len(v) == 0 {
		return nil
	}
	c, err := money.ParseBytes(v)
	if err != nil {
		d.errorf(p, s.ID(), n, 0, x12.CodeSyntax, "%s%02d is not an amount", s.ID(), n)
		return nil
	}
	return &c
}

// quantity reads element n as a decimal number, kept as sent.
func (d *Decoder) quantity(p x12.Position, s *x12.Segment, n int) string {
	v := s.Element(n)
	if len(v) > 0 && !decimal(v) {
		d.errorf(p, s.ID(), n, 0, x12.CodeSyntax, "%s%02d is not a number", s.ID(), n)
	}
	return string(v)
}

// date reads element n as a CCYYMMDD date and returns it as YYYY-MM-DD; one
// that does not parse is reported and kept as sent.
func (d *Decoder) date(p x12.Position, s *x12.Segment, n int) string {
	v := s.Element(n)
	if len(v) == 0 {
		return ""
	}
	out, ok := isoDate(v)
	if !ok {
		d.errorf(p, s.ID(), n, 0, x12.CodeSyntax, "%s%02d is not a CCYYMMDD date", s.ID(), n)
	}
	return out
}

// period reads DTP02/DTP03: a D8 date (from = to) or an RD8 range.
func (d *Decoder) period(p x12.Position, s *x12.Segment) (from, to string) {
	v := s.Element(3)
	var ok bool
	switch s.Str(2) {
	case "D8":
		from, ok = isoDate(v)
		to = from
	case "RD8":
		a, b, found := bytes.Cut(v, []byte{'-'})
		var okA, okB bool
		from, okA = isoDate(a)
		to, okB = isoDate(b)
		ok = found && okA && okB
	default:
		d.errorf(p, "DTP", 2, 0, x12.CodeSyntax, "DTP02 is not D8 or RD8")
		return "", ""
	}
	if !ok {
		d.errorf(p, "DTP", 3, 0, x12.CodeSyntax, "DTP03 is not a date in the DTP02 format")
	}
	return from, to
}

// isoDate checks a CCYYMMDD date and returns it as YYYY-MM-DD, or as sent
// when it is not a valid date.
func isoDate(v []byte) (string, bool) {
	if len(v) != 8 || !allDigits(string(v)) {
		return string(v), false
	}
	y, m, d := atoi(v[:4]), time.Month(atoi(v[4:6])), atoi(v[6:])
	if t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); t.Month() != m || t.Day() != d {
		return string(v), false
	}
	return string(v[:4]) + "-" + string(v[4:6]) + "-" + string(v[6:]), true
}

func atoi(v []byte) int {
	n := 0
	for _, c := range v {
		n = n*10 + int(c-'0')
	}
	return n
}

// clock formats HHMM or HHMMSS (and longer, with hundredths) as HH:MM or
// HH:MM:SS; anything else is kept as sent.
func clock(v string) string {
	switch {
	case len(v) >= 6 && allDigits(v[:6]):
		return v[:2] + ":" + v[2:4] + ":" + v[4:6]
	case len(v) == 4 && allDigits(v):
		return v[:2] + ":" + v[2:]
	}
	return v
}

// decimal reports whether v is an X12 decimal number: an optional minus,
// digits with at most one point, at least one digit.
func decimal(v []byte) bool {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	digits, points := 0, 0
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			points++
		default:
			return false
		}
	}
	return digits > 0 && points <= 1
}

func allDigits(v string) bool {
	for _, c := range []byte(v) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
