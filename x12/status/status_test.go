package status_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12/status"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

const (
	isa  = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLAIMSGW       *261120*1015*^*00501*000000101*0*P*:~"
	end  = "GE*1*9~IEA*1*000000101~"
	head = "BHT*0085*08*B1*20261120*1015*TH~" +
		"HL*1**20*1~NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER~TRN*1*T1~DTP*050*D8*20261120~DTP*009*D8*20261120~" +
		"HL*2*1*21*1~NM1*41*2*CLAIMSGW*****46*CLAIMSGW~TRN*2*B1~STC*A1:19:PR*20261120*WQ*420~QTY*90*1~QTY*AA*1~AMT*YU*235~AMT*YY*185~" +
		"HL*3*2*19*1~NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893~TRN*1*T3~QTY*QA*1~QTY*QC*1~AMT*YU*235~AMT*YY*185~"
)

// set wraps the segments of a 277 in ST/SE and the envelopes; impl is the
// guide (GS08 and ST03).
func set(impl, segs string) string {
	n := strings.Count(segs, "~") + 2
	return isa + "GS*HN*PAYER*CLAIMSGW*20261120*1015*9*X*" + impl + "~ST*277*0001*" + impl + "~" + segs +
		"SE*" + strconv.Itoa(n) + "*0001~" + end
}

