package codeset

import (
	"bytes"
	"fmt"
	"strconv"
)

// Codes are kept as numbers: a procedure code's five characters (digits
// and upper-case letters) in base 36, a modifier's two likewise, an ICD-10-CM
// code's up to seven in base 37 with 0 for "no character". The numbers sort
// as the codes do.

// charValue is a code character's digit in base 36: 0-9, then A-Z (a-z
// read as A-Z); ok false for anything else.
func charValue(c byte) (uint32, bool) {
	switch {
	case c >= '0' && c <= '9':
		return uint32(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return uint32(c-'A') + 10, true
	case c >= 'a' && c <= 'z':
		return uint32(c-'a') + 10, true
	}
	return 0, false
}

// packCode packs a code of exactly n characters (5 for a procedure, 2 for
// a modifier) into a number below 36^n.
func packCode[T string | []byte](s T, n int) (uint32, bool) {
	if len(s) != n {
		return 0, false
	}
	var v uint32
	for i := 0; i < n; i++ {
		d, ok := charValue(s[i])
		if !ok {
			return 0, false
		}
		v = v*36 + d
	}
	return v, true
}

// procedureCode packs a five-character procedure code as the NCCI files
// hold them (CPT 99213, 0591T; HCPCS J1100): digits and letters, at least
// one digit.
func procedureCode[T string | []byte](s T) (uint32, bool) {
	v, ok := packCode(s, 5)
	if !ok {
		return 0, false
	}
	for i := 0; i < 5; i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return v, true
		}
	}
	return 0, false
}

// codeBits is how many bits a packed five-character code needs (36^5 < 2^26).
const codeBits = 26

// unpackCode writes a packed code of n characters back.
func unpackCode(v uint32, n int) string {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		d := v % 36
		v /= 36
		if d < 10 {
			b[i] = byte('0' + d)
		} else {
			b[i] = byte('A' + d - 10)
		}
	}
	return string(b)
}

// icdWidth is the longest ICD-10-CM code, without its dot.
const icdWidth = 7

// icdPow[i] is 37^i.
var icdPow = func() (p [icdWidth + 1]uint64) {
	p[0] = 1
	for i := 1; i <= icdWidth; i++ {
		p[i] = p[i-1] * 37
	}
	return p
}()

// packICD packs an ICD-10-CM code without its dot (a letter, then up to six
// digits and letters) as base-37 digits, padded on the right with 0: a
// number below 37^7 < 2^37. A prefix packs to the least code beginning with
// it.
func packICD[T string | []byte](s T) (uint64, bool) {
	if len(s) == 0 || len(s) > icdWidth {
		return 0, false
	}
	if c := s[0] | 0x20; c < 'a' || c > 'z' {
		return 0, false
	}
	var v uint64
	for i := 0; i < icdWidth; i++ {
		v *= 37
		if i < len(s) {
			d, ok := charValue(s[i])
			if !ok {
				return 0, false
			}
			v += uint64(d) + 1
		}
	}
	return v, true
}

// normalizeICD copies code into buf without its dot and in upper case;
// n is 0 if it cannot be an ICD-10-CM code.
func normalizeICD(code string, buf *[icdWidth]byte) int {
	n := 0
	for i := 0; i < len(code); i++ {
		c := code[i]
		if c == '.' {
			continue
		}
		if n == icdWidth {
			return 0
		}
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return n
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// upperInto copies s in upper case into buf; false if it does not fit.
func upperInto(s string, buf []byte) bool {
	if len(s) != len(buf) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	return true
}

// date8 reads a date written YYYYMMDD.
func date8(b []byte) (Date, bool) {
	if len(b) != 8 {
		return 0, false
	}
	var v uint32
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint32(c-'0')
	}
	y, m, d := v/10000, v/100%100, v%100
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return Date(v), true
}

// token quotes a field for an error message when it is short and made of
// the characters codes, dates and flags are made of; anything else (which
// could be a description) is told by its length only.
func token(b []byte) string {
	if len(b) > 12 {
		return fmt.Sprintf("a value of %d characters", len(b))
	}
	for _, c := range b {
		ok := c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' ||
			c == '.' || c == '*' || c == '-' || c == '/' || c == ' '
		if !ok {
			return fmt.Sprintf("a value of %d characters", len(b))
		}
	}
	return strconv.Quote(string(b))
}

// lines calls fn with each line of data and its number (from 1), without
// its line end (LF or CRLF).
func lines(data []byte, fn func(n int, line []byte) error) error {
	for n := 1; len(data) > 0; n++ {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	return nil
}

// lineCount is how many lines data has, at most.
func lineCount(data []byte) int { return bytes.Count(data, []byte{'\n'}) + 1 }

// where names a file in messages: "icd10cm-order-2025.txt", or for a zip's
// member "icd10cm-code-descriptions-2025.zip: icd10cm-order-2025.txt".
type where struct{ file, member string }

func (w where) String() string {
	if w.member == "" || w.member == w.file {
		return w.file
	}
	return w.file + ": " + w.member
}

// line is an error at a line of the file.
func (w where) line(n int, format string, args ...any) error {
	return fmt.Errorf("%s line %d: %s", w, n, fmt.Sprintf(format, args...))
}

// errorf is an error about the file as a whole.
func (w where) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %s", w, fmt.Sprintf(format, args...))
}

// nameOf is the member's name when there is one, else the file's: the name
// that carries the version.
func (w where) nameOf() string {
	if w.member != "" {
		return w.member
	}
	return w.file
}
