package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// One exit-code rule for every command that reads files: 0 done and
// nothing wrong, 1 done and the input has errors, 2 the input could not
// be read (missing, empty, not X12 or not JSON at all) or the command line
// is wrong. Before, an empty file was 1 for x12 validate, 2 for claim
// check and 0 for submit, and a binary file 1 for x12 and 2 for claim.
// submit is a transport: an encounter with errors is sent (the daemon
// answers it invalid), so it is 0 for submit. The ledger commands (recon,
// exceptions, claims show, files resend) are 2 for a config missing or
// not YAML and for a data directory with no ledger (missing, or a file).
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	clean, err := os.ReadFile(filepath.Join(x12test.CorpusDir(t), "835", "stupidedi-era-sample.x12"))
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join(claimExampleFiles(t)[0]))
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	empty := write("empty", nil)
	binary := write("binary", []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 3, 0xff, 0xfe})
	x12Valid := write("valid.x12", clean)
	x12Invalid := write("invalid.x12", regexp.MustCompile(`IEA\*1\*\d+`).ReplaceAll(clean, []byte("IEA*1*999999999")))
	encValid := write("valid.json", example)
	encInvalid := write("invalid.json", []byte(`{"id":"E1","claim_type":"professional"}`))

	srv := testutil.NATS(t)
	if err := queue.Default.Setup(context.Background(), testutil.JetStream(t, srv.ClientURL()), 1); err != nil {
		t.Fatal(err)
	}
	// The commands that read a config: one missing or not YAML cannot be
	// read.
	ledgerCmds := [][]string{{"recon", "payments"}, {"exceptions", "list"}, {"claims", "show", "C1"}, {"files", "resend", "F1", "--actor", "ops"}}
	for _, cmd := range append([][]string{{"serve"}, {"payer-sim"}, {"claim", "check", encValid}}, ledgerCmds...) {
		for kind, file := range map[string]string{"missing": missing, "binary": binary} {
			if code, _, stderr := runClaimCLI(t, "", append(append([]string{}, cmd...), "--config", file)...); code != exitUnreadable {
				t.Errorf("%s --config with a %s file: exit %d, want %d\n%s", strings.Join(cmd, " "), kind, code, exitUnreadable, stderr)
			}
		}
	}
	// The commands that read the ledger: a data directory with none in it
	// (missing, or a file) cannot be read, and makes no ledger there.
	for _, cmd := range ledgerCmds {
		for kind, d := range map[string]string{"missing": filepath.Join(dir, "no-data"), "file": binary} {
			if code, _, stderr := runClaimCLI(t, "", append(append([]string{}, cmd...), "--data", d)...); code != exitUnreadable || !strings.Contains(stderr, "no ledger at") {
				t.Errorf("%s --data with a %s directory: exit %d, want %d\n%s", strings.Join(cmd, " "), kind, code, exitUnreadable, stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "no-data")); err == nil {
			t.Errorf("%s --data made the missing directory", strings.Join(cmd, " "))
		}
	}
	x12Cmds := [][]string{{"x12", "validate"}, {"x12", "json"}, {"x12", "inspect"}, {"x12", "fmt"}, {"x12", "ack"}}
	encCmds := [][]string{{"claim", "check"}, {"claim", "build"}, {"submit", "--nats", srv.ClientURL()}}
	for _, tt := range []struct {
		cmds                  [][]string
		valid, invalid        string
		wantValid, wantBroken int
	}{
		{x12Cmds, x12Valid, x12Invalid, exitOK, exitInvalid},
		{encCmds, encValid, encInvalid, exitOK, exitInvalid},
	} {
		for _, cmd := range tt.cmds {
			name := strings.Join(cmd[:2], " ")
			for _, in := range []struct {
				kind, file string
				want       int
			}{
				{"missing", missing, exitUnreadable}, {"empty", empty, exitUnreadable}, {"binary", binary, exitUnreadable},
				{"valid", tt.valid, tt.wantValid}, {"invalid", tt.invalid, tt.wantBroken},
			} {
				want := in.want
				if cmd[0] == "submit" && in.kind == "invalid" {
					want = exitOK
				}
				code, _, stderr := runClaimCLI(t, "", append(append([]string{}, cmd...), in.file)...)
				if code != want {
					t.Errorf("%s %s file: exit %d, want %d\n%s", name, in.kind, code, want, stderr)
				}
			}
			if code, _, _ := runClaimCLI(t, "", append(append([]string{}, cmd...), "--no-such-flag", tt.valid)...); code != exitUnreadable {
				t.Errorf("%s --no-such-flag: exit %d, want %d", name, code, exitUnreadable)
			}
			if code, _, _ := runClaimCLI(t, "", append(append([]string{}, cmd...), "--help")...); code != exitOK {
				t.Errorf("%s --help: exit %d, want 0", name, code)
			}
		}
	}
}
