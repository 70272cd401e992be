package x12

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

const (
	// DefaultMaxSegmentSize bounds one segment, and so the Reader's memory.
	DefaultMaxSegmentSize = 1 << 20
	// DefaultMaxErrors bounds the errors a Reader keeps; it counts the rest.
	DefaultMaxErrors = 10000

	bufSize   = 256 << 10
	maxISALen = 512 // an ISA with over-long fields still fits; 106 bytes is the norm
)

// Reader reads segments from a stream of X12 interchanges. It takes the
// delimiters from each ISA, checks the envelopes (ISA/IEA, GS/GE, ST/SE,
// TA1) as it goes, and keeps every problem it finds with its position, so one
// pass reports all of them. Memory stays bounded by the largest segment,
// whatever the size of the stream.
//
// Set the exported fields before the first Read.
type Reader struct {
	MaxSegmentSize int // 0 means DefaultMaxSegmentSize
	MaxErrors      int // 0 means DefaultMaxErrors

	src      io.Reader
	buf      []byte
	pos, end int   // unread bytes are buf[pos:end]
	base     int64 // stream offset of buf[0]
	eof      bool
	rerr     error
	fatal    error
	started  bool

	framed bool // an ISA has set delims
	delims Delimiters
	seg    Segment
	index  int
	env    envelope
	ids    idTable

	errs    []*Error
	dropped int
}

// NewReader returns a Reader reading from r. It buffers r itself.
func NewReader(r io.Reader) *Reader {
	return &Reader{src: r}
}

// Read returns the next segment, or io.EOF after the last one. Envelope and
// syntax problems do not stop it: they are kept in Errors. A non-nil error
// other than io.EOF is either an *Error the stream cannot be read past (no
// ISA, an ISA that cannot be framed, a segment over MaxSegmentSize) or the
// underlying reader's error.
//
// The segment is valid until the next call to Read (see Segment).
func (r *Reader) Read() (*Segment, error) {
	if r.fatal != nil {
		return nil, r.fatal
	}
	if !r.started {
		r.start()
	}
	for {
		for r.pos < r.end && isSpace(r.buf[r.pos]) {
			r.pos++
		}
		if r.pos < r.end {
			break
		}
		if !r.fill() {
			return nil, r.finish()
		}
	}

	var widths string
	if r.end-r.pos < 4 {
		r.ensure(4)
	}
	if b := r.buf[r.pos:r.end]; len(b) >= 4 && b[0] == 'I' && b[1] == 'S' && b[2] == 'A' && !isAlnum(b[3]) {
		var err *Error
		widths, err = r.frameISA()
		if err != nil {
			r.fatal = err
			return nil, err
		}
	} else if !r.framed {
		r.fatal = r.errorAt(r.base+int64(r.pos), SeverityError, CodeNotX12, 0,
			fmt.Sprintf("expected an ISA segment at offset %d", r.base+int64(r.pos)))
		return nil, r.fatal
	}

	// Find the terminator, reading more as needed.
	term := r.delims.Segment
	searched, t, unterminated := 0, 0, false
	for {
		if j := bytes.IndexByte(r.buf[r.pos+searched:r.end], term); j >= 0 && searched+j <= r.maxSegment() {
			t = r.pos + searched + j
			break
		}
		searched = r.end - r.pos
		if searched > r.maxSegment() {
			r.fatal = r.errorAt(r.base+int64(r.pos), SeverityError, CodeSegmentTooLong, 0,
				fmt.Sprintf("no segment terminator %q within %d bytes", term, r.maxSegment()))
			return nil, r.fatal
		}
		if !r.fill() {
			t, unterminated = r.end, true
			break
		}
	}
	data := r.buf[r.pos:t]
	offset := r.base + int64(r.pos)
	if unterminated {
		data = bytes.TrimRight(data, "\r\n")
		r.pos = t
	} else {
		r.pos = t + 1
	}

	s := &r.seg
	r.index++
	s.Offset, s.Index, s.data = offset, r.index, data
	// A plain loop beats bytes.IndexByte here: elements are a few bytes long.
	starts := append(s.starts[:0], 0)
	es := r.delims.Element
	for i, c := range data {
		if c == es {
			starts = append(starts, int32(i+1))
		}
	}
	s.starts = starts
	idEnd := len(data)
	if len(s.starts) > 1 {
		idEnd = int(s.starts[1]) - 1
	}
	s.id = r.ids.get(data[:idEnd])
	if s.id == "" {
		r.addError(SeverityError, CodeSyntax, 0, fmt.Sprintf("segment ID is not 2 or 3 capital letters and digits (%d bytes)", idEnd))
	}
	if n := len(s.starts); n > 1 && int(s.starts[n-1]) == len(data) && s.id != "ISA" {
		r.addError(SeverityError, CodeTrailing, n-1, fmt.Sprintf("%s ends with an element separator: 5010 omits trailing empty elements", s.id))
	}
	if unterminated {
		r.addError(SeverityError, CodeUnterminated, 0, fmt.Sprintf("the stream ends without the segment terminator %q (truncated file?)", term))
	}
	if widths != "" {
		r.addError(SeverityWarning, CodeISAWidth, 0, "ISA fields are not at their fixed widths: "+widths)
	}
	r.env.track(r, s)
	return s, nil
}

