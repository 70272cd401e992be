package codeset

import (
	"bytes"
	"slices"
	"strconv"
)

// ICD-10-CM, the diagnosis codes: CDC's National Center for Health
// Statistics publishes them for CMS each fiscal year (October 1 to
// September 30) as the code-descriptions zip (icd10cm-code-descriptions-
// 2025.zip). Its order file, icd10cm-order-2025.txt, is the tabular list:
// every code in the tabular order, billable codes (flag 1) and the headers
// above them (flag 0, e.g. E11), in fixed columns:
//
//	1-5    order number
//	7-13   code, without its dot, left-aligned
//	15     1 billable, 0 header
//	17-76  short description
//	78-    long description
//
// The year in the order file's name is the fiscal year: FY2025 covers
// services from 2024-10-01 to 2025-09-30.

// icdData is the order file's codes and flags.
type icdData struct {
	// rows is every row in the order file's order, each in an 8-byte slot:
	// the code padded with spaces to 7, then '1' (billable) or '0' (header).
	rows string
	// index is each row's packICD code << icdRowBits | its row, sorted.
	index []uint64
}

const (
	icdSlot    = 8
	icdRowBits = 24 // rows up to 16M; the order file has about 100,000
	icdRowMask = 1<<icdRowBits - 1
)

func parseICD(fileName string, data []byte) (*Set, error) {
	w, body, err := open(fileName, data, "ICD-10-CM order file (icd10cm-order-YYYY.txt)", icdOrderName.MatchString, "")
	if err != nil {
		return nil, err
	}
	year := icdYear(w.nameOf())
	if year == "" {
		return nil, w.errorf("cannot tell the fiscal year: the order file's name carries it (icd10cm-order-YYYY.txt)")
	}
	fy, _ := strconv.Atoi(year)
	if fy < 2016 {
		return nil, w.errorf("fiscal year %d: ICD-10-CM begins with FY2016", fy)
	}
	n := lineCount(body)
	rows := make([]byte, 0, n*icdSlot)
	index := make([]uint64, 0, n)
	err = lines(body, func(ln int, line []byte) error {
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		if len(line) < 17 {
			return w.line(ln, "%d characters: an order file's row has its order number (1-5), code (7-13), billable flag (15) and descriptions (17-)", len(line))
		}
		for _, c := range line[:5] {
			if c < '0' || c > '9' {
				return w.line(ln, "order number %s is not 5 digits (columns 1-5)", token(line[:5]))
			}
		}
		if line[5] != ' ' || line[13] != ' ' || line[15] != ' ' {
			return w.line(ln, "not the order file's columns (1-5 order number, 7-13 code, 15 billable flag)")
		}
		code := bytes.TrimRight(line[6:13], " ")
		key, ok := packICD(code)
		if !ok || len(code) < 3 || code[1] < '0' || code[1] > '9' {
			return w.line(ln, "code %s (columns 7-13) is not an ICD-10-CM code", token(line[6:13]))
		}
		if c := line[14]; c != '0' && c != '1' {
			return w.line(ln, "billable flag %s (column 15), want 0 (header) or 1 (billable)", token(line[14:15]))
		}
		row := len(index)
		if row > icdRowMask {
			return w.line(ln, "more rows than any order file has")
		}
		for _, c := range line[6:13] {
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			rows = append(rows, c)
		}
		rows = append(rows, line[14])
		index = append(index, key<<icdRowBits|uint64(row))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(index) == 0 {
		return nil, w.errorf("no rows: not an ICD-10-CM order file")
	}
	slices.Sort(index)
	for i := 1; i < len(index); i++ {
		if index[i]>>icdRowBits == index[i-1]>>icdRowBits {
			d := icdData{rows: string(rows)}
			return nil, w.errorf("code %s is listed twice", d.code(int(index[i]&icdRowMask)))
		}
	}
	return &Set{
		Kind:    KindICD10CM,
		Name:    "ICD-10-CM FY" + year,
		Version: "FY" + year,
		From:    Date((fy-1)*10000 + 1001),
		To:      Date(fy*10000 + 930),
		Codes:   len(index),
		icd:     &icdData{rows: string(rows), index: shrink(index)},
	}, nil
}

// lowerBound is the first index entry whose code is key or after it.
func (d *icdData) lowerBound(key uint64) int {
	target := key << icdRowBits
	lo, hi := 0, len(d.index)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if d.index[m] < target {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// find is the row of the code packed as key.
func (d *icdData) find(key uint64) (row int, ok bool) {
	i := d.lowerBound(key)
	if i < len(d.index) && d.index[i]>>icdRowBits == key {
		return int(d.index[i] & icdRowMask), true
	}
	return 0, false
}

func (d *icdData) billableAt(row int) bool { return d.rows[row*icdSlot+icdWidth] == '1' }

// code is the row's code, without its dot (a substring: no allocation).
func (d *icdData) code(row int) string {
	s := d.rows[row*icdSlot : row*icdSlot+icdWidth]
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

// billableUnder appends up to max billable codes beginning with
// prefix, in the order file's order.
func (d *icdData) billableUnder(prefix []byte, max int, dst []string) []string {
	key, ok := packICD(prefix)
	if !ok {
		return dst
	}
	// The codes beginning with prefix are those packed in [key, key+37^(7-n)).
	lo, hi := d.lowerBound(key), d.lowerBound(key+icdPow[icdWidth-len(prefix)])
	if lo == hi {
		return dst
	}
	first := icdRowMask
	for _, e := range d.index[lo:hi] {
		first = min(first, int(e&icdRowMask))
	}
	rows := len(d.rows) / icdSlot
	for row, left := first, hi-lo; row < rows && left > 0 && max > 0; row++ {
		slot := d.rows[row*icdSlot : (row+1)*icdSlot]
		if slot[:len(prefix)] != string(prefix) {
			continue
		}
		left--
		if slot[icdWidth] == '1' {
			dst = append(dst, d.code(row))
			max--
		}
	}
	return dst
}

func (d *icdData) memoryBytes() int64 {
	return int64(len(d.rows)) + sliceBytes(d.index) + 32
}
