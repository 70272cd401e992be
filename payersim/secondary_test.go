package payersim

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// cobPayer is the demo's second payer.
func cobPayer(id, name string, seed uint64) *Payer {
	return &Payer{Seed: seed, ID: id, Name: name, TaxID: "519876543",
		Now: func() time.Time { return time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC) }}
}

// hand837 wraps claims (each its 2000B and what follows: HL*22 to its last
// line) in an 837P to the payer receiverID, written by hand after
// 005010X222A1 (the simulator does not read 837s with the gateway's code).
func hand837(receiverID, receiverName string, claims []string) []byte {
	body := []string{
		"ST*837*0001*005010X222A1",
		"BHT*0019*00*CLAIMSGW000000001*20261120*0900*CH",
		"NM1*41*2*CLAIMSGW*****46*CLAIMSGW",
		"PER*IC*EDI SUPPORT*TE*8005550100",
		"NM1*40*2*" + receiverName + "*****46*" + receiverID,
		"HL*1**20*1",
		"PRV*BI*PXC*207Q00000X",
		"NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893",
		"N3*100 MAIN ST",
		"N4*NASHVILLE*TN*372031234",
		"REF*EI*621234567",
	}
	for i, c := range claims {
		c = strings.ReplaceAll(c, "HL*@", fmt.Sprintf("HL*%d", i+2))
		body = append(body, strings.Split(strings.TrimSpace(c), "\n")...)
	}
	body = append(body, fmt.Sprintf("SE*%d*0001", len(body)+1))
	head := []string{
		fmt.Sprintf("ISA*00*          *00*          *ZZ*%-15s*ZZ*%-15s*261120*0900*^*00501*000000001*0*T*:", "CLAIMSGW", receiverID),
		"GS*HC*CLAIMSGW*" + receiverID + "*20261120*0900*1*X*005010X222A1",
	}
	all := append(append(head, body...), "GE*1*1", "IEA*1*000000001")
	return []byte(strings.Join(all, "~\n") + "~\n")
}

// The subscriber and the claim's lines, as in the contract's
// professional-cob.json: 99214-25 185.00 and 87804 50.00. sbr01 is the
// payer's responsibility; cob is the 2320 loops, and line2430 each line's
// 2430s (%[1]s the PCN).
func handClaim(pcn, sbr01, freq, ref, cob string, line2430 [2]string) string {
	clm := "CLM*" + pcn + "*235***11:B:" + freq + "*Y*A*Y*Y\n"
	if ref != "" {
		clm += "REF*F8*" + ref + "\n"
	}
	return fmt.Sprintf(`HL*@*1*22*0
SBR*%[2]s*18*GRP7788******CI
NM1*IL*1*DOE*JOHN****MI*XJH123456789
N3*12 OAK AVE
N4*NASHVILLE*TN*37205
DMG*D8*19800201*M
NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER
%[3]sHI*ABK:J101*ABF:R509
%[4]sLX*1
SV1*HC:99214:25*185*UN*1***1:2
DTP*472*D8*20261102
REF*6R*%[1]s-1
%[5]sLX*2
SV1*HC:87804*50*UN*1***1
DTP*472*D8*20261102
REF*6R*%[1]s-2
%[6]s`, pcn, sbr01, clm, cob, line2430[0], line2430[1])
}

// listsSecondary is the 2320 of a primary's claim naming its secondary
// payer.
const listsSecondary = `SBR*S*01*SG100******CI
OI***Y*P**Y
NM1*IL*1*DOE*MARY****MI*SEC99887766
NM1*PR*2*SECOND HEALTH PLAN*****PI*SIMPAYER2
`

// primaryPaid is the 2320 of a claim to the secondary payer with the
// primary's adjudication: 99214 allowed 148.00, paid 128.00, CO-45 37.00,
// PR-3 20.00; 87804 allowed 40.00, paid 32.00, CO-45 10.00, PR-2 8.00.
const primaryPaid = `SBR*P*18*GRP7788******CI
AMT*D*160
AMT*EAF*28
OI***Y*P**Y
NM1*IL*1*DOE*JOHN****MI*XJH123456789
NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER
DTP*573*D8*20261110
REF*F8*SIM0000000001
`

