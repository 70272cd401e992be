// Package x12test makes X12 inputs for tests and benchmarks: large,
// realistic, balanced files that no public sample matches in size.
package x12test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/x12"
)

// ClaimsPerPayment is how many claims Remittance puts in one 835 (one
// payment, one ST).
const ClaimsPerPayment = 2000

// Remittance writes one interchange of 835 transaction sets holding claims
// claims in all, with the delimiters d. The content is made up but shaped
// like a payer's: each claim has claim-level CAS, patient and rendering
// provider names, dates, and two service lines with their own CAS, REF*6R,
// AMT*B6 and a remark. Amounts balance: each line's charge minus its
// adjustments is its payment, each claim's charge minus all adjustments is
// its payment, and each BPR02 is the sum of its claims' payments. The same
// seed gives the same bytes.
func Remittance(w io.Writer, d x12.Delimiters, claims int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	xw := x12.NewWriter(w, d)
	at := time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC)
	xw.BeginInterchange(x12.InterchangeHeader{
		SenderQualifier: "ZZ", SenderID: "SIMPAYER", ReceiverQualifier: "ZZ", ReceiverID: "CLAIMSGW",
		Time: at, ControlNumber: 101, Usage: 'P',
	})
	xw.BeginGroup(x12.GroupHeader{FunctionalID: "HP", SenderCode: "SIMPAYER", ReceiverCode: "CLAIMSGW", Time: at, ControlNumber: 1, Version: "005010X221A1"})
	for st, done := 1, 0; done < claims; st++ {
		n := min(ClaimsPerPayment, claims-done)
		payment(xw, rng, st, done, n)
		done += n
	}
	xw.EndGroup()
	xw.EndInterchange()
	return xw.Flush()
}

type line struct {
	code, mod            string
	charge, paid, co, pr int64 // cents
}

func payment(w *x12.Writer, rng *rand.Rand, st, first, n int) {
	// Lines first, so that BPR02 can be the sum of the payments.
	claims := make([][2]line, n)
	var total int64
	for i := range claims {
		for j := range claims[i] {
			l := &claims[i][j]
			l.code = []string{"99213", "99214", "36415", "80053", "71046", "93000"}[rng.IntN(6)]
			if rng.IntN(4) == 0 {
				l.mod = "25"
			}
			l.charge = 5000 + rng.Int64N(30000)
			l.co = rng.Int64N(l.charge / 3)
			l.pr = rng.Int64N((l.charge - l.co) / 4)
			l.paid = l.charge - l.co - l.pr
			total += l.paid
		}
	}
	w.BeginTransaction("835", st, "")
	w.Segment("BPR", "I", money(total), "C", "ACH", "CCP", "01", "011000015", "DA", "123456789", "1512345678", "", "01", "021000021", "DA", "987654321", "20261120")
	w.Segment("TRN", "1", "EFT"+strconv.Itoa(100000+st), "1512345678")
	w.Segment("DTM", "405", "20261119")
	w.Segment("N1", "PR", "SIM HEALTH PLAN")
	w.Segment("N3", "100 PAYER WAY")
	w.Segment("N4", "COLUMBUS", "OH", "43215")
	w.Segment("REF", "2U", "SIMPAYER")
	w.Segment("PER", "BL", "PROVIDER SERVICES", "TE", "8005551234")
	w.Segment("N1", "PE", "RIVERSIDE FAMILY MEDICINE", "XX", "1234567893")
	w.Segment("REF", "TJ", "621234567")
	w.Segment("LX", "1")
	for i, c := range claims {
		pcn := fmt.Sprintf("PCN%08d", first+i+1)
		var charge, paid, co, pr int64
		for _, l := range c {
			charge += l.charge
			paid += l.paid
			co += l.co
			pr += l.pr
		}
		w.Segment("CLP", pcn, "1", money(charge), money(paid), money(pr), "12", fmt.Sprintf("PAY%010d", first+i+1), "11", "1")
		w.Segment("NM1", "QC", "1", lastNames[rng.IntN(len(lastNames))], firstNames[rng.IntN(len(firstNames))], "", "", "", "MI", fmt.Sprintf("XJH%09d", rng.IntN(1e9)))
		w.Segment("NM1", "82", "1", "RIVERA", "ANA", "", "", "", "XX", "1497758544")
		w.Segment("DTM", "232", "20261102")
		w.Segment("DTM", "233", "20261102")
		w.Segment("AMT", "AU", money(charge-co))
		for j, l := range c {
			w.Begin("SVC")
			w.Element("HC")
			w.Component(l.code)
			w.Component(l.mod)
			w.Element(money(l.charge))
			w.Element(money(l.paid))
			w.Element("")
			w.Element("1")
			w.End()
			w.Segment("DTM", "472", "20261102")
			w.Segment("CAS", "CO", "45", money(l.co))
			if l.pr > 0 {
				w.Segment("CAS", "PR", "2", money(l.pr))
			}
			w.Segment("REF", "6R", pcn+"-"+strconv.Itoa(j+1))
			w.Segment("AMT", "B6", money(l.charge-l.co))
			w.Segment("LQ", "HE", "N130")
		}
	}
	w.EndTransaction()
}

