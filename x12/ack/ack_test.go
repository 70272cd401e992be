package ack_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/ack"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

const (
	isa = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLAIMSGW       *261120*1015*^*00501*000000101*0*P*:~"
	gs  = "GS*FA*PAYER*CLAIMSGW*20261120*1015*9*X*005010X231A1~"
	end = "GE*1*9~IEA*1*000000101~"
)

// set wraps the segments of a 999 (or 997) in ST/SE and the envelopes.
func set(typ string, segs ...string) string {
	return isa + gs + "ST*" + typ + "*0001~" + strings.Join(segs, "~") + "~SE*" + strconv.Itoa(len(segs)+2) + "*0001~" + end
}

// decode decodes in and returns its one acknowledgment and the decoder's
// errors as "SEG:element:code" strings.
func decode(t *testing.T, in string) (*ack.Acknowledgment, []string) {
	t.Helper()
	return x12test.DecodeOne(t, ack.Decode, in)
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // JSON of the transactions
		errs string
	}{{
		name: "several IK3 and IK4 with CTX",
		in: set("999", "AK1*HC*12*005010X222A1", "AK2*837*0002*005010X222A1",
			"IK3*NM1*23*2010BA*8", "CTX*CLM01:PCN1", "IK4*9**7*XX", "CTX*SITUATIONAL TRIGGER*NM1*23*2010BA*8", "IK4*3:2*1035*4",
			"IK3*DTP*40*2400*7",
			"IK3*REF*57**3", "CTX*SITUATIONAL TRIGGER*CLM*43**5:3*1325",
			"IK5*R*5*I5", "AK9*R*1*1*0"),
		want: `[{"transaction_id":"837","control_number":"0002","implementation":"005010X222A1","code":"R","error_codes":["5","I5"],"errors":[` +
			`{"segment_id":"NM1","position":23,"loop":"2010BA","code":"8","contexts":[{"kind":"business_unit","ids":[{"name":"CLM01","reference":"PCN1"}]}],` +
			`"element_position":9,"component_position":0,"element_code":"7","bad_value":"XX",` +
			`"element_contexts":[{"kind":"segment","ids":[{"name":"SITUATIONAL TRIGGER"}],"segment_id":"NM1","position":23,"loop":"2010BA","element_position":8}]},` +
			`{"segment_id":"NM1","position":23,"loop":"2010BA","code":"8","contexts":[{"kind":"business_unit","ids":[{"name":"CLM01","reference":"PCN1"}]}],` +
			`"element_position":3,"component_position":2,"element_reference":"1035","element_code":"4"},` +
			`{"segment_id":"DTP","position":40,"loop":"2400","code":"7"},` +
			`{"segment_id":"REF","position":57,"code":"3","contexts":[{"kind":"segment","ids":[{"name":"SITUATIONAL TRIGGER"}],"segment_id":"CLM","position":43,"element_position":5,"component_position":3,"element_reference":"1325"}]}]}]`,
	}, {
		name: "partial acceptance",
		in: set("999", "AK1*HC*12*005010X222A1", "AK2*837*0001", "IK5*A", "AK2*837*0002", "IK3*CLM*22**8", "IK4*2*782*1", "IK5*R*5",
			"AK9*P*2*2*1"),
		want: `[{"transaction_id":"837","control_number":"0001","code":"A"},` +
			`{"transaction_id":"837","control_number":"0002","code":"R","error_codes":["5"],"errors":[{"segment_id":"CLM","position":22,"code":"8","element_position":2,"component_position":0,"element_reference":"782","element_code":"1"}]}]`,
	}, {
		name: "997",
		in:   set("997", "AK1*HC*12", "AK2*837*0001", "AK3*NM1*8*2010AA*8", "AK4*2**7*Q", "AK4*4**1", "AK5*R*5", "AK9*R*1*1*0"),
		want: `[{"transaction_id":"837","control_number":"0001","code":"R","error_codes":["5"],"errors":[` +
			`{"segment_id":"NM1","position":8,"loop":"2010AA","code":"8","element_position":2,"component_position":0,"element_code":"7","bad_value":"Q"},` +
			`{"segment_id":"NM1","position":8,"loop":"2010AA","code":"8","element_position":4,"component_position":0,"element_code":"1"}]}]`,
	}, {
		name: "997 with only the rejected set is not counted",
		in:   set("997", "AK1*HC*12", "AK2*837*0002", "AK5*R*5", "AK9*P*2*2*1"),
		want: `[{"transaction_id":"837","control_number":"0002","code":"R","error_codes":["5"]}]`,
	}, {
		name: "999 counts that do not add up",
		in:   set("999", "AK1*HC*12", "AK2*837*0001", "IK5*R*5", "AK9*A*2*2*2"),
		want: `[{"transaction_id":"837","control_number":"0001","code":"R","error_codes":["5"]}]`,
		errs: "AK9:2:ack_count AK9:4:ack_count",
	}, {
		name: "missing AK1, IK5 and AK9; bad numbers and codes",
		in:   set("999", "AK2*837*0001", "IK3*NM1*X1**Z", "IK4*A:B*66*7", "AK2*837*0002", "IK5*Q"),
		want: `[{"transaction_id":"837","control_number":"0001","errors":[{"segment_id":"NM1","position":0,"code":"Z","element_position":0,"component_position":0,"element_reference":"66","element_code":"7"}]},` +
			`{"transaction_id":"837","control_number":"0002","code":"Q"}]`,
		errs: "AK2:0:missing_segment AK2:0:missing_segment IK3:2:syntax IK3:4:code_value IK4:1:syntax IK4:1:syntax IK5:1:code_value",
	}, {
		name: "segments out of place",
		in:   set("999", "IK5*A", "AK1*HC*1", "CTX*CLM01:1", "IK4*1**1", "AK2*837*1", "IK5*A", "IK5*A", "IK3*CLM*2**8", "NM1*XX", "AK9*A*1*1*1", "AK9*A*1*1*1"),
		want: `[{"transaction_id":"837","control_number":"1","code":"A"}]`,
		errs: "IK5:0:unexpected_segment CTX:0:unexpected_segment IK4:0:unexpected_segment IK5:0:unexpected_segment IK3:0:unexpected_segment NM1:0:unexpected_segment AK9:0:unexpected_segment",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, errs := decode(t, tt.in)
			if got := x12test.JSON(t, a.Transactions); got != tt.want {
				t.Errorf("transactions\n got %s\nwant %s", got, tt.want)
			}
			if got := strings.Join(errs, " "); got != tt.errs {
				t.Errorf("errors\n got %s\nwant %s", got, tt.errs)
			}
		})
	}
}

