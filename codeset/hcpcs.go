package codeset

import (
	"bytes"
	"slices"
	"strconv"
)

// HCPCS Level II, the letter-first procedure and supply codes and the
// modifiers: CMS publishes them as the annual alpha-numeric zip
// (hcpcs-2020-alpha-numeric.zip; CMS's page "Alpha-Numeric HCPCS"). Its
// record file HCPC2020_ANWEB_w_disclaimer.txt begins with a disclaimer
// paragraph, then 320-character records, Latin-1, CRLF:
//
//	1-5      code (a modifier: spaces in 1-3, the modifier in 4-5)
//	6-10     sequence number
//	11       record id: 3 a procedure's first line, 4 its continuation lines,
//	         7 a modifier's first line, 8 its continuation lines
//	12-91    long description
//	92-119   short description
//	269-276  the date the code was added, YYYYMMDD
//	277-284  the action's effective date
//	285-292  the termination date (blank if none), the last day it is valid
//	293      action code
//
// Continuation lines carry the long description only. The year in the
// file's name is the year it is for: HCPC2020 covers 2020-01-01 to
// 2020-12-31. It holds no CPT (the AMA's) and no CDT (the ADA's) codes.

// hcpcsData is the file's procedures and modifiers, each sorted by code.
type hcpcsData struct {
	procs []hcpcsCode // code: packCode(5)
	mods  []hcpcsCode // code: packCode(2)
}

type hcpcsCode struct {
	code       uint32
	added      Date
	terminated Date // the last day the code is valid; 0 none
}

// hcpcsRecordLen is how far a first line must reach: through its action
// code (CMS's records are 320 characters).
const hcpcsRecordLen = 293

func parseHCPCS(fileName string, data []byte) (*Set, error) {
	w, body, err := open(fileName, data, "HCPCS record file (HCPCYYYY_ANWEB*.txt)", hcpcsRecordName.MatchString, "")
	if err != nil {
		return nil, err
	}
	m := hcpcsYear.FindStringSubmatch(w.nameOf())
	if m == nil && w.member != "" {
		m = hcpcsYear.FindStringSubmatch(w.file)
	}
	if m == nil {
		return nil, w.errorf("cannot tell the year: the record file's name carries it (HCPCYYYY_ANWEB*.txt)")
	}
	year, _ := strconv.Atoi(m[1])
	d := &hcpcsData{}
	var (
		started bool
		last    []byte // the code of the last first line, for its continuation lines
		lastID  byte
	)
	err = lines(body, func(ln int, line []byte) error {
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		id, code, isRecord := hcpcsRecord(line)
		if !isRecord {
			if !started { // the disclaimer
				return nil
			}
			return w.line(ln, "not a HCPCS record (code in 1-5, sequence number in 6-10, record id 3, 4, 7 or 8 in 11)")
		}
		started = true
		switch id {
		case '4', '8':
			if lastID != id-1 || !bytes.Equal(code, last) {
				return w.line(ln, "a continuation line (record id %c) of %s does not follow its first line", id, token(bytes.TrimSpace(code)))
			}
			return nil
		}
		if len(line) < hcpcsRecordLen {
			return w.line(ln, "record of %d characters: too short for its dates (269-292) and action code (293); CMS's records are 320", len(line))
		}
		last, lastID = code, id
		c := hcpcsCode{}
		var ok bool
		if c.added, ok = blankOrDate(line[268:276]); !ok {
			return w.line(ln, "%s: add date %s (269-276) is not a date", token(bytes.TrimSpace(code)), token(line[268:276]))
		}
		if _, ok = blankOrDate(line[276:284]); !ok {
			return w.line(ln, "%s: action effective date %s (277-284) is not a date", token(bytes.TrimSpace(code)), token(line[276:284]))
		}
		if c.terminated, ok = blankOrDate(line[284:292]); !ok {
			return w.line(ln, "%s: termination date %s (285-292) is not a date", token(bytes.TrimSpace(code)), token(line[284:292]))
		}
		if id == '3' {
			c.code, _ = packCode(code, 5)
			d.procs = append(d.procs, c)
		} else {
			c.code, _ = packCode(code[3:], 2)
			d.mods = append(d.mods, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(d.procs) == 0 {
		return nil, w.errorf("no HCPCS procedure records: not a HCPCS record file")
	}
	for _, list := range []struct {
		codes []hcpcsCode
		n     int
	}{{d.procs, 5}, {d.mods, 2}} {
		slices.SortFunc(list.codes, func(a, b hcpcsCode) int { return int(a.code) - int(b.code) })
		for i := 1; i < len(list.codes); i++ {
			if list.codes[i].code == list.codes[i-1].code {
				return nil, w.errorf("code %s has two records", unpackCode(list.codes[i].code, list.n))
			}
		}
	}
	d.procs, d.mods = shrink(d.procs), shrink(d.mods)
	y := strconv.Itoa(year)
	return &Set{
		Kind:    KindHCPCS,
		Name:    "HCPCS " + y,
		Version: y,
		From:    Date(year*10000 + 101),
		To:      Date(year*10000 + 1231),
		Codes:   len(d.procs) + len(d.mods),
		hcpcs:   d,
	}, nil
}

// hcpcsRecord tells whether line is one of the file's records: its record
// id and its code field (1-5).
func hcpcsRecord(line []byte) (id byte, code []byte, ok bool) {
	if len(line) < 11 {
		return 0, nil, false
	}
	for _, c := range line[5:10] {
		if c < '0' || c > '9' {
			return 0, nil, false
		}
	}
	id, code = line[10], line[:5]
	switch id {
	case '3', '4':
		// A letter, then four digits.
		if code[0] < 'A' || code[0] > 'Z' {
			return 0, nil, false
		}
		for _, c := range code[1:] {
			if c < '0' || c > '9' {
				return 0, nil, false
			}
		}
	case '7', '8':
		if string(code[:3]) != "   " {
			return 0, nil, false
		}
		if _, ok := packCode(code[3:], 2); !ok {
			return 0, nil, false
		}
	default:
		return 0, nil, false
	}
	return id, code, true
}

func blankOrDate(b []byte) (Date, bool) {
	if len(bytes.TrimSpace(b)) == 0 {
		return 0, true
	}
	return date8(b)
}

// find looks a packed code up.
func findHCPCS(codes []hcpcsCode, code uint32) (hcpcsCode, bool) {
	lo, hi := 0, len(codes)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if codes[m].code < code {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(codes) && codes[lo].code == code {
		return codes[lo], true
	}
	return hcpcsCode{}, false
}

func (d *hcpcsData) memoryBytes() int64 {
	return sliceBytes(d.procs) + sliceBytes(d.mods) + 48
}