var (
	lastNames  = []string{"DOE", "SMITH", "JOHNSON", "WILLIAMS", "BROWN", "GARCIA", "MILLER", "DAVIS"}
	firstNames = []string{"JOHN", "JANE", "MARIA", "JAMES", "LINDA", "ROBERT", "PATRICIA", "MICHAEL"}
)

// money formats cents as X12 money: whole dollars without decimals, as
// payers send them ("132"), else two decimals ("80.05").
func money(cents int64) string {
	if cents%100 == 0 {
		return strconv.FormatInt(cents/100, 10)
	}
	return fmt.Sprintf("%d.%02d", cents/100, cents%100)
}

// CorpusDir returns the directory of the shared X12 sample files
// (../shared/x12-corpus beside the repository), or skips tb when it is absent.
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	return testutil.Shared(tb, "x12-corpus")
}

// Pyx12 runs the independent implementation-guide validator
// (../shared/tools/pyx12-validate) on files and returns, by file, the
// errors it found, one line each ("NOMAP ..." when it has no map for the
// file), none for a file it calls OK, and all it printed. It skips the
// test, saying why, when the tool or its one dependency (Debian's
// python3-defusedxml) is absent.
func Pyx12(tb testing.TB, files ...string) (map[string][]string, string) {
	tb.Helper()
	tool := testutil.Shared(tb, "tools", "pyx12-validate")
	if err := exec.Command("/usr/bin/python3", "-c", "import defusedxml").Run(); err != nil {
		tb.Skipf("pyx12 needs Debian's python3-defusedxml and /usr/bin/python3 (apt-get install -y python3-defusedxml; .ci/run installs it): %v", err)
	}
	out, err := exec.Command(tool, files...).CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		tb.Fatalf("pyx12-validate: %v\n%s", err, out)
	}
	errs := map[string][]string{}
	current := ""
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "  ") && current != "" {
			errs[current] = append(errs[current], strings.TrimSpace(line))
			continue
		}
		current = ""
		for _, f := range files {
			if verdict, ok := strings.CutPrefix(line, f+": "); ok {
				current = f
				errs[f] = nil
				if strings.HasPrefix(verdict, "NOMAP") {
					errs[f] = []string{verdict}
				}
			}
		}
	}
	for _, f := range files {
		if _, seen := errs[f]; !seen {
			tb.Fatalf("pyx12-validate said nothing of %s:\n%s", f, out)
		}
	}
	return errs, string(out)
}

// Pyx12FalsePositives are the messages pyx12 gives that are wrong
// (../shared/tools/README.md lists them, checked against other guides'
// tables and real payer files): a test leaves them out.
var Pyx12FalsePositives = []string{
	`Mandatory segment "Billing Provider Status Information" (STC) missing`, // 277CA 2200C: real payers omit it
	"Failed to create 999 response",                                         // printed after an 835 (no ST03)
}

