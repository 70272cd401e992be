package payersim_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/payersim"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// A payer that adjudicates codes denies what slipped past the gateway's
// edits: a header diagnosis (the claim, CO-16 M76), a terminated HCPCS
// code (CO-181), an unbundled NCCI pair (CO-97), units over the MUE
// (CO-151); the other lines are paid.
func TestPayerDeniesCodingErrors(t *testing.T) {
	dir := testutil.Shared(t, "codesets")
	var sets []*codeset.Set
	for name, data := range map[string][]byte{
		"ccipra-v311r0-f1.txt":                            []byte("99214\t87804\t\t20240101\t*\t1\tStandards of medical / surgical services\n"),
		"MCR_MUE_PractitionerServices_Eff_01-01-2025.csv": []byte("\"J1100\",\"10\",\"1 Line Edit\",\"Prescribing Information\"\n"),
	} {
		s, err := codeset.Parse(name, "", data)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, s)
	}
	for _, zip := range []string{"icd10cm-code-descriptions-2025.zip", "hcpcs-2020-alpha-numeric.zip"} {
		data, err := os.ReadFile(dir + "/" + zip)
		if err != nil {
			t.Fatal(err)
		}
		s, err := codeset.Parse(zip, "", data)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, s)
	}
	example, err := os.ReadFile(testutil.Shared(t, "contracts", "examples", "professional.json"))
	if err != nil {
		t.Fatal(err)
	}
	base := strings.ReplaceAll(string(example), "2026-11-02", "2025-03-10")
	cases := map[string]struct {
		from, to string // in the example
		status   string // CLP02
		cas      []string
	}{
		"PCNHDR": {`"R50.9"`, `"E11"`, "4", []string{"CO-16", "CO-16"}},
		"PCNTRM": {`"87804"`, `"A4466"`, "1", []string{"CO-45", "PR-3", "CO-181"}},
		"PCNPTP": {`"modifiers": ["25"]`, `"modifiers": ["GT"]`, "1", []string{"CO-45", "PR-3", "CO-97"}},
		"PCNMUE": {`"code": "87804"}, "charge": "50.00", "units": "1"`, `"code": "J1100"}, "charge": "50.00", "units": "11"`, "1", []string{"CO-45", "PR-3", "CO-151"}},
		"PCNOK":  {`"R50.9"`, `"R50.9"`, "", nil},
	}
	var claims []claim.Claim
	for pcn, c := range cases {
		src := strings.Replace(strings.Replace(base, c.from, c.to, 1), "PCN000123", pcn, -1)
		e, err := encounter.DecodeBytes([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		encounter.Normalize(e)
		claims = append(claims, encounter.ToClaim(e, claim.Payer{Name: "SIM HEALTH PLAN", ID: demo.PayerID}))
	}
	var buf bytes.Buffer
	if _, err := claim.Write(&buf, claim.Batch{
		SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: demo.PayerID, Usage: 'T',
		Delimiters: x12.DefaultDelimiters, Time: time.Date(2025, 3, 12, 9, 0, 0, 0, time.UTC),
		InterchangeControlNumber: 1, GroupControlNumber: 1, TransactionControlNumber: 1, ReferenceID: "CLAIMSGW000000001",
		Submitter: claim.Submitter{Name: "CLAIMSGW", ID: "CLAIMSGW", ContactName: "EDI SUPPORT", Phone: "8005550100"},
		Receiver:  claim.Receiver{Name: "SIM HEALTH PLAN", ID: demo.PayerID},
	}, claims); err != nil {
		t.Fatal(err)
	}
	p := &payersim.Payer{Seed: 3, ID: demo.PayerID, Name: "SIM HEALTH PLAN", TaxID: "512345678", Codes: codeset.NewBundle(sets),
		Now: func() time.Time { return time.Date(2025, 3, 20, 10, 15, 0, 0, time.UTC) }}
	answers, err := p.Answer("claims.837", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// The CLPs and the CAS of their lines, from the 835s.
	status, cas := map[string]string{}, map[string][]string{}
	var pcn string
	for _, a := range answers {
		if a.Kind != "835" {
			continue
		}
		for _, seg := range strings.Split(string(a.Data), "~") {
			el := strings.Split(strings.TrimSpace(seg), "*")
			switch el[0] {
			case "CLP":
				pcn = el[1]
				status[pcn] = el[2]
			case "CAS":
				for i := 2; i+1 < len(el); i += 3 {
					cas[pcn] = append(cas[pcn], el[1]+"-"+el[i])
				}
			}
		}
	}
	for pcn, c := range cases {
		if c.status == "" {
			if slices.ContainsFunc(cas[pcn], func(s string) bool { return s == "CO-16" || s == "CO-97" || s == "CO-151" || s == "CO-181" }) {
				t.Errorf("%s: a clean claim denied for its codes: %v", pcn, cas[pcn])
			}
			continue
		}
		if status[pcn] != c.status || !slices.Equal(cas[pcn], c.cas) {
			t.Errorf("%s: CLP02 %s, CAS %v; want %s, %v", pcn, status[pcn], cas[pcn], c.status, c.cas)
		}
	}
}
