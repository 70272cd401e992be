package main

import (
	"strings"
	"testing"
)

// claim build writes the examples as one interchange that claimsgw x12
// validate passes, with 837P and 837I in separate groups.
func TestClaimBuildExamples(t *testing.T) {
	files := claimExampleFiles(t)
	code, out, errOut := runClaimCLI(t, "", append([]string{"claim", "build", "--control", "42", "--usage", "P"}, files...)...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"*00501*000000042*0*P*:~\n", "GS*HC*CLAIMSGW*SIMPAYER*", "*42*X*005010X222A1~\n", "*43*X*005010X223A2~\n",
		"CLM*PCN000123*235***11:B:1*Y*A*Y*Y~\n", "REF*6R*PCN000124-3~\n", "SE*", "IEA*2*000000042~\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("837 lacks %q", want)
		}
	}
	code, vout, verr := runClaimCLI(t, out, "x12", "validate", "-")
	if code != exitOK {
		t.Fatalf("the built 837 does not validate (exit %d):\n%s%s", code, vout, verr)
	}
}

// An invalid encounter is refused with the errors claim check gives, and
// nothing is written.
func TestClaimBuildRefusesInvalid(t *testing.T) {
	bad := writeTemp(t, "bad.json", badEncounter)
	code, out, errOut := runClaimCLI(t, "", "claim", "build", bad)
	if code != exitInvalid || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, bad+": enc-bad-1: service_lines[0].procedure.code: invalid_cpt:") || !strings.Contains(errOut, "nothing written") {
		t.Fatalf("stderr:\n%s", errOut)
	}
	if code, _, _ := runClaimCLI(t, "", "claim", "build", "--usage", "X", bad); code != exitUnreadable {
		t.Fatalf("bad --usage: exit %d", code)
	}
}
