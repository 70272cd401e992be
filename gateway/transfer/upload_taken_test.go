package transfer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/claimsgw/claimsgw/internal/testutil"
)

// A payer that takes each file the moment it appears under its final name
// (moves it out of inbound/) does not make the upload fail: the file was
// delivered. Before the fix, the size check after the rename found no file
// and the gateway gave up on a file the payer had.
func TestUploadTakenAtOnce(t *testing.T) {
	s := startSim(t)
	c := dial(t, s.ep)
	ctx := t.Context()
	in, taken := filepath.Join(s.root, "inbound"), filepath.Join(s.root, "taken")
	for _, d := range []string{in, taken} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			entries, _ := os.ReadDir(in)
			for _, e := range entries {
				if n := e.Name(); !strings.HasPrefix(n, ".") {
					os.Rename(filepath.Join(in, n), filepath.Join(taken, n))
				}
			}
		}
	})
	var once sync.Once
	stopMover := func() { once.Do(func() { close(stop); wg.Wait() }) }
	t.Cleanup(stopMover)
	const n = 40
	for i := range n {
		name := fmt.Sprintf("batch%03d.837", i)
		if err := c.Upload(ctx, "/inbound", name, []byte(strings.Repeat("ISA*00*~", 100))); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	stopMover()
	if got := len(testutil.DirNames(t, taken)) + len(testutil.DirNames(t, in)); got != n {
		t.Errorf("the payer has %d files, want %d", got, n)
	}
}
