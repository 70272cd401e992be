// Package money holds exact amounts of money as integer cents, read from and
// written to the forms X12 and the JSON contracts use. Nothing here touches
// a float.
package money

import (
	"errors"
	"fmt"
	"strconv"
)

// Cents is an amount of money in cents: 18500 is $185.00.
type Cents int64

// Parse reads a decimal amount with at most two decimals: "185", "185.5",
// "185.00", "-5.00", ".50". No exponent, no thousands separator, no spaces.
func Parse(s string) (Cents, error) { return ParseBytes([]byte(s)) }

// ErrSyntax is returned for a string that is not an amount.
var ErrSyntax = errors.New("not an amount with at most two decimals")

// ErrRange is returned for an amount too large to hold.
var ErrRange = errors.New("amount out of range")

// ParseBytes is Parse without the allocation.
func ParseBytes(b []byte) (Cents, error) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, ErrSyntax
	}
	var whole int64
	i, digits := 0, 0
	for ; i < len(b) && b[i] != '.'; i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, ErrSyntax
		}
		if whole > (1<<62)/10 {
			return 0, ErrRange
		}
		whole = whole*10 + int64(c-'0')
		digits++
	}
	frac, fdigits := int64(0), 0
	if i < len(b) {
		for i++; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return 0, ErrSyntax
			}
			if fdigits == 2 {
				return 0, ErrSyntax
			}
			frac = frac*10 + int64(c-'0')
			fdigits++
		}
		if fdigits == 0 && digits == 0 {
			return 0, ErrSyntax
		}
	}
	if fdigits == 1 {
		frac *= 10
	}
	if digits == 0 && fdigits == 0 {
		return 0, ErrSyntax
	}
	v := whole*100 + frac
	if neg {
		v = -v
	}
	return Cents(v), nil
}

// String writes the amount with exactly two decimals, as the JSON contracts
// want: "185.00", "-5.00", "0.50".
func (c Cents) String() string {
	return string(c.AppendFixed(nil))
}

// AppendFixed appends the amount with exactly two decimals.
func (c Cents) AppendFixed(b []byte) []byte {
	b, v := c.appendUnits(b)
	return append(b, '.', byte('0'+v%100/10), byte('0'+v%10))
}

// appendUnits appends the sign and the whole units of the amount, and
// returns its absolute value in cents.
func (c Cents) appendUnits(b []byte) ([]byte, int64) {
	v := int64(c)
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	return strconv.AppendInt(b, v/100, 10), v
}

// X12 writes the amount as an X12 decimal (R) element wants it: no trailing
// zeros after the point and no point for whole amounts: "185", "185.5",
// "0.05", "-5".
func (c Cents) X12() string { return string(c.AppendX12(nil)) }

// AppendX12 appends the X12 form of the amount.
func (c Cents) AppendX12(b []byte) []byte {
	b, v := c.appendUnits(b)
	switch f := v % 100; {
	case f == 0:
	case f%10 == 0:
		b = append(b, '.', byte('0'+f/10))
	default:
		b = append(b, '.', byte('0'+f/10), byte('0'+f%10))
	}
	return b
}

// MarshalJSON writes the amount as a JSON string with two decimals.
func (c Cents) MarshalJSON() ([]byte, error) {
	b := append(make([]byte, 0, 24), '"')
	b = c.AppendFixed(b)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a JSON string holding an amount. A JSON number is
// refused: money travels as a string.
func (c *Cents) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("money: %s is not a string amount", b)
	}
	v, err := ParseBytes(b[1 : len(b)-1])
	if err != nil {
		return fmt.Errorf("money: %s: %w", b, err)
	}
	*c = v
	return nil
}
