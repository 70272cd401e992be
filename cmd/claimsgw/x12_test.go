package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/x12/x12test"
)

func TestX12Validate(t *testing.T) {
	corpus := x12test.CorpusDir(t)
	clean := filepath.Join(corpus, "835", "stupidedi-era-sample.x12")
	code, out, _ := runClaimCLI(t, "", "x12", "validate", clean)
	if code != exitOK || !strings.HasSuffix(out, clean+": valid (39 segments)\n") {
		t.Errorf("clean file: exit %d\n%s", code, out)
	}
	// An 835 whose claim does not balance: the balancing check, with its position.
	unbalanced := filepath.Join(corpus, "835", "chs-ach-ctx.x12")
	code, out, _ = runClaimCLI(t, "", "x12", "validate", unbalanced)
	if code != exitInvalid || !strings.Contains(out, unbalanced+": offset 373, segment 8 CLP04 (ISA13 000000001, GS06 1, ST02 0001): balance: ") {
		t.Errorf("unbalanced file: exit %d\n%s", code, out)
	}
	code, out, _ = runClaimCLI(t, "", "x12", "validate", "--json", unbalanced)
	var doc struct {
		Files []struct {
			Valid  bool
			Errors []struct {
				Code    string
				Element int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitInvalid || doc.Files[0].Valid {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	if code, _, _ := runClaimCLI(t, "", "x12", "validate", filepath.Join(t.TempDir(), "missing.x12")); code != exitUnreadable {
		t.Errorf("missing file: exit %d", code)
	}
}

// x12 json decodes the content, and with --carc/--rarc adds the
// descriptions of the codes the file holds.
func TestX12JSONDescriptions(t *testing.T) {
	file := filepath.Join(x12test.CorpusDir(t), "835", "stupidedi-era-sample.x12")
	carc := filepath.Join(t.TempDir(), "carc.csv")
	if err := os.WriteFile(carc, []byte("code,description\n131,Claim specific negotiated discount.\n45,Charge exceeds fee schedule\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runClaimCLI(t, "", "x12", "json", "--carc", carc, file)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Interchanges []struct {
			Groups []struct {
				Transactions []struct {
					Remittance struct {
						Payment struct{ Amount string }
						Claims  []struct {
							PatientControlNumber string `json:"patient_control_number"`
						}
					}
				}
			}
		}
		CARC map[string]string
		RARC map[string]string
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	rem := doc.Interchanges[0].Groups[0].Transactions[0].Remittance
	if rem.Payment.Amount != "132.00" || len(rem.Claims) != 1 || rem.Claims[0].PatientControlNumber != "7722337" {
		t.Errorf("remittance %+v", rem)
	}
	if len(doc.CARC) != 1 || doc.CARC["131"] != "Claim specific negotiated discount." || doc.RARC != nil {
		t.Errorf("descriptions: carc %v rarc %v", doc.CARC, doc.RARC)
	}
}

// --level N reports the errors up to SNIP level N: 1 the syntax and the
// envelopes, 2 the guide, 3 the balancing; --json gives each error's
// level and 999 codes.
func TestX12ValidateLevels(t *testing.T) {
	file := filepath.Join(x12test.CorpusDir(t), "835", "chs-ach-ctx.x12") // an SE01 off by one, no PER*BL, a claim that does not balance
	for level, want := range map[string][]bool{"1": {true, false, false}, "2": {true, true, false}, "3": {true, true, true}, "4": {true, true, true}} {
		code, out, _ := runClaimCLI(t, "", "x12", "validate", "--level", level, file)
		got := []bool{strings.Contains(out, "segment_count"), strings.Contains(out, "PER*BL"), strings.Contains(out, "balance:")}
		if code != exitInvalid || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("--level %s: exit %d, SE01/PER*BL/balance %v, want %v\n%s", level, code, got, want, out)
		}
	}
	_, out, _ := runClaimCLI(t, "", "x12", "validate", "--json", file)
	if !strings.Contains(out, `"snip_level": 3`) || !strings.Contains(out, `"ik3": "8"`) {
		t.Errorf("--json without levels or IK codes:\n%s", out)
	}
	if code, _, _ := runClaimCLI(t, "", "x12", "validate", "--level", "5", file); code != exitUnreadable {
		t.Errorf("--level 5: exit %d", code)
	}
}

// twice repeats the lines of in from the one starting with from to the
// one starting with to, and replaces old with new (the trailer's count).
func twice(in, from, to, old, new string) string {
	lines := strings.SplitAfter(in, "~\n")
	var a, b int
	for i, l := range lines {
		if strings.HasPrefix(l, from) && a == 0 {
			a = i
		}
		if strings.HasPrefix(l, to) {
			b = i + 1
		}
	}
	out := append(append(append([]string{}, lines[:b]...), lines[a:b]...), lines[b:]...)
	return strings.Replace(strings.Join(out, ""), old, new, 1)
}

// x12 ack writes what a strict payer sends back: a 999 accepting a clean
// 837, rejecting the set of an 837 with a guide error with IK3/IK4 at the
// bad segment, rejecting a group whose GE is wrong whole (AK905 5); a TA1
// R for an IEA that does not count its groups. The 999s pass pyx12.
func TestX12Ack(t *testing.T) {
	dir := t.TempDir()
	code, clean, errOut := runClaimCLI(t, "", "claim", "build", filepath.Join(claimExamples, "professional.json"))
	if code != exitOK {
		t.Skipf("claim build of the contract example: exit %d %s", code, errOut)
	}
	hi := regexp.MustCompile(`HI\*ABK:([A-Z0-9]+)`)
	pcn := regexp.MustCompile(`CLM\*([^*]+)\*`).FindStringSubmatch(clean)[1]
	for _, tt := range []struct {
		name, in string
		exit     int
		want     []string
		pyx12    bool
	}{
		{"clean", clean, exitOK, []string{"AK2*837*0001*005010X222A1~", "IK5*A~", "AK9*A*1*1*1~"}, true},
		{"HI with element separators", hi.ReplaceAllString(clean, "HI*ABK*$1"), exitInvalid, []string{"IK3*HI*", "*2300*8~\nCTX*CLM01:" + pcn + "~\nIK4*1**1~", "IK5*R*5~", "AK9*R*1*1*0~"}, true},
		{"GE01", strings.Replace(clean, "GE*1*", "GE*2*", 1), exitInvalid, []string{"AK9*R*1*1*0*5~"}, true},
		{"IEA01", strings.Replace(clean, "IEA*1*", "IEA*2*", 1), exitInvalid, []string{"TA1*000000001*", "*R*021~"}, false},
		{"ISA14 1", regexp.MustCompile(`\*0\*([PT])\*:~`).ReplaceAllString(clean, "*1*$1*:~"), exitOK, []string{"*A*000~", "IK5*A~"}, false},
		// Each interchange is answered for its own errors: the same
		// GS06 and ST02 in the next one, and its ISA13 again, do not
		// reject the first.
		{"a second interchange in error", clean + strings.Replace(strings.NewReplacer("*000000001*0*", "*000000002*0*", "IEA*1*000000001", "IEA*1*000000002").Replace(clean), "~\nHI*", "*~\nHI*", 1),
			exitInvalid, []string{"AK9*A*1*1*1~\nSE*", "AK9*R*1*1*0~"}, false},
		{"an ISA13 used again", clean + clean, exitInvalid, []string{"IK5*A~", "*R*025~"}, false},
		// The trailer's errors are the set's: IK502 4 for SE01's count, 3
		// for SE02, no IK3. Before, both were IK3*SE with IK502 5.
		{"SE01", regexp.MustCompile(`SE\*(\d+)\*`).ReplaceAllString(clean, "SE*9$1*"), exitInvalid, []string{"IK5*R*4~", "AK9*R*1*1*0~"}, true},
		{"SE02", regexp.MustCompile(`SE\*(\d+)\*0001~`).ReplaceAllString(clean, "SE*$1*0002~"), exitInvalid, []string{"IK5*R*3~", "AK9*R*1*1*0~"}, true},
		// The 999's group goes from the 837 group's receiver (GS03) back
		// to its sender (GS02), not from the ISA's IDs. Before, it was
		// GS*FA*SIMPAYER*CLAIMSGW here.
		// Control numbers used twice where they must be unique: a GS06 in
		// its interchange (both groups rejected whole, AK905 19), an ST02
		// in its group (both sets, IK502 23); a GS06 that is not a number
		// (AK905 6). Before, each was accepted.
		{"two groups with one GS06", twice(clean, "GS*", "GE*", "IEA*1*", "IEA*2*"), exitInvalid, []string{"AK9*R*1*1*0*19~"}, true},
		{"two sets with one ST02", twice(clean, "ST*", "SE*", "GE*1*", "GE*2*"), exitInvalid, []string{"AK2*837*0001*005010X222A1~\nIK5*R*23~", "AK9*R*2*2*0~"}, true},
		// A problem only the typed decoder finds (an amount with three
		// decimals: type R takes it, the 837 does not) is named with its
		// loop and element. Before: IK3*CLM*19**8 and no IK4.
		{"CLM02 with three decimals", regexp.MustCompile(`(CLM\*[^*]+\*\d+)(\.\d+)?\*`).ReplaceAllString(clean, "$1.123*"), exitInvalid,
			[]string{"*2300*8~\nCTX*CLM01:" + pcn + "~\nIK4*2**6~", "IK5*R*5~"}, true},
		{"GS06 not a number", strings.NewReplacer("*1*X*005010X222A1~", "*A1*X*005010X222A1~", "GE*1*1~", "GE*1*A1~").Replace(clean), exitInvalid, []string{"AK9*R*1*1*0*6~"}, false},
		{"GS codes not the ISA IDs", strings.Replace(clean, "GS*HC*CLAIMSGW*SIMPAYER*", "GS*HC*SUBMIT01*PAYERGS*", 1), exitOK,
			[]string{"GS*FA*PAYERGS*SUBMIT01*", "IK5*A~"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".837")
			if err := os.WriteFile(in, []byte(tt.in), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runClaimCLI(t, "", "x12", "ack", in)
			if code != tt.exit {
				t.Errorf("exit %d, want %d: %s", code, tt.exit, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in\n%s", w, out)
				}
			}
			if tt.pyx12 {
				name := in + ".999"
				if err := os.WriteFile(name, []byte(out), 0o600); err != nil {
					t.Fatal(err)
				}
				for _, errs := range x12test.Pyx12Errors(t, name) {
					t.Errorf("pyx12 finds errors in the 999:\n  %s\n%s", strings.Join(errs, "\n  "), out)
				}
			}
		})
	}
}
