package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// BenchmarkValidate50MB runs `claimsgw x12 validate` on a generated 50 MB
// 835, as a whole process (start-up included) and, beside it, in process.
func BenchmarkValidate50MB(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "big.x12")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	if err := x12test.Remittance(f, x12.DefaultDelimiters, 115000, 3); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(file)
	bin := filepath.Join(dir, "claimsgw")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}

	b.Run("process", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			if out, err := exec.Command(bin, "x12", "validate", file).CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
		}
	})
	b.Run("in-process", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			if code := run([]string{"x12", "validate", file}, nil, io.Discard, io.Discard); code != exitOK {
				b.Fatalf("exit %d", code)
			}
		}
	})
}
