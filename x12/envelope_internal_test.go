package x12

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// The ISA13s a stream is checked against are bounded: a stream of more
// interchanges than maxISA13s keeps maxISA13s hashes, and an ISA13 used
// again among them is still found. Before, every interchange kept a
// string key, however many there were.
func TestISA13sBounded(t *testing.T) {
	var b bytes.Buffer
	isa := func(n int) {
		fmt.Fprintf(&b, "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261201*1200*^*00501*%09d*0*T*:~IEA*0*%09d~\n", n, n)
	}
	for i := 1; i <= maxISA13s+10; i++ {
		isa(i)
	}
	isa(7) // used again
	r := NewReader(&b)
	for {
		if _, err := r.Read(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(r.env.isa13s); n != maxISA13s {
		t.Errorf("%d ISA13s kept, want %d", n, maxISA13s)
	}
	dups := 0
	for _, e := range r.Errors() {
		if e.Code == CodeDuplicateISA13 {
			dups++
		} else {
			t.Errorf("unexpected %v", e)
		}
	}
	if dups != 1 {
		t.Errorf("%d ISA13s used again found, want 1", dups)
	}
}
