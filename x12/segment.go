package x12

import "bytes"

// Segment is one segment: its ID and its elements, without the terminator.
//
// A Segment returned by Reader.Read is a view into the Reader's buffer: it and
// every byte slice taken from it are valid only until the next call to Read.
// Call Clone to keep one.
//
// Elements are numbered as the implementation guides number them: Element(1)
// is CLM01, Component(5, 3) is CLM05-3. Element(0) is the segment ID.
type Segment struct {
	Offset int64 // byte offset of the segment's first byte in the stream
	Index  int   // 1-based ordinal of the segment in the stream

	id     string
	data   []byte
	starts []int32 // start of each element in data; starts[0] = 0 is the ID
	delims Delimiters
}

// ID returns the segment ID, such as "CLP". It does not allocate.
func (s *Segment) ID() string { return s.id }

// Len returns the number of elements after the ID, trailing empty ones
// included when the segment was sent with them.
func (s *Segment) Len() int { return len(s.starts) - 1 }

// Element returns element n (1-based) with its components and repetitions, or
// nil when the segment has fewer elements.
func (s *Segment) Element(n int) []byte {
	if n < 0 || n >= len(s.starts) {
		return nil
	}
	end := len(s.data)
	if n+1 < len(s.starts) {
		end = int(s.starts[n+1]) - 1
	}
	return s.data[s.starts[n]:end:end]
}

// Str returns element n as a new string ("" when absent).
func (s *Segment) Str(n int) string { return string(s.Element(n)) }

// Component returns component c (1-based) of the first repetition of element n,
// or nil when absent. Component(n, 1) of a simple element is the element.
func (s *Segment) Component(n, c int) []byte {
	e := s.Element(n)
	if s.delims.Repetition != 0 {
		if i := bytes.IndexByte(e, s.delims.Repetition); i >= 0 {
			e = e[:i]
		}
	}
	return nth(e, s.delims.Component, c)
}

// Repetition returns repetition r (1-based) of element n, or nil when absent.
func (s *Segment) Repetition(n, r int) []byte {
	e := s.Element(n)
	if s.delims.Repetition == 0 {
		if r == 1 {
			return e
		}
		return nil
	}
	return nth(e, s.delims.Repetition, r)
}

// Delimiters returns the delimiters of the interchange the segment came from.
func (s *Segment) Delimiters() Delimiters { return s.delims }

// Bytes returns the segment as sent, without its terminator.
func (s *Segment) Bytes() []byte { return s.data }

// Clone returns a copy of s that owns its memory.
func (s *Segment) Clone() *Segment {
	c := *s
	c.data = bytes.Clone(s.data)
	c.starts = append([]int32(nil), s.starts...)
	return &c
}

func nth(e []byte, sep byte, n int) []byte {
	if n < 1 {
		return nil
	}
	for ; n > 1; n-- {
		i := bytes.IndexByte(e, sep)
		if i < 0 {
			return nil
		}
		e = e[i+1:]
	}
	if i := bytes.IndexByte(e, sep); i >= 0 {
		e = e[:i]
	}
	return e
}