var primaryLines = [2]string{
	"SVD*SIMPAYER*128*HC:99214:25**1\nCAS*CO*45*37\nCAS*PR*3*20\nDTP*573*D8*20261110\n",
	"SVD*SIMPAYER*32*HC:87804**1\nCAS*CO*45*10\nCAS*PR*2*8\nDTP*573*D8*20261110\n",
}

// secondaryClaim is a claim to SIMPAYER2 as secondary: its subscriber in
// 2010BA, the primary's adjudication in 2320/2330B/2430.
func secondaryClaimText(pcn, freq, ref, cob string, lines [2]string) string {
	c := handClaim(pcn, "S", freq, ref, cob, lines)
	c = strings.Replace(c, "NM1*IL*1*DOE*JOHN****MI*XJH123456789", "NM1*IL*1*DOE*JOHN****MI*SEC99887766", 1)
	return strings.Replace(c, "NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER", "NM1*PR*2*SECOND HEALTH PLAN*****PI*SIMPAYER2", 1)
}

// decode835 reads an 835 with x12/remit's decoder, checking it as a poster
// would (checkBalanced) and that every line balances in the model.
func decode835(t *testing.T, data []byte) []*remit.Claim {
	t.Helper()
	checkBalanced(t, segments(t, data))
	rs, errs, err := remit.Decode(bytes.NewReader(data))
	if err != nil || len(errs) > 0 {
		t.Fatalf("835 does not decode: %v %v\n%s", err, errs, data)
	}
	var out []*remit.Claim
	for _, r := range rs {
		var paid money.Cents
		for _, c := range r.Claims {
			paid += c.Paid
			var adj, lines money.Cents
			for _, a := range c.Adjustments {
				adj += a.Amount
			}
			for _, l := range c.ServiceLines {
				var la money.Cents
				for _, a := range l.Adjustments {
					la += a.Amount
				}
				if l.Charge != l.Paid+la {
					t.Errorf("%s line %s: charge %s != paid %s + CAS %s", c.PatientControlNumber, l.Procedure.Code, l.Charge, l.Paid, la)
				}
				adj, lines = adj+la, lines+l.Paid
			}
			if c.Charge != c.Paid+adj || c.Paid != lines {
				t.Errorf("%s: charge %s, paid %s (lines %s), adjustments %s", c.PatientControlNumber, c.Charge, c.Paid, lines, adj)
			}
			out = append(out, c)
		}
		for _, pa := range r.ProviderAdjustments {
			paid -= pa.Amount
		}
		if r.Payment.Amount != paid {
			t.Errorf("BPR02 %s, claims paid less PLBs %s", r.Payment.Amount, paid)
		}
	}
	return out
}

func answer835s(t *testing.T, answers []Answer) (all []*remit.Claim, data [][]byte) {
	t.Helper()
	for _, a := range answers {
		if a.Kind == "999" && !bytes.Contains(a.Data, []byte("IK5*A")) {
			t.Fatalf("the 837 is rejected:\n%s", a.Data)
		}
		if a.Kind == "835" {
			all = append(all, decode835(t, a.Data)...)
			data = append(data, a.Data)
		}
	}
	return all, data
}

// adjs sums a line's CAS by group-reason.
func adjs(l *remit.ServiceLine) map[string]money.Cents {
	m := map[string]money.Cents{}
	for _, a := range l.Adjustments {
		m[a.Group+"-"+a.Reason] += a.Amount
	}
	return m
}

