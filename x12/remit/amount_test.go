package remit

import (
	"testing"

	"github.com/claimsgw/claimsgw/x12/money"
)

// TestPlainCents checks the fast path of amounts against money.ParseBytes:
// whatever it accepts, it must read as money.ParseBytes does.
func TestPlainCents(t *testing.T) {
	for _, s := range []string{
		"", "0", "1", "132", "80.05", "80.5", "80.", ".5", ".05", "-5", "+5", "1.234", "1.2.3", "1a", "a1",
		"999999999999999", "9999999999999.99", "1234567890123456", "00012.30", "5.x", "5.0x", " 5", "5 ",
	} {
		got, ok := plainCents([]byte(s))
		want, err := money.ParseBytes([]byte(s))
		if ok && (err != nil || got != want) {
			t.Errorf("plainCents(%q) = %v, money.ParseBytes = %v, %v", s, got, want, err)
		}
	}
}

func FuzzPlainCents(f *testing.F) {
	f.Add("80.05")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := plainCents([]byte(s))
		want, err := money.ParseBytes([]byte(s))
		if ok && (err != nil || got != want) {
			t.Errorf("plainCents(%q) = %v, money.ParseBytes = %v, %v", s, got, want, err)
		}
	})
}
