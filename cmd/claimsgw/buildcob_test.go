package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12/x12test"
)

// cobExample is the contract's encounter with a secondary payer.
const cobExample = "../../../shared/contracts/examples-dental-cob/professional-cob.json"

func cobExampleFile(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(cobExample); err != nil {
		t.Skipf("the contract's COB example is not in %s (the shared directory beside the repository); skipping", cobExample)
	}
	return cobExample
}

// primary835 is the primary's 835 for the COB example (PCN000124, 235.00
// on 99214-25 185.00 and 87804 50.00), the CLP and its SVC loops as given:
// the envelope, payer, payee and SE count around them.
func primary835(clp string, svcs ...string) string {
	body := []string{
		"BPR*I*%s*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*888888888*DA*987654*20261110",
		"TRN*1*EFT0001*1512345678",
		"DTM*405*20261110",
		"N1*PR*SIM HEALTH PLAN",
		"N3*1 PAYER WAY",
		"N4*NASHVILLE*TN*37201",
		"PER*BL*EDI SUPPORT*TE*8005550199",
		"N1*PE*RIVERSIDE FAMILY MEDICINE*XX*1234567893",
		"REF*TJ*621234567",
		"LX*1",
		clp,
		"NM1*QC*1*DOE*JOHN****MI*XJH123456789",
	}
	body = append(body, svcs...)
	paid := strings.Split(clp, "*")[4]
	body[0] = fmt.Sprintf(body[0], paid)
	var b strings.Builder
	b.WriteString("ISA*00*          *00*          *ZZ*SIMPAYER       *ZZ*CLAIMSGW       *261110*1200*^*00501*000000101*0*T*:~\n")
	b.WriteString("GS*HP*SIMPAYER*CLAIMSGW*20261110*1200*101*X*005010X221A1~\nST*835*0001~\n")
	for _, s := range body {
		b.WriteString(s + "~\n")
	}
	fmt.Fprintf(&b, "SE*%d*0001~\nGE*1*101~\nIEA*1*000000101~\n", len(body)+2)
	return b.String()
}

// The primary paid 150.00 of 235.00 and left 35.00 to the patient.
var partialSVCs = []string{
	"SVC*HC:99214:25*185*120**1", "DTM*472*20261102", "CAS*CO*45*40", "CAS*PR*2*25", "REF*6R*PCN000124-1", "AMT*B6*145",
	"SVC*HC:87804*50*30**1", "DTM*472*20261102", "CAS*CO*45*10", "CAS*PR*3*10", "REF*6R*PCN000124-2", "AMT*B6*40",
}

const partialCLP = "CLP*PCN000124*1*235*150*35*12*PAYERCLM123"

// claim build --primary-835 prints the claim to the secondary payer: its
// subscriber in 2000B (SBR*S), the primary in 2320 (SBR*P) with what it
// paid (AMT*D) and left the patient (AMT*EAF), 2330B DTP*573/REF*F8, an SVD
// and the line's CAS per line; the 837 passes the guide engine and pyx12. --json prints the
// same claim as the model.
func TestClaimBuildCOB(t *testing.T) {
	enc := cobExampleFile(t)
	remit := writeTemp(t, "primary.835", primary835(partialCLP, partialSVCs...))
	code, out, errOut := runClaimCLI(t, "", "claim", "build", "--primary-835", remit, "--control", "7", enc)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{
		"*ZZ*SIMPAYER2      *", "NM1*40*2*SECOND HEALTH PLAN*****46*SIMPAYER2~\n",
		"SBR*S**SG100******CI~\nNM1*IL*1*DOE*MARY****MI*SEC99887766~\n", "NM1*PR*2*SECOND HEALTH PLAN*****PI*SIMPAYER2~\n",
		"SBR*P*18*GRP7788******CI~\n", "AMT*D*150~\n", "AMT*EAF*35~\n",
		"NM1*IL*1*DOE*JOHN****MI*XJH123456789~\n", "NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER~\nDTP*573*D8*20261110~\nREF*F8*PAYERCLM123~\n",
		"SVD*SIMPAYER*120*HC:99214:25**1~\nCAS*CO*45*40~\nCAS*PR*2*25~\nDTP*573*D8*20261110~\n",
		"SVD*SIMPAYER*30*HC:87804**1~\nCAS*CO*45*10~\nCAS*PR*3*10~\nDTP*573*D8*20261110~\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("837 lacks %q", want)
		}
	}
	if strings.Index(out, "SBR*S*") > strings.Index(out, "CLM*") {
		t.Errorf("SBR*S is not the 2000B subscriber's:\n%s", out)
	}
	if t.Failed() {
		t.Fatalf("the 837:\n%s", out)
	}
	code, vout, verr := runClaimCLI(t, out, "x12", "validate", "-")
	if code != exitOK {
		t.Fatalf("the built 837 does not validate (exit %d):\n%s%s\n%s", code, vout, verr, out)
	}
	t.Run("pyx12", func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "secondary.837")
		if err := os.WriteFile(name, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, errs := range x12test.Pyx12Errors(t, name) {
			t.Errorf("pyx12 finds errors in the secondary 837:\n  %s\n%s", strings.Join(errs, "\n  "), out)
		}
	})

	code, js, errOut := runClaimCLI(t, "", "claim", "build", "--primary-835", remit, "--json", enc)
	if code != exitOK {
		t.Fatalf("--json: exit %d\n%s", code, errOut)
	}
	for _, want := range []string{`"payer_responsibility": "S"`, `"payer_claim_number": "PAYERCLM123"`, `"paid": "150.00"`} {
		if !strings.Contains(js, want) {
			t.Errorf("--json lacks %s:\n%s", want, js)
		}
	}
}