// The secondary payer answers a claim whose 2000B SBR01 is S after the
// primary's adjudication the 837 carries (2320 AMT*D, 2430 SVD and CAS):
// CLP02 2, each line OA-23 = its charge less what the primary left to the
// patient (165.00, 42.00), paid its allowed amount less the primary's
// payment within that (20.00 and 8.00), less its 10% coinsurance (PR-2),
// so that paid + CO + PR = the primary's PR on the line. About 15% of
// such claims are denied as secondary: CLP02 4, OA-23 and PR-204. Every
// 835 balances, and the 837 passes the strict payer's guide checks.
func TestSecondaryPricesAfterThePrimary(t *testing.T) {
	var claims []string
	for i := range 40 {
		claims = append(claims, secondaryClaimText(fmt.Sprintf("PCNS%03d", i), "1", "", primaryPaid, primaryLines))
	}
	in := hand837("SIMPAYER2", "SECOND HEALTH PLAN", claims)
	p := cobPayer("SIMPAYER2", "SECOND HEALTH PLAN", 5)
	answers, err := p.Answer("cob.837", in)
	if err != nil {
		t.Fatal(err)
	}
	got, files := answer835s(t, answers)
	if len(got) != 40 || len(files) != 1 {
		t.Fatalf("%d CLPs in %d 835s, want 40 in one (no second 835: a secondary claim is not reversed)", len(got), len(files))
	}
	priorPR := []money.Cents{2000, 800}
	wantPaid := []money.Cents{1800, 720}
	denied := 0
	for _, c := range got {
		for i, l := range c.ServiceLines {
			a := adjs(l)
			if a["OA-23"] != l.Charge-priorPR[i] {
				t.Errorf("%s line %d: OA-23 %s, want %s", c.PatientControlNumber, i+1, a["OA-23"], l.Charge-priorPR[i])
			}
			rest := l.Paid
			for k, v := range a {
				if k != "OA-23" {
					rest += v
				}
			}
			if rest != priorPR[i] || l.Paid > priorPR[i] {
				t.Errorf("%s line %d: paid %s + CO + PR = %s, not the prior PR %s", c.PatientControlNumber, i+1, l.Paid, rest, priorPR[i])
			}
			switch c.StatusCode {
			case "2":
				if l.Paid != wantPaid[i] || a["PR-2"] != priorPR[i]-wantPaid[i] || a["CO-45"] != 0 {
					t.Errorf("%s line %d: paid %s, CAS %v", c.PatientControlNumber, i+1, l.Paid, a)
				}
			case "4":
				if l.Paid != 0 || a["PR-204"] != priorPR[i] {
					t.Errorf("%s line %d denied: paid %s, CAS %v", c.PatientControlNumber, i+1, l.Paid, a)
				}
			default:
				t.Errorf("%s: CLP02 %s, want 2 or 4", c.PatientControlNumber, c.StatusCode)
			}
		}
		want := money.Cents(280)
		if c.StatusCode == "4" {
			denied++
			want = 2800
		}
		if c.PatientResponsibility != want {
			t.Errorf("%s: CLP05 %s, want %s", c.PatientControlNumber, c.PatientResponsibility, want)
		}
	}
	if denied == 0 || denied > 12 {
		t.Errorf("%d of 40 denied as secondary, want about 15%%", denied)
	}
	again, err := cobPayer("SIMPAYER2", "SECOND HEALTH PLAN", 5).Answer("cob.837", in)
	if err != nil || len(again) != len(answers) || !bytes.Equal(again[len(again)-1].Data, answers[len(answers)-1].Data) {
		t.Error("the secondary's 835 is not the same twice with the same seed")
	}
	pyx12(t, map[string][]byte{"secondary.837": in, "secondary.835": files[0]})
}