// decode decodes in and returns its one claim status and the decoder's
// errors as "SEG:element:code" strings.
func decode(t *testing.T, in string) (*status.ClaimStatus, []string) {
	t.Helper()
	return x12test.DecodeOne(t, status.Decode, in)
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		claims string // JSON of the claims without payer and billing provider
		errs   string
	}{{
		name: "277CA accepted and rejected claims",
		in: set("005010X214", head+
			"HL*4*3*PT~NM1*QC*1*DOE*JOHN****MI*XJH123456789~TRN*2*PCN1~STC*A2:20*20261120*WQ*235~REF*1K*PAY1~REF*D9*CH1~DTP*472*D8*20261102~"+
			"HL*5*3*PT~NM1*QC*1*ROE*JANE*Q***MI*XJH987654321~TRN*2*PCN2~STC*A3:21:IL*20261120*U*185~REF*BLT*131~DTP*472*RD8*20261101-20261104~"),
		claims: `[{"patient_control_number":"PCN1","payer_claim_control_number":"PAY1","clearinghouse_trace":"CH1","charge":"235.00",` +
			`"service_date_from":"2026-11-02","service_date_to":"2026-11-02",` +
			`"statuses":[{"category":"A2","code":"20","date":"2026-11-20","action_code":"WQ","charge":"235.00"}],` +
			`"patient":{"last_name":"DOE","first_name":"JOHN","member_id":"XJH123456789"}},` +
			`{"patient_control_number":"PCN2","bill_type":"131","charge":"185.00","service_date_from":"2026-11-01","service_date_to":"2026-11-04",` +
			`"statuses":[{"category":"A3","code":"21","entity":"IL","date":"2026-11-20","action_code":"U","charge":"185.00"}],` +
			`"patient":{"last_name":"ROE","first_name":"JANE","middle_name":"Q","member_id":"XJH987654321"}}]`,
	}, {
		name: "277CA line-level STC and REF*FJ",
		in: set("005010X214", head+
			"HL*4*3*PT~NM1*QC*1*DOE*JOHN****MI*M1~TRN*2*PCN1~STC*A3:21*20261120*U*235~"+
			"SVC*HC:99214:25:59*185*****1~STC*A7:145:82*20261120*U~REF*FJ*PCN1-1~DTP*472*D8*20261102~"+
			"SVC*HC:36415*50~STC*A2:20*20261120~REF*FJ*PCN1-2~DTP*472*RD8*20261102-20261103~"),
		claims: `[{"patient_control_number":"PCN1","charge":"235.00",` +
			`"statuses":[{"category":"A3","code":"21","date":"2026-11-20","action_code":"U","charge":"235.00"}],` +
			`"service_lines":[{"procedure":{"qualifier":"HC","code":"99214","modifiers":["25","59"]},"charge":"185.00","units":"1",` +
			`"line_item_control_number":"PCN1-1","service_date_from":"2026-11-02","service_date_to":"2026-11-02",` +
			`"statuses":[{"category":"A7","code":"145","entity":"82","date":"2026-11-20","action_code":"U"}]},` +
			`{"procedure":{"qualifier":"HC","code":"36415"},"charge":"50.00","line_item_control_number":"PCN1-2",` +
			`"service_date_from":"2026-11-02","service_date_to":"2026-11-03","statuses":[{"category":"A2","code":"20","date":"2026-11-20"}]}],` +
			`"patient":{"last_name":"DOE","first_name":"JOHN","member_id":"M1"}}]`,
	}, {
		name: "three composites in one STC",
		in: set("005010X214", head+
			"HL*4*3*PT~NM1*QC*1*DOE*JOHN****MI*M1~TRN*2*PCN1~STC*A7:562:85*20261120*U*235******A7:128:QC*A6:35:IL*CHECK THE IDS~"),
		claims: `[{"patient_control_number":"PCN1","charge":"235.00","statuses":[` +
			`{"category":"A7","code":"562","entity":"85","date":"2026-11-20","action_code":"U","charge":"235.00","message":"CHECK THE IDS"},` +
			`{"category":"A7","code":"128","entity":"QC","date":"2026-11-20","action_code":"U","charge":"235.00","message":"CHECK THE IDS"},` +
			`{"category":"A6","code":"35","entity":"IL","date":"2026-11-20","action_code":"U","charge":"235.00","message":"CHECK THE IDS"}],` +
			`"patient":{"last_name":"DOE","first_name":"JOHN","member_id":"M1"}}]`,
	}, {
		name: "277 dependent with RD8, paid amount and check",
		in: set("005010X212", "BHT*0010*08*R1*20261120*1015*DG~"+
			"HL*1**20*1~NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER~HL*2*1*21*1~NM1*41*2*CLAIMSGW*****46*CLAIMSGW~"+
			"HL*3*2*19*1~NM1*1P*2*RIVERSIDE*****XX*1234567893~HL*4*3*22*1~NM1*IL*1*DOE*JOHN****MI*SUB1~"+
			"HL*5*4*23~NM1*QC*1*DOE*JIM~TRN*2*PCN9~STC*F1:65*20261115**235*160*20261114*ACH*20261116*EFT77~REF*1K*PAY9~DTP*472*RD8*20261028-20261030~"),
		claims: `[{"patient_control_number":"PCN9","payer_claim_control_number":"PAY9","charge":"235.00","paid":"160.00",` +
			`"service_date_from":"2026-10-28","service_date_to":"2026-10-30",` +
			`"statuses":[{"category":"F1","code":"65","date":"2026-11-15","charge":"235.00","paid":"160.00","adjudication_date":"2026-11-14",` +
			`"payment_method":"ACH","check_date":"2026-11-16","check_number":"EFT77"}],` +
			`"patient":{"last_name":"DOE","first_name":"JIM","member_id":"SUB1"},"subscriber":{"last_name":"DOE","first_name":"JOHN","member_id":"SUB1"}}]`,
	}, {
		name: "missing segments and unparseable values",
		in: set("005010X214", "HL*1**20*1~NM1*PR*2*P~HL*2*1*21*1~NM1*41*2*R~TRN*2*B1~"+
			"HL*3*2*19*1~TRN*1*T3~QTY*QA*X~AMT*YU*1,00~"+
			"HL*4*3*PT~NM1*QC*1*A~TRN*2*PCN1~SVC*HC:1*ABC~DTP*472*RD8*20261102~"+
			"HL*5*3*PT~NM1*QC*1*B~STC*A1:20*2026-11-20*WQ*12.345~DTP*472*XX*1~"+
			"HL*6*3*PT~NM1*QC*1*C~HL*7*99*PT~HL*8*7*ZZ~NM1*X~"),
		claims: `[{"patient_control_number":"PCN1","statuses":[],"service_lines":[{"procedure":{"qualifier":"HC","code":"1"},"service_date_from":"2026-11-02","statuses":[]}],"patient":{"last_name":"A"}},` +
			`{"patient_control_number":"","statuses":[{"category":"A1","code":"20","date":"2026-11-20","action_code":"WQ"}],"patient":{"last_name":"B"}}]`,
		errs: "ST:0:missing_segment HL:0:missing_segment HL:0:missing_segment HL:0:missing_segment HL:0:missing_segment " +
			"HL:0:missing_segment QTY:2:syntax AMT:2:syntax TRN:0:missing_segment SVC:2:syntax SVC:0:missing_segment DTP:3:syntax " +
			"STC:2:syntax STC:4:syntax STC:0:missing_segment DTP:2:syntax HL:0:missing_segment HL:2:hierarchy HL:0:missing_segment HL:0:missing_segment HL:3:hierarchy",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, errs := decode(t, tt.in)
			for _, c := range cs.Claims {
				c.Payer, c.BillingProvider = nil, nil
			}
			if got := x12test.JSON(t, cs.Claims); got != tt.claims {
				t.Errorf("claims\n got %s\nwant %s", got, tt.claims)
			}
			if got := strings.Join(errs, " "); got != tt.errs {
				t.Errorf("errors\n got %s\nwant %s", got, tt.errs)
			}
		})
	}
}

