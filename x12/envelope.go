package x12

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"time"
)

// envelope follows ISA/GS/ST nesting as a Reader goes and checks each
// trailer against its header: counts, control numbers, and trailers that
// never come.
type envelope struct {
	inISA, inGS, inST bool
	isa13, gs06, st02 ctl
	groups            int // GS seen in the open interchange
	txs               int // ST seen in the open group
	segs              int // segments seen in the open transaction set, ST included
	// isa13s are the interchanges of the stream by sender, receiver and
	// ISA13 (a 64-bit hash of the three): the same three twice is one
	// interchange sent twice. At most maxISA13s are kept, so a stream of
	// millions of interchanges holds a few MB, not one string each.
	isa13s map[uint64]struct{}
	// gs06s and st02s are the control numbers used in the open
	// interchange and the open group: each is unique there. At most
	// maxISA13s of each are kept.
	gs06s, st02s map[ctl]struct{}
}

// once reports whether c is new in seen, and keeps it.
func once(seen *map[ctl]struct{}, c ctl) bool {
	if *seen == nil {
		*seen = map[ctl]struct{}{}
	}
	if _, dup := (*seen)[c]; dup {
		return false
	}
	if len(*seen) < maxISA13s {
		(*seen)[c] = struct{}{}
	}
	return true
}

// maxISA13s is how many interchanges of a stream are checked for an ISA13
// used again; those after them are not.
const maxISA13s = 100_000

// ctl holds a control number without allocating per segment.
type ctl struct {
	b [16]byte
	n uint8
}

func (c *ctl) set(b []byte) { c.n = uint8(copy(c.b[:], b)) }

func (c *ctl) bytes() []byte { return c.b[:c.n] }

func (c *ctl) String() string { return string(c.b[:c.n]) }

// envelope segments and their element counts (ST may carry ST03).
var envelopeElems = map[string][2]int{
	"ISA": {16, 16}, "IEA": {2, 2}, "GS": {8, 8}, "GE": {2, 2}, "ST": {2, 3}, "SE": {2, 2}, "TA1": {5, 5},
}

