package x12

import (
	"fmt"
	"io"
)

// Writer writes segments with one set of delimiters. It is buffered: call
// Flush at the end. Errors are sticky: after the first, every call does
// nothing and Error (and Flush) return it.
//
// Build a segment with Begin, then Element for each element (Component and
// Repeat add to the current element), then End. Empty trailing elements,
// components and repetitions are left out, as X12 requires. Data that
// contains one of the delimiters is refused, never stripped.
//
//	w.Begin("SV1")
//	w.Element("HC")
//	w.Component("99214")
//	w.Component("25")
//	w.Element("185.00")
//	w.End() // SV1*HC:99214:25*185.00~
//
// The envelope methods (BeginInterchange, BeginGroup, BeginTransaction and
// their End counterparts) write ISA/GS/ST and fill in SE, GE and IEA counts and
// control numbers.
type Writer struct {
	out    io.Writer
	buf    []byte // written on End once past flushAt, and on Flush
	d      Delimiters
	delim  [256]bool
	err    error
	inSeg  bool
	id     string
	elem   int    // elements started in the open segment
	pend   []byte // separators owed before the next non-empty value
	count  int    // segments written
	env    writerEnvelope
	suffix string
}

// NewWriter returns a Writer that writes to w with delimiters d. An invalid
// delimiter set is the Writer's first error.
func NewWriter(w io.Writer, d Delimiters) *Writer {
	// The buffer grows to flushAt as needed: a writer of one claim (the
	// scrubber's trial write) does not pay for 68 KB.
	wr := &Writer{out: w, buf: make([]byte, 0, 4096), d: d, suffix: d.Suffix}
	if err := d.Validate(); err != nil {
		wr.err = err
	}
	for _, c := range []byte{d.Element, d.Component, d.Repetition, d.Segment} {
		if c != 0 {
			wr.delim[c] = true
		}
	}
	return wr
}

// Begin starts a segment.
func (w *Writer) Begin(id string) {
	if w.err != nil {
		return
	}
	if w.inSeg {
		w.fail(fmt.Errorf("x12: segment %s begun before %s ended", id, w.id))
		return
	}
	if len(id) < 2 || len(id) > 3 || !alnumString(id) {
		w.fail(fmt.Errorf("x12: segment ID %q is not 2 or 3 letters and digits", id))
		return
	}
	w.inSeg, w.id, w.elem, w.pend = true, id, 0, w.pend[:0]
	w.buf = append(w.buf, id...)
}

// Element starts the next element with v as its value (or first component).
func (w *Writer) Element(v string) {
	if !w.open() {
		return
	}
	w.elem++
	// Empty components or repetitions at the end of the previous element
	// are dropped.
	for len(w.pend) > 0 && w.pend[len(w.pend)-1] != w.d.Element {
		w.pend = w.pend[:len(w.pend)-1]
	}
	w.pend = append(w.pend, w.d.Element)
	w.value(v)
}

// Component adds the next component to the current element.
func (w *Writer) Component(v string) {
	if w.open() && w.need("component") {
		w.pend = append(w.pend, w.d.Component)
		w.value(v)
	}
}

// Repeat starts the next repetition of the current element with v as its
// value (or first component).
func (w *Writer) Repeat(v string) {
	if !w.open() || !w.need("repetition") {
		return
	}
	if w.d.Repetition == 0 {
		w.fail(fmt.Errorf("x12: %s%02d: the delimiters have no repetition separator", w.id, w.elem))
		return
	}
	for len(w.pend) > 0 && w.pend[len(w.pend)-1] == w.d.Component {
		w.pend = w.pend[:len(w.pend)-1]
	}
	w.pend = append(w.pend, w.d.Repetition)
	w.value(v)
}

// End ends the segment: the terminator and the line break, if any.
func (w *Writer) End() {
	if !w.open() {
		return
	}
	w.inSeg = false
	w.buf = append(w.buf, w.d.Segment)
	if w.suffix != "" {
		w.buf = append(w.buf, w.suffix...)
	}
	w.count++
	w.env.segs++
	if len(w.buf) >= flushAt {
		w.flush()
	}
}

// Segment writes a whole segment of simple elements.
func (w *Writer) Segment(id string, elems ...string) {
	w.Begin(id)
	for _, e := range elems {
		w.Element(e)
	}
	w.End()
}

