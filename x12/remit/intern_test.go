package remit

import (
	"testing"
	"unsafe"
)

func TestInterner(t *testing.T) {
	in := newInterner()
	for _, v := range []string{"A", "1", "CO", "~~", "  ", "\x01", "A\x7f", "é", "N130", "2026-11-02", "PROVIDER SERVICES", "A", "CO", "N130"} {
		if got := in.get([]byte(v)); got != v {
			t.Errorf("get(%q) = %q", v, got)
		}
	}
	for i := range 200 { // past the first size of the table
		v := string(rune('a'+i%26)) + string(rune('a'+i/26)) + "x"
		if got := in.get([]byte(v)); got != v {
			t.Errorf("get(%q) = %q", v, got)
		}
	}
	// Values that repeat share one copy.
	for _, v := range []string{"CO", "99213", "PROVIDER SERVICES"} {
		if a, b := in.get([]byte(v)), in.get([]byte(v)); unsafe.StringData(a) != unsafe.StringData(b) {
			t.Errorf("get(%q) made two copies", v)
		}
	}
}