// What claim build --primary-835 refuses, and says why: an encounter with
// no other payers, an 835 without its claim, a crossover, a claim paid in
// full, a tertiary claim without the secondary's 835.
func TestClaimBuildCOBRefuses(t *testing.T) {
	enc := cobExampleFile(t)
	files := claimExampleFiles(t)
	single := ""
	for _, f := range files {
		if strings.HasSuffix(f, "professional.json") {
			single = f
		}
	}
	partial := writeTemp(t, "primary.835", primary835(partialCLP, partialSVCs...))
	crossover := writeTemp(t, "crossover.835", primary835(strings.Replace(partialCLP, "*1*", "*19*", 1),
		append([]string{"NM1*TT*2*SECOND HEALTH PLAN*****PI*SIMPAYER2"}, partialSVCs...)...))
	other := writeTemp(t, "other.835", primary835(strings.Replace(partialCLP, "PCN000124", "PCN999999", 1), partialSVCs...))
	twice := writeTemp(t, "twice.835", primary835(partialCLP, partialSVCs...)+
		strings.NewReplacer("000000101", "000000102", "*101*", "*102*", "GE*1*101", "GE*1*102").Replace(primary835(partialCLP, partialSVCs...)))
	full := writeTemp(t, "full.835", primary835("CLP*PCN000124*1*235*235**12*PAYERCLM123",
		"SVC*HC:99214:25*185*185**1", "DTM*472*20261102", "REF*6R*PCN000124-1", "SVC*HC:87804*50*50**1", "DTM*472*20261102", "REF*6R*PCN000124-2"))
	for _, tt := range []struct {
		name string
		args []string
		exit int
		want string
	}{
		{"no other payers", []string{"--primary-835", partial, single}, exitInvalid, "has no other_payers: there is no payer after the primary to bill"},
		{"PCN not in the 835", []string{"--primary-835", other, enc}, exitInvalid, "no CLP has CLP01 PCN000124, the encounter's patient control number (1 CLPs in 1 transaction sets)"},
		{"in two transaction sets", []string{"--primary-835", twice, enc}, exitInvalid,
			"CLP01 PCN000124 is in 2 transaction sets (ST02 0001 at segment 3, ST02 0001 at segment 33): give the 835 of the one that adjudicated the claim"},
		{"crossover", []string{"--primary-835", crossover, enc}, exitInvalid,
			"the claim was crossed over to SECOND HEALTH PLAN by the primary (CLP02 19): the secondary payer has the claim; the gateway never bills it again"},
		{"paid in full", []string{"--primary-835", full, enc}, exitInvalid, "nothing left to bill the secondary payer SIMPAYER2: the primary (SIMPAYER) paid in full (235.00)"},
		{"tertiary without the secondary's 835", []string{"--primary-835", partial, "--responsibility", "T", enc}, exitUnreadable, "--responsibility T needs the secondary payer's 835"},
		{"no tertiary payer", []string{"--primary-835", partial, "--secondary-835", partial, "--responsibility", "T", enc}, exitInvalid, "has no other payer with responsibility T"},
		{"--json without an 835", []string{"--json", enc}, exitUnreadable, "go with --primary-835"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runClaimCLI(t, "", append([]string{"claim", "build"}, tt.args...)...)
			if code != tt.exit || out != "" || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d (want %d), stdout %q, stderr:\n%s\nwant %q", code, tt.exit, out, errOut, tt.want)
			}
		})
	}
}

