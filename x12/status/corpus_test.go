package status_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12/status"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestCorpus decodes every 277 and 277CA sample and compares the whole file,
// envelope, claim statuses and errors, with testdata/<dir>-<name>.json.
func TestCorpus(t *testing.T) { x12test.GoldenCorpus(t, status.Decoders, *update, "277", "277CA") }

func FuzzDecode(f *testing.F) {
	x12test.SeedCorpus(f, "277", "277CA")
	f.Fuzz(func(t *testing.T, in []byte) {
		sets, _, err := status.Decode(bytes.NewReader(in))
		if err != nil {
			t.Fatal(err) // a bytes.Reader has no I/O errors
		}
		for _, cs := range sets {
			if _, err := json.Marshal(cs); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// BenchmarkDecode decodes a 277CA with many claims, beside a bare read of
// the same bytes as the baseline.
func BenchmarkDecode(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLAIMSGW       *261120*1015*^*00501*000000101*0*P*:~" +
		"GS*HN*PAYER*CLAIMSGW*20261120*1015*1*X*005010X214~ST*277*0001*005010X214~BHT*0085*08*B1*20261120*1015*TH~" +
		"HL*1**20*1~NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER~TRN*1*T1~DTP*050*D8*20261120~DTP*009*D8*20261120~" +
		"HL*2*1*21*1~NM1*41*2*CLAIMSGW*****46*CLAIMSGW~TRN*2*B1~STC*A1:19:PR*20261120*WQ*1000~" +
		"HL*3*2*19*1~NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893~TRN*1*T3~QTY*QA*5000~AMT*YU*1000~")
	const claims = 5000
	segs := 16
	for i := range claims {
		n := strconv.Itoa(i)
		sb.WriteString("HL*" + strconv.Itoa(i+4) + "*3*PT~NM1*QC*1*DOE*JOHN****MI*M" + n + "~TRN*2*PCN" + n +
			"~STC*A2:20:PR*20261120*WQ*185~REF*1K*PAY" + n + "~DTP*472*RD8*20261102-20261103~SVC*HC:99214:25*185~STC*A2:20*20261120~REF*FJ*L" + n + "~")
		segs += 9
	}
	sb.WriteString("SE*" + strconv.Itoa(segs+1) + "*0001~GE*1*1~IEA*1*000000101~")
	x12test.BenchmarkDecode(b, []byte(sb.String()), func(r io.Reader) error {
		_, errs, err := status.Decode(r)
		if err == nil && len(errs) > 0 {
			err = errs[0]
		}
		return err
	})
}