func (e *envelope) track(r *Reader, s *Segment) {
	id := s.id
	if len(id) < 2 || !(id[0] == 'I' || id[0] == 'G' || id[0] == 'S' || id[0] == 'T') {
		e.body(r)
		return
	}
	switch id {
	case "ISA", "IEA", "GS", "GE", "ST", "SE", "TA1":
	default:
		e.body(r)
		return
	}
	checkLen := func() {
		if n, want := s.Len(), envelopeElems[id]; n < want[0] || n > want[1] {
			r.addError(SeverityError, CodeElementCount, 0, fmt.Sprintf("%s has %d elements, want %d", id, n, want[1]))
		}
	}
	if id[1] == 'E' { // trailers: report under the envelope they close
		checkLen()
	} else {
		defer checkLen()
	}
	missing := func(code, msg string) { r.addError(SeverityError, code, 0, msg) }
	switch id {
	case "ISA":
		e.closeAll(missing, "the next ISA")
		e.inISA, e.groups = true, 0
		clear(e.gs06s)
		e.isa13.set(s.Element(13))
		if c := s.Element(13); len(c) != 9 || !digits(c) {
			r.addError(SeverityError, CodeSyntax, 13, fmt.Sprintf("ISA13 %q is not a 9-digit control number", c))
		}
		checkDate(r, s, 9, "ISA09", "060102")
		checkDate(r, s, 10, "ISA10", "1504")
		if v := s.Element(12); len(v) != 5 || !digits(v) || string(v) < "00200" || string(v) > "00801" {
			r.addError(SeverityError, CodeSyntax, 12, fmt.Sprintf("ISA12 %q is not an interchange control version (00501 for 5010)", clip(v)))
		}
		h := fnv.New64a()
		for _, i := range []int{5, 6, 7, 8, 13} {
			h.Write(s.Element(i))
			h.Write([]byte{'/'})
		}
		key := h.Sum64()
		if e.isa13s == nil {
			e.isa13s = map[uint64]struct{}{}
		}
		if _, seen := e.isa13s[key]; seen {
			r.addError(SeverityError, CodeDuplicateISA13, 13, fmt.Sprintf("ISA13 %s is used before in the stream by the same sender and receiver", clip(s.Element(13))))
		} else if len(e.isa13s) < maxISA13s {
			e.isa13s[key] = struct{}{}
		}
	case "TA1":
		if !e.inISA || e.inGS {
			r.addError(SeverityError, CodeOutsideEnvelope, 0, "TA1 belongs between ISA and the first GS")
		}
		if s.Len() != 5 {
			break // checkLen says so
		}
		if c := s.Element(1); len(c) != 9 || !digits(c) {
			r.addError(SeverityError, CodeSyntax, 1, fmt.Sprintf("TA101 %q is not the 9-digit ISA13 it answers", clip(c)))
		}
		checkDate(r, s, 2, "TA102", "060102")
		checkDate(r, s, 3, "TA103", "1504")
		if c := string(s.Element(4)); c != "A" && c != "E" && c != "R" {
			r.addError(SeverityError, CodeSyntax, 4, fmt.Sprintf("TA104 %q is not A, E or R", clip(s.Element(4))))
		}
		if c := s.Element(5); len(c) != 3 || !digits(c) {
			r.addError(SeverityError, CodeSyntax, 5, fmt.Sprintf("TA105 %q is not a 3-digit note code", clip(c)))
		}
	case "GS":
		e.closeTx(missing, "the next GS")
		e.closeGroup(missing, "the next GS")
		if !e.inISA {
			r.addError(SeverityError, CodeOutsideEnvelope, 0, "GS outside an interchange (no ISA before it)")
		}
		e.inGS, e.txs = true, 0
		e.groups++
		e.gs06.set(s.Element(6))
		clear(e.st02s)
		if c := s.Element(6); len(c) == 0 || len(c) > 9 || !digits(c) {
			r.addError(SeverityError, CodeSyntax, 6, fmt.Sprintf("GS06 %q is not a group control number (1 to 9 digits)", clip(c)))
		} else if !once(&e.gs06s, e.gs06) {
			r.addError(SeverityError, CodeDuplicateControl, 6, fmt.Sprintf("GS06 %s is used by another group of the interchange", c))
		}
		checkDate(r, s, 4, "GS04", "20060102")
		checkDate(r, s, 5, "GS05", "1504")
	case "ST":
		e.closeTx(missing, "the next ST")
		if !e.inGS {
			r.addError(SeverityError, CodeOutsideEnvelope, 0, "ST outside a functional group (no GS before it)")
		}
		e.inST, e.segs = true, 1
		e.txs++
		e.st02.set(s.Element(2))
		if c := s.Element(2); len(c) < 4 || len(c) > 9 {
			r.addError(SeverityError, CodeSyntax, 2, fmt.Sprintf("ST02 %q is not a transaction set control number (4 to 9 characters)", clip(c)))
		} else if !once(&e.st02s, e.st02) {
			r.addError(SeverityError, CodeDuplicateControl, 2, fmt.Sprintf("ST02 %s is used by another transaction set of the group", c))
		}
	case "SE":
		if !e.inST {
			r.addError(SeverityError, CodeOutsideEnvelope, 0, "SE without an ST")
			e.segs = 0 // TransactionPosition: not in a transaction set
			return
		}
		e.segs++
		e.count(r, s, "SE01", e.segs, "the transaction set has %d segments")
		e.match(r, s, "SE02", e.st02.bytes(), "ST02")
		e.inST = false
		e.st02.n = 0
	case "GE":
		e.closeTx(missing, "GE")
		if !e.inGS {
			r.addError(SeverityError, CodeOutsideEnvelope, 0, "GE without a GS")
			return
		}
		e.count(r, s, "GE01", e.txs, "the group has %d transaction sets")
		e.match(r, s, "GE02", e.gs06.bytes(), "GS06")
		e.inGS = false
		e.gs06.n = 0
	case "IEA":
		e.closeTx(missing, "IEA")
		e.closeGroup(missing, "IEA")
		if !e.inISA {
			r.addError(SeverityError, CodeOutsideEnvelope, 0, "IEA without an ISA")
			return
		}
		e.count(r, s, "IEA01", e.groups, "the interchange has %d functional groups")
		e.match(r, s, "IEA02", e.isa13.bytes(), "ISA13")
		e.inISA = false
		e.isa13.n = 0
	}
}