// Without a 2430, the prior payer's claim-level adjudication is spread
// over the lines by their charges: its PR CAS (deductible 50.00) and what
// its AMT*D adds. A tertiary payer (SBR01 T) follows the secondary, and a
// secondary claim without any prior adjudication is denied CO-16 MA04.
func TestSecondaryClaimLevelAndTertiary(t *testing.T) {
	claimLevel := strings.Replace(primaryPaid, "AMT*D*160", "CAS*PR*1*50\nCAS*CO*45*10\nAMT*D*175", 1)
	claimLevel = strings.Replace(claimLevel, "AMT*EAF*28\n", "", 1)
	// The tertiary's claim: the primary's 2320 and the secondary's, each
	// with its 2430s: the secondary paid 15.00 and 5.00 and left 2.00 and
	// 3.00 to the patient.
	tertiary := strings.Replace(secondaryClaimText("PCNT1", "1", "", primaryPaid+`SBR*S*18*SG100******CI
AMT*D*20
OI***Y*P**Y
NM1*IL*1*DOE*JOHN****MI*SEC99887766
NM1*PR*2*SECOND HEALTH PLAN*****PI*SIMPAYER2
`, [2]string{
		primaryLines[0] + "SVD*SIMPAYER2*15*HC:99214:25**1\nCAS*CO*45*3\nCAS*PR*2*2\nDTP*573*D8*20261115\n",
		primaryLines[1] + "SVD*SIMPAYER2*5*HC:87804**1\nCAS*PR*2*3\nDTP*573*D8*20261115\n",
	}), "SBR*S*18*GRP7788", "SBR*T*18*GRP7788", 1)
	in := hand837("SIMPAYER2", "SECOND HEALTH PLAN", []string{
		secondaryClaimText("PCNC1", "1", "", claimLevel, [2]string{}),
		tertiary,
		secondaryClaimText("PCNN1", "1", "", "SBR*P*18*GRP7788******CI\nOI***Y*P**Y\nNM1*IL*1*DOE*JOHN****MI*XJH123456789\nNM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER\n", [2]string{}),
	})
	answers, err := cobPayer("SIMPAYER3", "THIRD HEALTH PLAN", 5).Answer("cob.837", in)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := answer835s(t, answers)
	byPCN := map[string]*remit.Claim{}
	for _, c := range got {
		byPCN[c.PatientControlNumber] = c
	}
	// 50.00 of deductible over 185.00 and 50.00: 39.36 and 10.64.
	c := byPCN["PCNC1"]
	if c == nil || len(c.ServiceLines) != 2 {
		t.Fatalf("PCNC1: %+v", c)
	}
	for i, pr := range []money.Cents{3936, 1064} {
		if a := adjs(c.ServiceLines[i]); a["OA-23"] != c.ServiceLines[i].Charge-pr {
			t.Errorf("PCNC1 line %d: OA-23 %s, want %s", i+1, a["OA-23"], c.ServiceLines[i].Charge-pr)
		}
	}
	// The tertiary: the secondary's PR (2.00, 3.00) is what is left;
	// both payers' SVD02s are what was paid (143.00, 37.00).
	c = byPCN["PCNT1"]
	if c == nil || (c.StatusCode != "3" && c.StatusCode != "4") {
		t.Fatalf("PCNT1: %+v", c)
	}
	for i, pr := range []money.Cents{200, 300} {
		l := c.ServiceLines[i]
		if a := adjs(l); a["OA-23"] != l.Charge-pr || l.Paid > pr {
			t.Errorf("PCNT1 line %d: paid %s, CAS %v; prior PR %s", i+1, l.Paid, a, pr)
		}
	}
	if c.StatusCode == "3" && (c.ServiceLines[0].Paid != 180 || c.ServiceLines[1].Paid != 270) {
		t.Errorf("PCNT1 paid %s and %s, want 1.80 and 2.70", c.ServiceLines[0].Paid, c.ServiceLines[1].Paid)
	}
	c = byPCN["PCNN1"]
	if c == nil || c.StatusCode != "4" || adjs(c.ServiceLines[0])["CO-16"] != 18500 {
		t.Errorf("PCNN1, without the primary's adjudication: %+v", c)
	}
}

