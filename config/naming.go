package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Placeholders are the names a file name pattern may use, each written in
// braces:
//
//	{payer}  the payer_id
//	{isa13}  the interchange control number, 9 digits with leading zeros
//	{date}   the file's date in UTC, YYYYMMDD
//	{time}   the file's time in UTC, HHMMSS
//	{usage}  ISA15, T or P
//
// A pattern must use {isa13}, which makes every name unique; the rest of it
// may hold only letters, digits, '.', '_' and '-', and it may not start with
// '.'.
var Placeholders = []string{"payer", "isa13", "date", "time", "usage"}

// NameValues are what a file name is rendered from.
type NameValues struct {
	PayerID string
	ISA13   int // 0 to 999999999
	Usage   string
	Time    time.Time
}

// CheckFileName reports whether pattern is a valid file name pattern.
func CheckFileName(pattern string) error {
	_, err := expand(pattern, func(string) (string, error) { return "", nil })
	return err
}

// RenderFileName fills in pattern. The result depends only on its arguments
// and holds only letters, digits, '.', '_' and '-'.
func RenderFileName(pattern string, v NameValues) (string, error) {
	name, err := expand(pattern, func(p string) (string, error) {
		switch p {
		case "payer":
			if !payerIDRe.MatchString(v.PayerID) {
				return "", fmt.Errorf("payer_id %q: want 1 to 80 letters, digits, _ or -", v.PayerID)
			}
			return v.PayerID, nil
		case "isa13":
			if v.ISA13 < 0 || v.ISA13 > 999999999 {
				return "", fmt.Errorf("ISA13 %d: want 0 to 999999999", v.ISA13)
			}
			return fmt.Sprintf("%09d", v.ISA13), nil
		case "date":
			return v.Time.UTC().Format("20060102"), nil
		case "time":
			return v.Time.UTC().Format("150405"), nil
		default: // usage
			if v.Usage != "T" && v.Usage != "P" {
				return "", fmt.Errorf("usage %q: want T or P", v.Usage)
			}
			return v.Usage, nil
		}
	})
	if err == nil && len(name) > 255 {
		err = fmt.Errorf("file name is %d bytes long: at most 255", len(name))
	}
	return name, err
}

// expand walks pattern, checking it and writing value(name) for each
// placeholder.
func expand(pattern string, value func(string) (string, error)) (string, error) {
	switch {
	case pattern == "":
		return "", errors.New("file name pattern is empty")
	case len(pattern) > 200:
		return "", fmt.Errorf("file name pattern is %d bytes long: at most 200", len(pattern))
	case pattern[0] == '.':
		return "", fmt.Errorf("file name pattern %q starts with '.'", pattern)
	case !strings.Contains(pattern, "{isa13}"):
		return "", fmt.Errorf("file name pattern %q lacks {isa13}, which keeps names unique", pattern)
	}
	var b strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c == '{' {
			j := strings.IndexByte(pattern[i:], '}')
			if j < 0 {
				return "", fmt.Errorf("file name pattern %q: '{' at byte %d is not closed", pattern, i)
			}
			name := pattern[i+1 : i+j]
			if !slices.Contains(Placeholders, name) {
				return "", fmt.Errorf("file name pattern %q: unknown placeholder {%s}; want one of {%s}", pattern, name, strings.Join(Placeholders, "}, {"))
			}
			v, err := value(name)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i += j + 1
			continue
		}
		if !safeNameByte(c) {
			return "", fmt.Errorf("file name pattern %q: character %q not allowed; use letters, digits, '.', '_' and '-'", pattern, c)
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), nil
}

func safeNameByte(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '-'
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
