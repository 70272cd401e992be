package payersim

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The payer simulator's directories and files are its user's only, as
// the gateway's data directory is: they hold the 837s (PHI) and the
// answers. Before, its directories were 0755 and its files 0644.
func TestModes(t *testing.T) {
	root := filepath.Join(t.TempDir(), "payer")
	s, user := start(t, root, "")
	c := client(t, s, user)
	if err := c.Mkdir("/outbound/sub"); err != nil {
		t.Fatal(err)
	}
	put(t, c, "/inbound/a.837", string(corpus837(t, "837P/stupidedi-commercial-health-insurance.x12")))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- testPayer().Run(ctx, root, 10*time.Millisecond) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(root, ArchiveDir, "a.837")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the 837 was not answered")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := os.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: %v, want %v", path, info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 4 { // the 837 archived, its answers (a 999 at least), the state
		t.Errorf("%d files under the root", files)
	}
}
