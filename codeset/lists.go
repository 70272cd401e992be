package codeset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// CPT (Level I HCPCS) is the AMA's and CDT (dental) the ADA's: their codes
// and descriptions are licensed, never shipped with the gateway. An operator
// licensed for them may import a list: text, one code per line, optionally
// followed by white space (or a comma) and a description, which is not kept;
// blank lines and lines beginning with # are skipped. A CPT list holds
// five-character codes (five digits, or four digits and A, F, M, T or U) and
// may hold two-character modifiers (25, 59); a CDT list holds D and four
// digits. A list has no dates; its version is its content's sha256.

// listData is a list's codes and modifiers, each packed and sorted.
type listData struct {
	codes []uint32 // packCode(5)
	mods  []uint32 // packCode(2)
}

func parseList(fileName string, kind Kind, data []byte) (*Set, error) {
	w := where{file: baseName(fileName)}
	if isZip(data) {
		return nil, w.errorf("a zip: an operator's %s list is plain text, one code per line", kind)
	}
	d := &listData{}
	n := 0
	err := lines(data, func(ln int, line []byte) error {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			return nil
		}
		code := line
		if i := bytes.IndexAny(line, " \t,;"); i >= 0 {
			code = line[:i]
		}
		switch {
		case kind == KindCPT && len(code) == 2:
			m, ok := packCode(code, 2)
			if !ok {
				return w.line(ln, "%s is not a modifier (two digits or letters)", token(code))
			}
			d.mods = append(d.mods, m)
		case kind == KindCPT && cptShaped(code), kind == KindCDT && cdtShaped(code):
			c, _ := packCode(code, 5)
			d.codes = append(d.codes, c)
		case kind == KindCPT:
			return w.line(ln, "%s is not a CPT code (five digits, or four digits and A, F, M, T or U) or modifier", token(code))
		default:
			return w.line(ln, "%s is not a CDT code (D and four digits)", token(code))
		}
		n++
		return nil
	})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, w.errorf("no codes")
	}
	for _, s := range []*[]uint32{&d.codes, &d.mods} {
		slices.Sort(*s)
		*s = shrink(slices.Compact(*s))
	}
	sum := sha256.Sum256(data)
	name := "CPT (operator list)"
	if kind == KindCDT {
		name = "CDT (operator list)"
	}
	return &Set{
		Kind:    kind,
		Name:    name,
		Version: hex.EncodeToString(sum[:6]),
		Codes:   len(d.codes) + len(d.mods),
		list:    d,
	}, nil
}

func cptShaped(c []byte) bool {
	if len(c) != 5 {
		return false
	}
	for _, x := range c[:4] {
		if x < '0' || x > '9' {
			return false
		}
	}
	switch c[4] {
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'F', 'M', 'T', 'U', 'a', 'f', 'm', 't', 'u':
		return true
	}
	return false
}

func cdtShaped(c []byte) bool {
	if len(c) != 5 || c[0] != 'D' && c[0] != 'd' {
		return false
	}
	for _, x := range c[1:] {
		if x < '0' || x > '9' {
			return false
		}
	}
	return true
}

func findPacked(s []uint32, v uint32) bool {
	_, ok := slices.BinarySearch(s, v)
	return ok
}

func (d *listData) memoryBytes() int64 { return sliceBytes(d.codes) + sliceBytes(d.mods) + 48 }
