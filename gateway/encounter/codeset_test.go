package encounter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustCodeSet(t *testing.T, text string) *CodeSet {
	t.Helper()
	s, err := readCodeSet(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoadCodeSet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "icd10cm_codes.txt")
	text := "# a comment\nA000    Cholera due to Vibrio cholerae 01, biovar cholerae\n\nJ10.1\nr509 Fever, unspecified\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadCodeSet(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 {
		t.Errorf("Len = %d, want 3", s.Len())
	}
	for code, ok := range map[string]bool{"A000": true, "J101": true, "J10.1": true, "R509": true, "R50": false} {
		if s.Has(code) != ok {
			t.Errorf("Has(%q) = %v, want %v", code, !ok, ok)
		}
	}
	if !s.Covers("Z000") || s.Covers("99214") {
		t.Error("a set of letter codes covers letter codes only")
	}
	var none *CodeSet
	if none.Covers("J101") {
		t.Error("a nil set covers nothing")
	}
}

func TestLoadCodeSetErrors(t *testing.T) {
	if _, err := LoadCodeSet(filepath.Join(t.TempDir(), "missing.txt")); err == nil {
		t.Error("want an error for a missing file")
	}
	for _, text := range []string{"", "# only a comment\n", "A00210001003OUTSIDE STATE AMBULANCE\n"} {
		if _, err := readCodeSet(strings.NewReader(text)); err == nil {
			t.Errorf("%q: want an error", text)
		}
	}
	_, err := readCodeSet(strings.NewReader("A000\nA00-B99 INFECTIOUS\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("want an error naming line 2, got %v", err)
	}
}
