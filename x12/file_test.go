package x12_test

import (
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
)

// countDecoder records what ReadFileWith feeds it.
type countDecoder struct {
	ids  []string
	pos  []int
	ctl  x12.Control
	last x12.Position
}

func (d *countDecoder) Segment(r *x12.Reader, s *x12.Segment) {
	d.ids = append(d.ids, s.ID())
	d.pos = append(d.pos, r.Position(s).Position)
	if s.ID() == "CLP" {
		d.last = r.Position(s)
		d.ctl.Interchange, d.ctl.Group, d.ctl.Transaction = r.Control()
	}
}

func (d *countDecoder) Finish() (any, []*x12.Error) {
	return strings.Join(d.ids, " "), []*x12.Error{d.ctl.Errorf(d.last, "CLP", 3, 0, x12.SeverityError, "test", "CLP at %d", d.last.Position)}
}

func TestReadFileWithDecoders(t *testing.T) {
	const in = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *261120*1015*^*00501*000000101*0*P*:~" +
		"GS*HP*A*B*20261120*1015*7*X*005010X221A1~" +
		"ST*835*0001~BPR*I*1*C*ACH~CLP*P1*1*1*1~SE*4*0001~" +
		"ST*835*0002~CLP*P2*1*1*1~" + // no SE: ends at GE
		"ST*999*0003~AK1*HC*1~SE*3*0003~" +
		"GE*3*7~IEA*1*000000101~"
	var decoders []*countDecoder
	f, err := x12.ReadFileWith(strings.NewReader(in), func(setID, impl, version string) (string, x12.Decoder) {
		if setID != "835" || version != "005010X221A1" {
			return "", nil
		}
		d := &countDecoder{}
		decoders = append(decoders, d)
		return x12.KeyRemittance, d
	})
	if err != nil {
		t.Fatal(err)
	}
	txs := f.Interchanges[0].Groups[0].Transactions
	if got := txs[0].Remittance; got != "ST BPR CLP SE" {
		t.Errorf("first set content %q", got)
	}
	if got := txs[1].Remittance; got != "ST CLP" {
		t.Errorf("set without SE: content %q", got)
	}
	if txs[2].Remittance != nil || txs[2].Acknowledgment != nil {
		t.Errorf("999 without a decoder got content")
	}
	if got := decoders[0].pos; len(got) != 4 || got[0] != 1 || got[2] != 3 || got[3] != 4 {
		t.Errorf("transaction positions %v, want 1 2 3 4", got)
	}
	// Decoder errors join the reader's in stream order, with control numbers.
	var codes []string
	for _, e := range f.Errors {
		codes = append(codes, e.Code)
	}
	if strings.Join(codes, " ") != "test test missing_trailer" {
		t.Fatalf("errors %v", codes)
	}
	e := f.Errors[0]
	if e.SegmentID != "CLP" || e.Element != 3 || e.Transaction != "0001" || e.Group != "7" || e.Interchange != "000000101" || e.SegmentIndex != 5 || e.Message != "CLP at 3" {
		t.Errorf("decoder error %+v", e)
	}
	if f.Errors[1].Transaction != "0002" {
		t.Errorf("second decoder error in %q, want 0002", f.Errors[2].Transaction)
	}
}
