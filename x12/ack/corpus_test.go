package ack_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12/ack"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestCorpus decodes every 999 and TA1 sample and compares the whole file,
// envelope, acknowledgments and errors, with testdata/<dir>-<name>.json.
func TestCorpus(t *testing.T) { x12test.GoldenCorpus(t, ack.Decoders, *update, "999", "TA1") }

func FuzzDecode(f *testing.F) {
	x12test.SeedCorpus(f, "999", "TA1")
	f.Fuzz(func(t *testing.T, in []byte) {
		acks, _, err := ack.Decode(bytes.NewReader(in))
		if err != nil {
			t.Fatal(err) // a bytes.Reader has no I/O errors
		}
		for _, a := range acks {
			if _, err := json.Marshal(a); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// BenchmarkDecode decodes a 999 with many AK2 loops, beside a bare read of
// the same bytes as the baseline.
func BenchmarkDecode(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLAIMSGW       *261120*1015*^*00501*000000101*0*P*:~" +
		"GS*FA*PAYER*CLAIMSGW*20261120*1015*1*X*005010X231A1~ST*999*0001*005010X231A1~AK1*HC*7*005010X222A1~")
	const sets = 5000
	segs := 2 // ST, AK1
	for i := range sets {
		if i%10 == 0 {
			sb.WriteString("AK2*837*" + strconv.Itoa(i) + "~IK3*NM1*23*2010BA*8~CTX*CLM01:PCN" + strconv.Itoa(i) + "~IK4*9**7*XX~IK5*R*5~")
			segs += 5
		} else {
			sb.WriteString("AK2*837*" + strconv.Itoa(i) + "~IK5*A~")
			segs += 2
		}
	}
	sb.WriteString("AK9*P*" + strconv.Itoa(sets) + "*" + strconv.Itoa(sets) + "*" + strconv.Itoa(sets-sets/10) + "~SE*" + strconv.Itoa(segs+2) + "*0001~GE*1*1~IEA*1*000000101~")
	x12test.BenchmarkDecode(b, []byte(sb.String()), func(r io.Reader) error {
		_, errs, err := ack.Decode(r)
		if err == nil && len(errs) > 0 {
			err = errs[0]
		}
		return err
	})
}
