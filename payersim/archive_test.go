package payersim

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// A file received twice under one name is archived twice: the second copy
// does not replace the first, so a duplicate delivery leaves evidence.
func TestArchiveKeepsDuplicates(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{InboundDir, OutboundDir, ArchiveDir} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	p := &Payer{ID: "SIMPAYER", Name: "SIM HEALTH PLAN", TaxID: "512345678"}
	for i, body := range []string{"first", "second", "third"} {
		if err := os.WriteFile(filepath.Join(root, InboundDir, "A.837"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := p.answerAll(root); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(root, ArchiveDir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"A.837", "A.837.2", "A.837.3"}; !slices.Equal(names, want) {
		t.Fatalf("archive holds %v, want %v", names, want)
	}
	for name, want := range map[string]string{"A.837": "first", "A.837.2": "second", "A.837.3": "third"} {
		if b, _ := os.ReadFile(filepath.Join(root, ArchiveDir, name)); string(b) != want {
			t.Errorf("%s holds %q, want %q", name, b, want)
		}
	}
}

// A payer run again on the same root goes on with its control numbers:
// no ISA13 (nor the 835 trace numbers made from them) is sent twice.
func TestStateSurvivesRestart(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{InboundDir, OutboundDir, ArchiveDir} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	first := &Payer{ID: "SIMPAYER"}
	first.ctl, first.seq = 41, 17
	if err := first.saveState(root); err != nil {
		t.Fatal(err)
	}
	again := &Payer{ID: "SIMPAYER"}
	if err := again.loadState(root); err != nil {
		t.Fatal(err)
	}
	if again.ctl != 41 || again.seq != 17 {
		t.Fatalf("a payer run again starts at control %d, sequence %d; want 41, 17", again.ctl, again.seq)
	}
	if err := (&Payer{}).loadState(t.TempDir()); err != nil {
		t.Fatalf("a new root: %v", err)
	}
}

// A payer with MinAge leaves files younger than that for a later round.
func TestMinAge(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{InboundDir, OutboundDir, ArchiveDir} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	in := filepath.Join(root, InboundDir, "A.837")
	if err := os.WriteFile(in, []byte("not x12"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &Payer{ID: "SIMPAYER", MinAge: time.Minute}
	if err := p.answerAll(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(in); err != nil {
		t.Fatalf("a new file was taken: %v", err)
	}
	old := time.Now().Add(-2 * time.Minute)
	if err := os.Chtimes(in, old, old); err != nil {
		t.Fatal(err)
	}
	if err := p.answerAll(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ArchiveDir, "A.837")); err != nil {
		t.Fatalf("a file older than MinAge was not answered: %v", err)
	}
}