// Delimiters returns the delimiters of the current interchange.
func (r *Reader) Delimiters() Delimiters { return r.delims }

// Errors returns the problems found so far, in stream order.
func (r *Reader) Errors() []*Error { return r.errs }

// TransactionPosition returns the position of the last segment read within
// its transaction set (ST is 1), as a 999 IK302 counts, or 0 outside one.
func (r *Reader) TransactionPosition() int {
	if !r.env.inST && r.seg.id != "SE" {
		return 0
	}
	return r.env.segs
}

// Control returns the control numbers of the envelopes around the last
// segment read: ISA13, GS06 and ST02, "" where none is open.
func (r *Reader) Control() (interchange, group, transaction string) {
	return r.env.isa13.String(), r.env.gs06.String(), r.env.st02.String()
}

func (r *Reader) maxSegment() int {
	if r.MaxSegmentSize > 0 {
		return r.MaxSegmentSize
	}
	return DefaultMaxSegmentSize
}

func (r *Reader) start() {
	r.started = true
	size := bufSize
	// A source that knows its length (a payer's file read into memory)
	// gets a buffer its size, not 256 KB: the gateway reads thousands of
	// small files.
	if l, ok := r.src.(interface{ Len() int }); ok && l.Len() < bufSize {
		size = max(l.Len()+1, 4096)
	}
	r.buf = make([]byte, size)
	if r.ensure(3) && bytes.HasPrefix(r.buf[r.pos:r.end], []byte("\xEF\xBB\xBF")) {
		r.pos += 3
	}
}