// Pyx12Errors is Pyx12 without its known false positives: the errors
// left, by file, for the files that have some.
func Pyx12Errors(tb testing.TB, files ...string) map[string][]string {
	tb.Helper()
	all, _ := Pyx12(tb, files...)
	left := map[string][]string{}
	for f, errs := range all {
		for _, e := range errs {
			if !slices.ContainsFunc(Pyx12FalsePositives, func(fp string) bool { return strings.Contains(e, fp) }) {
				left[f] = append(left[f], e)
			}
		}
	}
	return left
}

// CorpusFiles returns the path of every .x12 file in the corpus, relative
// paths as keys ("835/chs-ach-ctx.x12").
func CorpusFiles(tb testing.TB) map[string]string {
	tb.Helper()
	dir := CorpusDir(tb)
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".x12") {
			rel, _ := filepath.Rel(dir, path)
			files[filepath.ToSlash(rel)] = path
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatalf("no .x12 files under %s", dir)
	}
	return files
}

// CorpusIn returns the corpus files in the given directories
// ("999", "TA1", ...), or skips tb when there are none.
func CorpusIn(tb testing.TB, dirs ...string) []string {
	tb.Helper()
	corpus := CorpusDir(tb)
	var files []string
	for _, dir := range dirs {
		m, _ := filepath.Glob(filepath.Join(corpus, dir, "*.x12"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		tb.Skipf("no %s samples in %s", strings.Join(dirs, ", "), corpus)
	}
	return files
}

// Golden compares v, as indented JSON, with the golden file
// testdata/<name>.json, or rewrites the file when update is set (the tests'
// -update flag). Review a rewritten file against its source before
// committing it.
func Golden(t testing.TB, name string, v any, update bool) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	file := filepath.Join("testdata", name+".json")
	if update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it; review the diff):\n%s", file, got)
	}
}

// GoldenCorpus reads every corpus file of the sets dirs name with decoders
// and compares the whole decoded file (envelopes, transaction sets,
// errors) with testdata/<dir>-<name>.json.
func GoldenCorpus(t *testing.T, decoders x12.DecoderFunc, update bool, dirs ...string) {
	for _, path := range CorpusIn(t, dirs...) {
		name := filepath.Base(filepath.Dir(path)) + "-" + strings.TrimSuffix(filepath.Base(path), ".x12")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := x12.ReadFileWith(bytes.NewReader(in), decoders)
			if err != nil {
				t.Fatal(err)
			}
			Golden(t, name, f, update)
		})
	}
}

// SeedCorpus adds every corpus file of the sets dirs name to a fuzz
// target's seeds.
func SeedCorpus(f *testing.F, dirs ...string) {
	for _, path := range CorpusIn(f, dirs...) {
		in, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(in)
	}
}

// BenchmarkDecode runs decode on in as sub-benchmark "decode", beside
// "read", the reader alone on the same bytes: the baseline.
func BenchmarkDecode(b *testing.B, in []byte, decode func(io.Reader) error) {
	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		for b.Loop() {
			if _, err := x12.ReadFile(bytes.NewReader(in)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		for b.Loop() {
			if err := decode(bytes.NewReader(in)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// DecodeOne decodes in with a package's Decode, wants exactly one
// transaction set and returns it with the decoder's errors, each as
// "SEGMENT:element:code".
func DecodeOne[T any](t *testing.T, decode func(io.Reader) ([]T, []*x12.Error, error), in string) (T, []string) {
	t.Helper()
	sets, errs, err := decode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 {
		t.Fatalf("%d transaction sets decoded, want 1", len(sets))
	}
	var codes []string
	for _, e := range errs {
		codes = append(codes, e.SegmentID+":"+strconv.Itoa(e.Element)+":"+e.Code)
	}
	return sets[0], codes
}

// JSON is v as JSON, or the test fails.
func JSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
