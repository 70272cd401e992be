package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/guide"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// BenchmarkValidate50MB runs `claimsgw x12 validate` on a generated 50 MB
// 835, as a whole process (start-up included) and, beside it, in process
// and the bare reader (the baseline).
//
//	go test ./cmd/claimsgw -run XXX -bench Validate50MB -benchtime 5x
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
	// The baseline: the bare reader over the same file, every segment
	// framed and split, no checks beyond the envelopes. The target
	// is 60% of it, whole process.
	b.Run("baseline=reader", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			f, err := os.Open(file)
			if err != nil {
				b.Fatal(err)
			}
			r := x12.NewReader(f)
			for {
				if _, err := r.Read(); err != nil {
					break
				}
			}
			f.Close()
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
	// What validate spends, by part, in process: the 835's typed checks
	// alone and the guide's tables alone (each with the reader).
	for _, part := range []struct {
		name string
		f    x12.DecoderFunc
	}{
		{"part=typed-decoder", remit.Checkers()},
		{"part=guide", func(st, impl, gv string) (string, x12.Decoder) { return "", guide.For(st, impl, gv) }},
	} {
		b.Run(part.name, func(b *testing.B) {
			b.SetBytes(st.Size())
			for b.Loop() {
				f, err := os.Open(file)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := x12.ReadFileWith(f, part.f); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}
