package remit

import "unsafe"

// A large 835 holds hundreds of thousands of small values. Allocating them
// one by one costs more than reading the segments, so the decoder takes them
// from chunks: structs from a pool, the elements of a list from a slab, and
// the strings it keeps from an arena. A chunk lives as long as anything in
// it is referenced, which is as long as the Remittance.

// Chunks grow geometrically, from firstChunkBytes to maxChunkBytes: a small
// set takes little memory, and a large one few chunks, each of which costs a
// span from the heap.
const (
	firstChunkBytes = 2 << 10
	maxChunkBytes   = 32<<10 - 64
)

// chunkLen returns how many values of T make the next chunk after one of
// prev values.
func chunkLen[T any](prev int) int {
	var v T
	size := max(1, int(unsafe.Sizeof(v)))
	if prev == 0 {
		return max(8, firstChunkBytes/size)
	}
	return max(prev, min(2*prev, maxChunkBytes/size))
}

// pool hands out pointers to zeroed values of T, allocated a chunk at a
// time.
type pool[T any] struct {
	chunk []T
	used  int // values of chunk handed out
}

func (p *pool[T]) new() *T {
	if p.used == len(p.chunk) {
		p.chunk = make([]T, chunkLen[T](len(p.chunk)))
		p.used = 0
	}
	v := &p.chunk[p.used]
	p.used++
	return v
}

// reuse zeroes the values handed out from the current chunk and hands them
// out again: for a decoder that keeps nothing it has decoded.
func (p *pool[T]) reuse() {
	clear(p.chunk[:p.used])
	p.used = 0
}

// release leaves the values handed out to whoever holds them: the next
// ones come from a new chunk.
func (p *pool[T]) release() { p.chunk, p.used = nil, 0 }

// slab builds lists of T, one list open at a time, in shared chunks. Each
// list it returns has its length as its capacity, so appending to it copies
// rather than writes into the next list.
type slab[T any] struct {
	buf   []T
	start int // where the open list starts in buf
}

// begin opens a new list.
func (s *slab[T]) begin() { s.start = len(s.buf) }

// add appends v to the open list and returns the list.
func (s *slab[T]) add(v T) []T {
	p, list := s.next()
	*p = v
	return list
}

// next appends a zero value to the open list and returns it, to be filled
// in place, and the list.
func (s *slab[T]) next() (*T, []T) {
	if len(s.buf) == cap(s.buf) {
		open := s.buf[s.start:]
		nb := make([]T, len(open), max(chunkLen[T](cap(s.buf)), 2*len(open)))
		copy(nb, open)
		s.buf, s.start = nb, 0
	}
	// Past its length a chunk is still zero: nothing is ever removed.
	n := len(s.buf)
	s.buf = s.buf[:n+1]
	return &s.buf[n], s.buf[s.start : n+1 : n+1]
}

// reuse zeroes the lists in the current chunk and builds the next ones
// there again, as pool.reuse.
func (s *slab[T]) reuse() {
	clear(s.buf)
	s.buf, s.start = s.buf[:0], 0
}

// release leaves the lists built to whoever holds them, as pool.release.
func (s *slab[T]) release() { s.buf, s.start = nil, 0 }

// arena copies the bytes of strings the model keeps into shared chunks.
// The bytes are never written again once a string refers to them.
type arena struct{ buf []byte }

const arenaSize = 16 << 10

func (a *arena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaSize/8 {
		return string(b)
	}
	if len(a.buf)+len(b) > cap(a.buf) {
		a.buf = make([]byte, 0, arenaSize)
	}
	n := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[n], len(b))
}