// body accounts for a segment that is not an envelope segment.
func (e *envelope) body(r *Reader) {
	if e.inST {
		e.segs++
		return
	}
	r.addError(SeverityError, CodeOutsideEnvelope, 0, "segment outside a transaction set (no ST before it)")
}

// count checks a trailer's count element (element 1) against what was seen.
func (e *envelope) count(r *Reader, s *Segment, name string, seen int, what string) {
	v := s.Element(1)
	n, err := strconv.Atoi(string(v))
	if err != nil || !digits(v) {
		r.addError(SeverityError, CodeSyntax, 1, fmt.Sprintf("%s is not a number", name))
		return
	}
	if n != seen {
		code := map[string]string{"SE01": CodeSegmentCount, "GE01": CodeTransactionCnt, "IEA01": CodeGroupCount}[name]
		r.addError(SeverityError, code, 1, fmt.Sprintf("%s is %d but "+what, name, n, seen))
	}
}

// match checks a trailer's control number (element 2) against its header's.
// Equal as numbers but not as text ("02" and "2") is a warning.
func (e *envelope) match(r *Reader, s *Segment, name string, header []byte, headerName string) {
	v := s.Element(2)
	if string(v) == string(header) {
		return
	}
	a, errA := strconv.ParseUint(string(v), 10, 64)
	b, errB := strconv.ParseUint(string(header), 10, 64)
	if errA == nil && errB == nil && a == b {
		r.addError(SeverityWarning, CodeControlNumber, 2, fmt.Sprintf("%s %q and %s %q are equal as numbers but not as text", name, v, headerName, header))
		return
	}
	r.addError(SeverityError, CodeControlNumber, 2, fmt.Sprintf("%s %s does not match %s %s", name, v, headerName, header))
}

func (e *envelope) closeTx(missing func(code, msg string), before string) {
	if e.inST {
		missing(CodeMissingTrailer, fmt.Sprintf("transaction set %s has no SE before %s", e.st02.String(), before))
		e.inST = false
		e.st02.n = 0
	}
}

func (e *envelope) closeGroup(missing func(code, msg string), before string) {
	if e.inGS {
		missing(CodeMissingTrailer, fmt.Sprintf("functional group %s has no GE before %s", e.gs06.String(), before))
		e.inGS = false
		e.gs06.n = 0
	}
}

// closeAll reports and closes every open envelope.
func (e *envelope) closeAll(missing func(code, msg string), before string) {
	e.closeTx(missing, before)
	e.closeGroup(missing, before)
	if e.inISA {
		missing(CodeMissingTrailer, fmt.Sprintf("interchange %s has no IEA before %s", e.isa13.String(), before))
		e.inISA = false
		e.isa13.n = 0
	}
}

// checkDate checks a date or time element against a time layout. GS05 may
// carry seconds and decimal seconds after HHMM.
func checkDate(r *Reader, s *Segment, n int, name, layout string) {
	v := s.Element(n)
	if v == nil {
		return
	}
	if layout == "1504" && name == "GS05" && (len(v) == 6 || len(v) == 7 || len(v) == 8) && digits(v) {
		// HHMMSS, and decimal seconds after: the seconds must be 00-59.
		if string(v[4:6]) > "59" {
			e := &Error{}
			*e = *r.errorAt(r.seg.Offset, SeverityError, CodeSyntax, n, name+" is not a valid time HHMM[SS[dd]]")
			e.SegmentIndex, e.SegmentID, e.IK4 = r.seg.Index, r.seg.id, "9"
			r.add(e)
			return
		}
		v = v[:4]
	}
	if _, err := time.Parse(layout, string(v)); err != nil || len(v) != len(layout) {
		e := r.errorAt(r.seg.Offset, SeverityError, CodeSyntax, n, fmt.Sprintf("%s is not a valid %s", name, map[string]string{"060102": "date YYMMDD", "1504": "time HHMM", "20060102": "date CCYYMMDD"}[layout]))
		e.SegmentIndex, e.SegmentID = r.seg.Index, r.seg.id
		e.IK4 = map[bool]string{true: "9", false: "8"}[layout == "1504"] // invalid time, invalid date
		r.add(e)
	}
}

// clip is a value for a message: at most 16 bytes of it.
func clip(v []byte) string {
	if len(v) > 16 {
		return string(v[:16]) + "..."
	}
	return string(v)
}

func digits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