func TestGroupAndPositions(t *testing.T) {
	a, errs := decode(t, set("999", "AK1*HC*12*005010X222A1", "AK2*837*0001", "IK5*A", "AK2*837*0002", "IK3*CLM*22**8", "IK4*2*782*1", "IK5*R*5",
		"AK9*P*2*2*1"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := `{"type":"999","group":{"functional_id":"HC","control_number":"12","version":"005010X222A1","code":"P","included":2,"received":2,"accepted":1},`
	if got := x12test.JSON(t, a); !strings.HasPrefix(got, want) {
		t.Errorf("got %s\nwant prefix %s", got, want)
	}
	e := a.Transactions[1].Errors[0]
	// ST is at index 3 of the stream (after ISA and GS) and position 1.
	if a.Pos.Position != 1 || a.Group.Pos.Position != 2 || a.Transactions[1].Pos.Position != 5 ||
		e.Pos.Position != 6 || e.Pos.Index != 8 || e.ElementError.Pos.Position != 7 ||
		a.Transactions[1].ResponsePos.Position != 8 || a.Group.TrailerPos.Position != 9 {
		t.Errorf("positions: ack %+v group %+v/%+v tx %+v error %+v/%+v", a.Pos, a.Group.Pos, a.Group.TrailerPos, a.Transactions[1].Pos, e.Pos, e.ElementError.Pos)
	}
	if e.Pos.Offset != int64(strings.Index(set("999", "AK1*HC*12*005010X222A1", "AK2*837*0001", "IK5*A", "AK2*837*0002", "IK3"), "IK3")) {
		t.Errorf("IK3 offset %d", e.Pos.Offset)
	}
}

// TestTA1 checks that package x12 puts a TA1 before GS in the interchange,
// with the fields the JSON contract names, and that its codes are described.
func TestTA1(t *testing.T) {
	in := isa + "TA1*000000007*261119*2300*R*025~" + gs + "ST*999*0001~AK1*HC*7~AK2*837*0001~IK5*A~AK9*A*1*1*1~SE*6*0001~" + end
	f, err := x12.ReadFileWith(strings.NewReader(in), ack.Decoders)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Errors) > 0 {
		t.Fatal(f.Errors)
	}
	ic := f.Interchanges[0]
	if len(ic.TA1) != 1 {
		t.Fatalf("%d TA1, want 1", len(ic.TA1))
	}
	want := `{"control_number":"000000007","date":"2026-11-19","time":"23:00","code":"R","note_code":"025","offset":106}`
	if got := x12test.JSON(t, ic.TA1[0]); got != want {
		t.Errorf("TA1 %s, want %s", got, want)
	}
	if _, ok := ic.Groups[0].Transactions[0].Acknowledgment.(*ack.Acknowledgment); !ok {
		t.Errorf("the 999 after the TA1 was not decoded")
	}
	if got := ack.TA1NoteDescription("025"); got != "duplicate interchange control number" {
		t.Errorf("note 025: %q", got)
	}
	if got := ack.TA1AckDescription("R"); got != "interchange rejected because of errors" {
		t.Errorf("ack R: %q", got)
	}
}

func TestDescriptions(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{ack.SegmentErrorDescription("8"), "segment has data element errors"},
		{ack.SegmentErrorDescription("I4"), `implementation "not used" segment present`},
		{ack.ElementErrorDescription("7"), "invalid code value"},
		{ack.ElementErrorDescription("I12"), "implementation pattern match failure"},
		{ack.TransactionCodeDescription("E"), "accepted but errors were noted"},
		{ack.TransactionCodeDescription("P"), ""}, // P is for groups only
		{ack.GroupCodeDescription("P"), "partially accepted, at least one transaction set was rejected"},
		{ack.TransactionErrorDescription("5"), "one or more segments in error"},
		{ack.GroupErrorDescription("5"), "number of included transaction sets does not match actual count"},
		{ack.TA1NoteDescription("031"), "invalid grade of service code"},
		{ack.TA1NoteDescription("032"), ""},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
