package transfer

import (
	"errors"
	"strings"
	"testing"
)

func TestSafeName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"claims_20261123.837", true},
		{"999 ack (1).x12", true},
		{"a..b", true},
		{"résumé.835", true},
		{strings.Repeat("a", 255), true},
		{"", false},
		{".", false},
		{"..", false},
		{"../../etc/passwd", false},
		{"/etc/passwd", false},
		{"outbound/x.835", false},
		{`..\..\windows\win.ini`, false},
		{`C:\x.835`, false},
		{"x\x00.835", false},
		{"x\n.835", false},
		{"x\r", false},
		{"\x1b[2Jx", false},
		{"x\x7f", false},
		{"x\u0085", false},
		{"\xff\xfe", false},
		{strings.Repeat("a", 256), false},
	} {
		err := SafeName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("SafeName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrUnsafeName) {
			t.Errorf("SafeName(%q) = %v, not ErrUnsafeName", tc.name, err)
		}
	}
}

func TestInProgress(t *testing.T) {
	for name, want := range map[string]bool{
		"a.999":             false,
		tempName("a.837"):   true,
		".hidden":           true,
		"a.999.part":        true,
		"a.999.tmp":         true,
		"a.999.filepart":    true,
		"a.partial_not.999": false,
	} {
		if got := inProgress(name); got != want {
			t.Errorf("inProgress(%q) = %v, want %v", name, got, want)
		}
	}
}