// fill reads more bytes into the buffer, moving or growing it as needed. It
// reports false when no more bytes come.
func (r *Reader) fill() bool {
	if r.eof {
		return false
	}
	if r.pos == r.end || r.end == len(r.buf) && r.pos > 0 {
		copy(r.buf, r.buf[r.pos:r.end])
		r.base += int64(r.pos)
		r.end -= r.pos
		r.pos = 0
	}
	if r.end == len(r.buf) {
		nb := make([]byte, 2*len(r.buf))
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	for range 100 {
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		if err != nil {
			r.eof = true
			if err != io.EOF {
				r.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.eof, r.rerr = true, io.ErrNoProgress
	return false
}

// ensure reads until n unread bytes are buffered or the stream ends.
func (r *Reader) ensure(n int) bool {
	for r.end-r.pos < n {
		if !r.fill() {
			return false
		}
	}
	return true
}

// isaWidths are the fixed widths of ISA01 through ISA16.
var isaWidths = [17]int{0, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1}

// frameISA takes the delimiters from the ISA at r.pos. It finds the element
// separators one by one rather than trusting fixed offsets, so an ISA whose
// fields are not padded to width still frames; it returns what is off width.
func (r *Reader) frameISA() (widths string, _ *Error) {
	r.ensure(maxISALen)
	b := r.buf[r.pos:r.end]
	if len(b) > maxISALen {
		b = b[:maxISALen]
	}
	offset := r.base + int64(r.pos)
	es := b[3]
	var starts [17]int // starts[k] is where ISA element k begins
	starts[1] = 4
	for k := 2; k <= 16; k++ {
		j := bytes.IndexByte(b[starts[k-1]:], es)
		if j < 0 {
			return "", r.errorAt(offset, SeverityError, CodeISA, k-1,
				fmt.Sprintf("ISA has %d elements within %d bytes, want 16 (truncated file or not X12?)", k-1, len(b)))
		}
		starts[k] = starts[k-1] + j + 1
	}
	if starts[16]+2 > len(b) {
		return "", r.errorAt(offset, SeverityError, CodeISA, 16, "the stream ends inside the ISA segment")
	}
	elem := func(k int) []byte { return b[starts[k] : starts[k+1]-1] }
	d := Delimiters{Element: es, Component: b[starts[16]], Segment: b[starts[16]+1]}
	if version, rep := elem(12), elem(11); string(version) >= "00402" && len(rep) == 1 && !isAlnum(rep[0]) && !isSpace(rep[0]) {
		d.Repetition = rep[0]
	}
	if n := starts[16] + 2; n < len(b) && d.Segment != '\n' && d.Segment != '\r' {
		switch {
		case b[n] == '\r' && n+1 < len(b) && b[n+1] == '\n':
			d.Suffix = "\r\n"
		case b[n] == '\n':
			d.Suffix = "\n"
		case b[n] == '\r':
			d.Suffix = "\r"
		}
	}
	if err := d.Validate(); err != nil {
		return "", r.errorAt(offset, SeverityError, CodeISA, 16, "ISA delimiters cannot frame the interchange: "+err.Error()[len("x12: "):])
	}
	for k := 1; k < 16; k++ {
		if w := starts[k+1] - 1 - starts[k]; w != isaWidths[k] {
			widths += fmt.Sprintf("%sISA%02d has %d characters, want %d", sep(widths), k, w, isaWidths[k])
		}
	}
	r.framed, r.delims, r.seg.delims = true, d, d
	return widths, nil
}

func sep(s string) string {
	if s == "" {
		return ""
	}
	return "; "
}

// finish runs at the end of the stream: open envelopes are missing their
// trailers.
func (r *Reader) finish() error {
	if r.fatal != nil {
		return r.fatal
	}
	end := r.base + int64(r.end)
	if r.index == 0 && r.rerr == nil {
		r.fatal = r.errorAt(end, SeverityError, CodeNotX12, 0, "the stream holds no segments")
		return r.fatal
	}
	r.env.closeAll(func(code, msg string) {
		r.add(r.errorAt(end, SeverityError, code, 0, msg))
	}, "the end of the stream")
	if r.dropped > 0 {
		r.errs = append(r.errs, r.errorAt(end, SeverityError, CodeTooManyErrors, 0,
			fmt.Sprintf("%d more errors were found and not kept", r.dropped)))
		r.dropped = 0
	}
	if r.rerr != nil {
		r.fatal = r.rerr
	} else {
		r.fatal = io.EOF
	}
	return r.fatal
}

// errorAt makes an error at a stream offset outside the current segment.
func (r *Reader) errorAt(offset int64, sev Severity, code string, elem int, msg string) *Error {
	e := &Error{
		Offset: offset, SegmentIndex: r.index, Element: elem,
		Interchange: r.env.isa13.String(), Group: r.env.gs06.String(), Transaction: r.env.st02.String(),
		Code: code, Message: msg, Severity: sev, Level: LevelSyntax,
	}
	e.IK3, e.IK4 = readerIK(code, elem)
	return e
}

// readerIK are the 999 codes of a reader's error: IK304 and IK403.
func readerIK(code string, elem int) (ik3, ik4 string) {
	switch code {
	case CodeNotX12, CodeISA:
		return "", "" // no interchange to answer with a 999: a TA1 answers
	case CodeOutsideEnvelope:
		return "2", "" // unexpected segment
	case CodeMissingTrailer:
		return "3", "" // required segment missing
	case CodeSyntax:
		if elem > 0 {
			return "8", "7" // segment has data element errors: an invalid value
		}
		return "1", "" // unrecognized segment ID
	case CodeElementCount:
		return "8", "3" // too many (or too few) data elements
	case CodeTrailing:
		return "8", "3"
	}
	return "8", ""
}

// addError records a problem with the current segment.
func (r *Reader) addError(sev Severity, code string, elem int, msg string) {
	e := r.errorAt(r.seg.Offset, sev, code, elem, msg)
	e.SegmentIndex, e.SegmentID = r.seg.Index, r.seg.id
	r.add(e)
}

func (r *Reader) add(e *Error) {
	max := r.MaxErrors
	if max <= 0 {
		max = DefaultMaxErrors
	}
	if len(r.errs) >= max {
		r.dropped++
		return
	}
	r.errs = append(r.errs, e)
}

// IsFatal reports whether err from Read means the stream cannot be read
// further for its content (as opposed to io.EOF or an I/O error).
func IsFatal(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// idTable interns segment IDs so that Segment.ID does not allocate.
type idTable struct {
	keys [256]uint32
	ids  [256]string
	n    int
}

// get returns the interned ID, or "" when b is not 2 or 3 capital letters
// and digits.
func (t *idTable) get(b []byte) string {
	var k uint32
	switch len(b) {
	case 3:
		if !idChar[b[0]] || !idChar[b[1]] || !idChar[b[2]] {
			return ""
		}
		k = uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])
	case 2:
		if !idChar[b[0]] || !idChar[b[1]] {
			return ""
		}
		k = uint32(b[0])<<8 | uint32(b[1])
	default:
		return ""
	}
	h := (k * 2654435761) >> 24
	if t.keys[h] == k {
		return t.ids[h]
	}
	return t.insert(b, k, h)
}

func (t *idTable) insert(b []byte, k, h uint32) string {
	for range len(t.keys) {
		switch t.keys[h] {
		case k:
			return t.ids[h]
		case 0:
			if t.n >= len(t.keys)*3/4 {
				return string(b)
			}
			t.keys[h], t.ids[h] = k, string(b)
			t.n++
			return t.ids[h]
		}
		h = (h + 1) & 255
	}
	return string(b)
}

// idChar tells the bytes a segment ID is made of.
var idChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	return t
}()