// With --responsibility T and the secondary's 835, the claim goes to the
// tertiary payer and carries both adjudications: 2320 SBR*P and SBR*S,
// each with its AMT*D, and an SVD per line from each.
func TestClaimBuildCOBTertiary(t *testing.T) {
	b, err := os.ReadFile(cobExampleFile(t))
	if err != nil {
		t.Fatal(err)
	}
	third := `{"payer_id": "SIMPAYER3", "name": "THIRD HEALTH PLAN", "responsibility": "T", "relationship": "18",
	  "subscriber": {"member_id": "TER555", "last_name": "DOE", "first_name": "JOHN", "claim_filing_indicator": "CI"}}`
	text := strings.Replace(string(b), `"relationship": "01"
    }`, `"relationship": "01"
    }, `+third, 1)
	if text == string(b) {
		t.Fatal("the COB example's other_payers changed: the test cannot add a tertiary payer")
	}
	enc := writeTemp(t, "tertiary.json", text)
	primary := writeTemp(t, "primary.835", primary835(partialCLP, partialSVCs...))
	secondary := writeTemp(t, "secondary.835", primary835("CLP*PCN000124*2*235*20*15*12*SECCLM77",
		"SVC*HC:99214:25*185*15**1", "DTM*472*20261102", "CAS*OA*23*160", "CAS*PR*2*10", "REF*6R*PCN000124-1",
		"SVC*HC:87804*50*5**1", "DTM*472*20261102", "CAS*OA*23*40", "CAS*PR*3*5", "REF*6R*PCN000124-2"))
	code, out, errOut := runClaimCLI(t, "", "claim", "build", "--primary-835", primary, "--secondary-835", secondary, "--responsibility", "T", enc)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"SBR*T*18*******CI~\nNM1*IL*1*DOE*JOHN****MI*TER555~", "NM1*PR*2*THIRD HEALTH PLAN*****PI*SIMPAYER3~",
		"SBR*P*18*GRP7788******CI~\nAMT*D*150~", "SBR*S*01*SG100******CI~\nAMT*D*20~", "REF*F8*SECCLM77~",
		"SVD*SIMPAYER*120*HC:99214:25**1~", "SVD*SIMPAYER2*15*HC:99214:25**1~"} {
		if !strings.Contains(out, want) {
			t.Errorf("837 lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatalf("the 837:\n%s", out)
	}
	if code, vout, verr := runClaimCLI(t, out, "x12", "validate", "-"); code != exitOK {
		t.Fatalf("the tertiary 837 does not validate (exit %d):\n%s%s\n%s", code, vout, verr, out)
	}
}

// With --config the route of the payer billed gives the envelope (ISA/GS
// IDs, usage) and the delimiters, and the routes name the payers.
func TestClaimBuildCOBConfig(t *testing.T) {
	enc := cobExampleFile(t)
	remit := writeTemp(t, "primary.835", primary835(partialCLP, partialSVCs...))
	sftp := `sftp: {host: 127.0.0.1, port: 2222, user: claimsgw, host_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGiytkmTvAVH6/Fv7x9MJtJH9ftDP2i4yD3dxh8RdKKi", auth: {private_key_file: keys/none}}`
	cfg := writeTemp(t, "claimsgw.yaml", `payers:
  - payer_id: SIMPAYER
    name: SIM PRIMARY PLAN
    isa: {sender_qualifier: ZZ, sender_id: CLAIMSGW, receiver_qualifier: ZZ, receiver_id: SIMPAYER}
    gs: {sender_code: CLAIMSGW, receiver_code: SIMPAYER}
    claim_types: [professional]
    `+sftp+`
  - payer_id: SIMPAYER2
    name: SECOND PLAN BY ROUTE
    usage: P
    delimiters: "|:^~"
    isa: {sender_qualifier: ZZ, sender_id: SUBMIT01, receiver_qualifier: "30", receiver_id: "987654321"}
    gs: {sender_code: SUBMIT01, receiver_code: SECONDGS}
    claim_types: [professional]
    `+sftp+`
`)
	code, out, errOut := runClaimCLI(t, "", "claim", "build", "--config", cfg, "--primary-835", remit, enc)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"|ZZ|SUBMIT01       |30|987654321      |", "|P|:~\n", "GS|HC|SUBMIT01|SECONDGS|",
		"NM1|40|2|SECOND PLAN BY ROUTE|||||46|SIMPAYER2~", "NM1|PR|2|SIM PRIMARY PLAN|||||PI|SIMPAYER~\nDTP|573|D8|20261110~"} {
		if !strings.Contains(out, want) {
			t.Errorf("837 lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatalf("the 837:\n%s", out)
	}
	if code, vout, verr := runClaimCLI(t, out, "x12", "validate", "-"); code != exitOK {
		t.Fatalf("the 837 does not validate (exit %d):\n%s%s\n%s", code, vout, verr, out)
	}
}
