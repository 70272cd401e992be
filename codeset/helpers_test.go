package codeset_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

const (
	icdZipName   = "icd10cm-code-descriptions-2025.zip"
	icdOrderName = "icd10cm-order-2025.txt"
	hcpcsZipName = "hcpcs-2020-alpha-numeric.zip"
	hcpcsTxtName = "HCPC2020_ANWEB_w_disclaimer.txt"
)

// shared reads a file of ../shared/codesets (the test is skipped when the
// folder is absent).
func shared(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(testutil.Shared(tb, "codesets", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// member is a zip's member, read.
func member(tb testing.TB, zipData []byte, name string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				tb.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				tb.Fatal(err)
			}
			return b
		}
	}
	tb.Fatalf("the zip holds no %s", name)
	return nil
}

// zipOf builds a zip in memory holding the files given as name, content,
// name, content...
func zipOf(tb testing.TB, files ...string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.WriteString(w, files[i+1]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// parse parses or fails the test.
func parse(tb testing.TB, name string, kind codeset.Kind, data []byte) *codeset.Set {
	tb.Helper()
	s, err := codeset.Parse(name, kind, data)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// refused checks that Parse refuses data with an error containing every
// want, and quoting none of never.
func refused(t *testing.T, name string, kind codeset.Kind, data []byte, want []string, never ...string) {
	t.Helper()
	s, err := codeset.Parse(name, kind, data)
	if err == nil {
		t.Fatalf("%s: parsed (%d codes), want an error", name, s.Codes)
	}
	if s != nil {
		t.Errorf("%s: a Set beside the error", name)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
	for _, n := range never {
		if strings.Contains(err.Error(), n) {
			t.Errorf("error %q quotes %q", err, n)
		}
	}
}

func date(tb testing.TB, s string) codeset.Date {
	tb.Helper()
	d, ok := codeset.ParseDate(s)
	if !ok {
		tb.Fatalf("bad date %q", s)
	}
	return d
}