// WriteSegment writes a segment read with any delimiters as it was read,
// empty trailing elements included, translating its component and
// repetition separators into the writer's. Data that holds one of the
// writer's delimiters is refused.
func (w *Writer) WriteSegment(s *Segment) {
	if s.ID() == "ISA" {
		w.writeISA(s)
		return
	}
	w.Begin(s.ID())
	sd := s.Delimiters()
	for n := 1; n <= s.Len() && w.err == nil; n++ {
		w.elem = n
		w.buf = append(w.buf, w.d.Element)
		e := s.Element(n)
		start := 0
		for i, c := range e {
			var out byte
			switch {
			case c == sd.Component:
				out = w.d.Component
			case c == sd.Repetition && c != 0:
				if out = w.d.Repetition; out == 0 {
					w.fail(fmt.Errorf("x12: %s%02d: the writer's delimiters have no repetition separator", w.id, n))
					return
				}
			case w.delim[c]:
				w.fail(fmt.Errorf("x12: %s%02d: data holds the delimiter %q", w.id, n, c))
				return
			default:
				continue
			}
			w.buf = append(w.buf, e[start:i]...)
			w.buf = append(w.buf, out)
			start = i + 1
		}
		w.buf = append(w.buf, e[start:]...)
	}
	w.End()
}

// writeISA writes a read ISA as it came, but for ISA11 and ISA16, which
// take the writer's repetition and component separators.
func (w *Writer) writeISA(s *Segment) {
	if w.err != nil {
		return
	}
	if w.inSeg {
		w.fail(fmt.Errorf("x12: ISA begun before %s ended", w.id))
		return
	}
	if s.Len() != 16 {
		w.fail(fmt.Errorf("x12: ISA has %d elements, want 16", s.Len()))
		return
	}
	w.id = "ISA"
	w.buf = append(w.buf, "ISA"...)
	for n := 1; n <= 16; n++ {
		e := s.Element(n)
		w.buf = append(w.buf, w.d.Element)
		switch {
		case n == 11 && s.Delimiters().Repetition != 0:
			if w.d.Repetition == 0 {
				w.fail(fmt.Errorf("x12: ISA11: the interchange uses a repetition separator and the writer's delimiters have none"))
				return
			}
			w.buf = append(w.buf, w.d.Repetition)
		case n == 16:
			w.buf = append(w.buf, w.d.Component)
		default:
			w.elem = n
			if !clean(w, e) {
				return
			}
			w.buf = append(w.buf, e...)
		}
	}
	w.inSeg = true
	w.End()
}

// Count returns the number of segments written.
func (w *Writer) Count() int { return w.count }

// Flush writes any buffered data. It returns the Writer's error, if any.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if w.inSeg {
		w.fail(fmt.Errorf("x12: flush inside segment %s", w.id))
		return w.err
	}
	w.flush()
	return w.err
}

const flushAt = 64 << 10

func (w *Writer) flush() {
	if len(w.buf) == 0 || w.err != nil {
		return
	}
	if _, err := w.out.Write(w.buf); err != nil {
		w.fail(err)
	}
	w.buf = w.buf[:0]
}

// Error returns the first error the Writer met, or nil.
func (w *Writer) Error() error { return w.err }

func (w *Writer) open() bool {
	if w.err != nil {
		return false
	}
	if !w.inSeg {
		w.fail(fmt.Errorf("x12: element written outside a segment"))
		return false
	}
	return true
}

func (w *Writer) need(what string) bool {
	if w.elem == 0 {
		w.fail(fmt.Errorf("x12: %s: %s before the first element", w.id, what))
		return false
	}
	return true
}

// value writes v after the owed separators, or owes them when v is empty.
func (w *Writer) value(v string) {
	if v != "" && clean(w, v) {
		w.buf = append(w.buf, w.pend...)
		w.pend = w.pend[:0]
		w.buf = append(w.buf, v...)
	}
}

// clean reports whether v is free of delimiters, failing the Writer if not.
func clean[T string | []byte](w *Writer, v T) bool {
	for i := 0; i < len(v); i++ {
		if w.delim[v[i]] {
			w.fail(fmt.Errorf("x12: %s%02d: data holds the delimiter %q", w.id, w.elem, v[i]))
			return false
		}
	}
	return true
}

func (w *Writer) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func alnumString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}
