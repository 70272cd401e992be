package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
