package codeset_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/claimsgw/claimsgw/codeset"
)

// The lists hold made-up numbers: CPT and CDT codes are the AMA's and the
// ADA's.
const cptList = "# licensed CPT codes, exported 2025-01-02\n" +
	"\n" +
	"10001 A made-up description\r\n" +
	"  10002\tanother\n" +
	"0001T\n" +
	"1234F,a performance measure\n" +
	"25 significant, separately identifiable\n" +
	"59\n"

func TestCPTList(t *testing.T) {
	s := parse(t, "cpt-2025.txt", "", []byte(cptList))
	sum := sha256.Sum256([]byte(cptList))
	if s.Kind != codeset.KindCPT || s.Name != "CPT (operator list)" || s.Version != hex.EncodeToString(sum[:])[:12] || s.From != 0 || s.To != 0 || s.Codes != 6 {
		t.Errorf("%s %q %s %s..%s %d", s.Kind, s.Name, s.Version, s.From, s.To, s.Codes)
	}
	b := codeset.NewBundle([]*codeset.Set{s})
	for code, found := range map[string]bool{"10001": true, "10002": true, "0001T": true, "1234F": true, "10003": false, "1234": false} {
		if p := b.Procedure(code, 20250101); p.Set != s || p.Found != found || p.Newest || p.Added != 0 {
			t.Errorf("Procedure(%s) = %+v, want found %v", code, p, found)
		}
	}
	for mod, found := range map[string]bool{"25": true, "59": true, "91": false, "2": false} {
		if set, ok := b.Modifier(mod, 20250101); set != s || ok != found {
			t.Errorf("Modifier(%s) = %v, %v", mod, set != nil, ok)
		}
	}
	// Letter-first modifiers are HCPCS's: no HCPCS set here.
	if set, ok := b.Modifier("LT", 20250101); set != nil || ok {
		t.Errorf("Modifier(LT) = %v, %v", set, ok)
	}
	if p := b.Procedure("D0120", 20250101); p.Set != nil {
		t.Errorf("a CDT code looked up in the CPT list")
	}
}

func TestCDTList(t *testing.T) {
	s := parse(t, "cdt-2025.txt", "", []byte("D0001 made up\nD0002\n"))
	if s.Name != "CDT (operator list)" || s.Codes != 2 {
		t.Errorf("%q %d", s.Name, s.Codes)
	}
	b := codeset.NewBundle([]*codeset.Set{s})
	if p := b.Procedure("D0001", 20250101); p.Set != s || !p.Found {
		t.Errorf("D0001: %+v", p)
	}
	if p := b.Procedure("D0003", 20250101); p.Set != s || p.Found {
		t.Errorf("D0003: %+v", p)
	}
	if p := b.Procedure("10001", 20250101); p.Set != nil {
		t.Errorf("a CPT code looked up in the CDT list")
	}
}

func TestListsRefused(t *testing.T) {
	refused(t, "cpt.txt", "", []byte("10001\n10002\nA secret description\n"), []string{"cpt.txt line 3:", "not a CPT code"}, "secret")
	refused(t, "cpt.txt", "", []byte("10001\nJ1100 a HCPCS code\n"), []string{"line 2:", `"J1100"`})
	refused(t, "cpt.txt", "", []byte("# nothing\n\n"), []string{"no codes"})
	refused(t, "cdt.txt", "", []byte("D0001\n10001\n"), []string{"line 2:", "not a CDT code"})
	refused(t, "cpt.zip", codeset.KindCPT, zipOf(t, "cpt.txt", "10001\n"), []string{"plain text"})
}