// TestLevels checks the levels above the claims, the links from a claim to
// them, and positions.
func TestLevels(t *testing.T) {
	cs, errs := decode(t, set("005010X214", head+"HL*4*3*PT~NM1*QC*1*DOE*JOHN****MI*M1~TRN*2*PCN1~STC*A2:20*20261120*WQ*235~"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := `{"type":"277","implementation":"005010X214","reference":"B1","date":"2026-11-20","time":"10:15","transaction_type":"TH",` +
		`"sources":[{"entity":"PR","name":"SIM HEALTH PLAN","id_qualifier":"PI","id":"SIMPAYER","trace_number":"T1","receipt_date":"2026-11-20","process_date":"2026-11-20"}],` +
		`"receivers":[{"entity":"41","name":"CLAIMSGW","id_qualifier":"46","id":"CLAIMSGW","trace_number":"B1",` +
		`"statuses":[{"category":"A1","code":"19","entity":"PR","date":"2026-11-20","action_code":"WQ","charge":"420.00"}],` +
		`"accepted_quantity":"1","rejected_quantity":"1","accepted_amount":"235.00","rejected_amount":"185.00"}],` +
		`"providers":[{"entity":"85","name":"RIVERSIDE FAMILY MEDICINE","npi":"1234567893","trace_number":"T3",` +
		`"accepted_quantity":"1","rejected_quantity":"1","accepted_amount":"235.00","rejected_amount":"185.00"}],`
	if got := x12test.JSON(t, cs); !strings.HasPrefix(got, want) {
		t.Errorf("got %s\nwant prefix %s", got, want)
	}
	c := cs.Claims[0]
	if c.BillingProvider != &cs.Providers[0].Party || c.Payer != &cs.Sources[0].Party {
		t.Errorf("claim links: provider %v payer %v", c.BillingProvider, c.Payer)
	}
	// ST is position 1; stream indexes count ISA and GS too.
	if cs.Pos.Position != 1 || cs.Receivers[0].Pos.Position != 8 || cs.Providers[0].Party.Pos.Position != 17 ||
		c.Patient.Pos.Position != 24 || c.Pos.Position != 25 || c.Statuses[0].Pos.Position != 26 || c.Statuses[0].Pos.Index != 28 {
		t.Errorf("positions: set %+v receiver %+v provider NM1 %+v patient %+v claim %+v status %+v",
			cs.Pos, cs.Receivers[0].Pos, cs.Providers[0].Party.Pos, c.Patient.Pos, c.Pos, c.Statuses[0].Pos)
	}
}

func TestCategoryDescription(t *testing.T) {
	for code, want := range map[string]string{
		"A1": "acknowledgement/receipt",
		"A3": "acknowledgement/returned as unprocessable claim",
		"A7": "acknowledgement/rejected for invalid information",
		"E0": "response not possible - error on submitted request data",
		"F2": "finalized/denial",
		"P1": "pending/in process",
		"R4": "requests for additional information/documentation",
		"D0": "data search unsuccessful",
		"ZZ": "",
	} {
		if got := status.CategoryDescription(code); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}

func TestServiceDates(t *testing.T) {
	for _, tt := range []struct{ dtp, from, to, errs string }{
		{"D8*20261102", "2026-11-02", "2026-11-02", ""},
		{"RD8*20261028-20261103", "2026-10-28", "2026-11-03", ""},
		{"D8*20260230", "20260230", "20260230", "DTP:3:syntax"},
		{"RD8*20261028", "2026-10-28", "", "DTP:3:syntax"},
		{"RD8*20261028-2026110", "2026-10-28", "2026110", "DTP:3:syntax"},
		{"DT*202610281015", "", "", "DTP:2:syntax"},
	} {
		cs, errs := decode(t, set("005010X214", head+"HL*4*3*PT~NM1*QC*1*DOE~TRN*2*PCN1~STC*A2:20*20261120*WQ*235~DTP*472*"+tt.dtp+"~"))
		c := cs.Claims[0]
		if c.ServiceDateFrom != tt.from || c.ServiceDateTo != tt.to || strings.Join(errs, " ") != tt.errs {
			t.Errorf("DTP*472*%s: from %q to %q errors %v, want %q %q %q", tt.dtp, c.ServiceDateFrom, c.ServiceDateTo, errs, tt.from, tt.to, tt.errs)
		}
	}
}

// TestGuide checks that a set without ST03 is held to the 277CA rules when
// GS08 or BHT06 says it is one.
func TestGuide(t *testing.T) {
	body := "HL*1**20*1~NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER~TRN*1*T1~"
	for _, tt := range []struct{ gs08, bht06, errs string }{
		{"005010X214", "TH", "HL:0:missing_segment HL:0:missing_segment"},
		{"", "TH", "GS:8:trailing_separator HL:0:missing_segment HL:0:missing_segment"}, // GS08 empty: GS ends in a separator
		{"005010X212", "DG", ""},
	} {
		in := isa + "GS*HN*PAYER*CLAIMSGW*20261120*1015*9*X*" + tt.gs08 + "~ST*277*0001~BHT*0085*08*B1*20261120*1015*" + tt.bht06 + "~" +
			body + "SE*6*0001~" + end
		_, errs := decode(t, in)
		if got := strings.Join(errs, " "); got != tt.errs {
			t.Errorf("GS08 %q BHT06 %q: errors %q, want %q", tt.gs08, tt.bht06, got, tt.errs)
		}
	}
}