// A primary crosses a claim over only when it lists a secondary payer
// (2320 SBR01 S), a quarter of them, naming that payer in NM1*TT as the
// 2330B did; a claim listing none is never forwarded. The secondary
// answers the claims crossed over to it (the hook) with an 835 of its own
// on its next round: same PCNs, CLP02 2 (or 4), priced after the
// primary's decision, balanced; and the same with the same seeds.
func TestCrossoverToTheListedSecondary(t *testing.T) {
	var files835 [][]byte
	run := func() (primary []Answer, crossover []Answer, listed, plain []*remit.Claim, paid map[string]*remit.Claim) {
		var claims []string
		for i := range 100 {
			claims = append(claims, handClaim(fmt.Sprintf("PCNL%03d", i), "P", "1", "", listsSecondary, [2]string{}))
			claims = append(claims, handClaim(fmt.Sprintf("PCNX%03d", i), "P", "1", "", "", [2]string{}))
		}
		p1 := cobPayer("SIMPAYER", "SIM HEALTH PLAN", 7)
		p2 := cobPayer("SIMPAYER2", "SECOND HEALTH PLAN", 9)
		p3 := cobPayer("OTHERPAYER", "OTHER", 9)
		p1.Crossover = func(c CrossedOver) { p2.CrossOver(c); p3.CrossOver(c) }
		primary, err := p1.Answer("primary.837", hand837("SIMPAYER", "SIM HEALTH PLAN", claims))
		if err != nil {
			t.Fatal(err)
		}
		got, files := answer835s(t, primary)
		files835 = files
		paid = map[string]*remit.Claim{}
		for _, c := range got {
			if c.StatusCode == "22" {
				continue
			}
			paid[c.PatientControlNumber] = c
			if strings.HasPrefix(c.PatientControlNumber, "PCNL") {
				listed = append(listed, c)
			} else {
				plain = append(plain, c)
			}
		}
		if a, _ := p3.CrossoverAnswers(); len(a) != 0 {
			t.Errorf("a payer the claims were not crossed over to answers them: %v", a)
		}
		crossover, err = p2.CrossoverAnswers()
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := p2.CrossoverAnswers(); len(again) != 0 {
			t.Error("the claims crossed over are answered twice")
		}
		return primary, crossover, listed, plain, paid
	}
	primary, crossover, listed, plain, paid := run()
	forwarded := map[string]bool{}
	for _, c := range listed {
		if c.StatusCode == "19" {
			forwarded[c.PatientControlNumber] = true
			tt := c.CrossoverCarrier
			if tt == nil || tt.LastName != "SECOND HEALTH PLAN" || tt.IDQualifier != "PI" || tt.ID != "SIMPAYER2" {
				t.Errorf("%s: NM1*TT %+v", c.PatientControlNumber, tt)
			}
		}
	}
	if n := len(forwarded); n < 15 || n > 35 {
		t.Errorf("%d of 100 claims listing a secondary payer forwarded, want about 25", n)
	}
	for _, c := range plain {
		if c.StatusCode == "19" || c.CrossoverCarrier != nil {
			t.Errorf("%s lists no secondary payer but is forwarded", c.PatientControlNumber)
		}
	}
	if len(crossover) != 1 || crossover[0].Kind != "835" || !strings.HasSuffix(crossover[0].Name, "_crossover.835") {
		t.Fatalf("crossover answers %v", crossover)
	}
	if !bytes.Contains(crossover[0].Data, []byte("*ZZ*SIMPAYER2      *ZZ*CLAIMSGW       *")) || !bytes.Contains(crossover[0].Data, []byte("N1*PR*SECOND HEALTH PLAN~")) {
		t.Errorf("the crossover 835 is not SIMPAYER2's to the gateway:\n%s", crossover[0].Data)
	}
	got := decode835(t, crossover[0].Data)
	if len(got) != len(forwarded) {
		t.Errorf("the secondary answers %d claims, %d were crossed over", len(got), len(forwarded))
	}
	for _, c := range got {
		first := paid[c.PatientControlNumber]
		if !forwarded[c.PatientControlNumber] || first == nil || (c.StatusCode != "2" && c.StatusCode != "4") {
			t.Errorf("%s: CLP02 %s, not a claim crossed over", c.PatientControlNumber, c.StatusCode)
			continue
		}
		if c.Charge != first.Charge || c.Patient.MemberID != "SEC99887766" {
			t.Errorf("%s: charge %s (primary %s), member %s", c.PatientControlNumber, c.Charge, first.Charge, c.Patient.MemberID)
		}
		for i, l := range c.ServiceLines {
			pr := adjs(first.ServiceLines[i])
			primaryPR := pr["PR-2"] + pr["PR-3"]
			if a := adjs(l); a["OA-23"] != l.Charge-primaryPR || l.Paid > primaryPR {
				t.Errorf("%s line %d: paid %s, CAS %v; the primary left %s", c.PatientControlNumber, i+1, l.Paid, a, primaryPR)
			}
		}
	}
	primary2, crossover2, _, _, _ := run()
	for i := range primary {
		if !bytes.Equal(primary[i].Data, primary2[i].Data) {
			t.Errorf("%s differs with the same seed", primary[i].Name)
		}
	}
	if !bytes.Equal(crossover[0].Data, crossover2[0].Data) {
		t.Error("the crossover 835 differs with the same seeds")
	}
	check := map[string][]byte{"crossover.835": crossover[0].Data}
	for i, f := range files835 {
		check[fmt.Sprintf("primary-%d.835", i)] = f
	}
	pyx12(t, check)
}

// The secondary's Run writes the 835 of the claims crossed over to it into
// its outbound directory, where the gateway picks it up.
func TestRunWritesCrossoverAnswers(t *testing.T) {
	p1 := cobPayer("SIMPAYER", "SIM HEALTH PLAN", 7)
	p2 := cobPayer("SIMPAYER2", "SECOND HEALTH PLAN", 9)
	p1.Crossover = p2.CrossOver
	var claims []string
	for i := range 20 {
		claims = append(claims, handClaim(fmt.Sprintf("PCNL%03d", i), "P", "1", "", listsSecondary, [2]string{}))
	}
	if _, err := p1.Answer("primary.837", hand837("SIMPAYER", "SIM HEALTH PLAN", claims)); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, d := range []string{InboundDir, OutboundDir, ArchiveDir} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := p2.answerAll(root); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, OutboundDir, "*_crossover.835"))
	if len(files) != 1 {
		t.Fatalf("outbound: %v", files)
	}
}

// A void (CLM05-3 8) of a claim the payer knows (REF*F8 its claim number
// for the PCN) gets CLP02 22: the payer's last adjudication of it, every
// amount negated, nothing new paid; a void naming a claim number the
// payer never gave is rejected by the 277CA (A7:464) and gets no 835.
func TestVoids(t *testing.T) {
	p := cobPayer("SIMPAYER2", "SECOND HEALTH PLAN", 5)
	var orig, voids []string
	for i := range 10 {
		pcn := fmt.Sprintf("PCNV%03d", i)
		orig = append(orig, secondaryClaimText(pcn, "1", "", primaryPaid, primaryLines))
		voids = append(voids, secondaryClaimText(pcn, "8", p.payerClaimNumber(pcn), primaryPaid, primaryLines))
	}
	voids = append(voids, secondaryClaimText("PCNV999", "8", "SIM0000000000", primaryPaid, primaryLines))
	answers, err := p.Answer("orig.837", hand837("SIMPAYER2", "SECOND HEALTH PLAN", orig))
	if err != nil {
		t.Fatal(err)
	}
	first, _ := answer835s(t, answers)
	in := hand837("SIMPAYER2", "SECOND HEALTH PLAN", voids)
	answers, err = p.Answer("void.837", in)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range answers {
		if a.Kind == "277CA" && !bytes.Contains(a.Data, []byte("STC*A7:464*")) {
			t.Errorf("the 277CA does not reject the void of an unknown claim:\n%s", a.Data)
		}
	}
	got, files := answer835s(t, answers)
	if len(got) != len(first) {
		t.Fatalf("%d reversals of %d claims", len(got), len(first))
	}
	for i, c := range got {
		o := first[i]
		if c.StatusCode != "22" || c.PatientControlNumber != o.PatientControlNumber || c.PayerClaimControlNumber != o.PayerClaimControlNumber ||
			c.Charge != -o.Charge || c.Paid != -o.Paid || c.PatientResponsibility != -o.PatientResponsibility || c.Frequency != "8" {
			t.Errorf("reversal %+v of %+v", c, o)
		}
		for j, l := range c.ServiceLines {
			ol := o.ServiceLines[j]
			for k, a := range l.Adjustments {
				if oa := ol.Adjustments[k]; a.Group != oa.Group || a.Reason != oa.Reason || a.Amount != -oa.Amount {
					t.Errorf("%s line %d: %+v reverses %+v", c.PatientControlNumber, j+1, a, oa)
				}
			}
		}
	}
	pyx12(t, map[string][]byte{"void.837": in, "void.835": files[0]})
}

// pyx12 validates the files when the tool can run (x12test.Pyx12 skips
// the test, saying why, where it cannot).
func pyx12(t *testing.T, files map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	for f, errs := range x12test.Pyx12Errors(t, paths...) {
		t.Errorf("pyx12 finds errors in %s:\n  %s", filepath.Base(f), strings.Join(errs, "\n  "))
	}
}
