package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// A second serve on a data directory a daemon has exits 2, naming the
// first's pid.
func TestServeRefusesADataDirectoryInUse(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CLAIMSGW_DATA_DIR", dir)
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTP.Listen, cfg.NATS.Port = "127.0.0.1:0", 0
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	code, _, errOut := runClaimCLI(t, "", "serve", "--data", dir)
	if code != exitUnreadable || !strings.Contains(errOut, fmt.Sprintf("the data directory is in use by another claimsgw: %s, by pid %d", dir, os.Getpid())) {
		t.Errorf("a second serve: exit %d\n%s", code, errOut)
	}
}

// What an operator does from the command line besides matching: post a
// payment held back, dismiss an exception, resend a file that failed;
// each with who and why, recorded, and refused (exit 1) when it cannot
// be done.
func TestOperatorActionsCLI(t *testing.T) {
	dir := t.TempDir()
	l, err := ledger.Open(context.Background(), ledger.SQLite, filepath.Join(dir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	h := gatewaytest.New(t, l)
	h.Submit(gatewaytest.EncounterJSON("CLI1", 10000))
	h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTC", "95", [][]string{gatewaytest.CLP1("CLI1", "1", "PAYC", 80, "CLI1-1")})))
	failed := h.Build(gatewaytest.EncounterJSON("CLI2", 10000))
	if _, err := l.MarkDeliveryFailed(h.Ctx, failed, errors.New("dial tcp: connection refused"), "delivery failed"); err != nil {
		t.Fatal(err)
	}
	es, err := l.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
	if err != nil || len(es) != 1 {
		t.Fatalf("open exceptions %+v, %v", es, err)
	}
	id, data := fmt.Sprint(es[0].ID), []string{"--data", dir}
	for _, c := range []struct {
		args          []string
		code          int
		stdout, inErr string
	}{
		{[]string{"exceptions", "post", id, "--actor", "alice"}, exitUnreadable, "", "want one exception id, --actor and --reason"},
		{[]string{"exceptions", "post", id, "--actor", "alice", "--reason", "the payer's 15.00 fee is in BPR02"}, exitOK,
			"exception " + id + " (835) posted by alice: the payer's 15.00 fee is in BPR02\n", ""},
		{[]string{"exceptions", "dismiss", id, "--actor", "bob", "--reason", "late"}, exitInvalid, "", "already resolved"},
		{[]string{"files", "resend", failed}, exitUnreadable, "", "want one file id and --actor"},
		{[]string{"files", "resend", "NOSUCH", "--actor", "alice"}, exitInvalid, "", "not found"},
		{[]string{"files", "resend", failed, "--actor", "alice", "--reason", "the payer's server is back"}, exitOK, "file " + failed + " resent by alice: 1 claims queued for a new file (CLI2)\n", ""},
		{[]string{"files", "resend", failed, "--actor", "alice"}, exitInvalid, "", "not delivery_failed"},
	} {
		code, out, errOut := runClaimCLI(t, "", append(c.args, data...)...)
		if code != c.code || out != c.stdout || !strings.Contains(errOut, c.inErr) {
			t.Errorf("%v: exit %d\n%s%s", c.args, code, out, errOut)
		}
	}
	if n, net := h.PaidOn("CLI1"); n != 1 || net != 8000 {
		t.Errorf("CLI1 after the post: %d payments, %s", n, net)
	}
	if s := h.Status("CLI2"); s != ledger.StatusQueued {
		t.Errorf("CLI2 after the resend: %s", s)
	}
	// Who resent it and why are in the claim's history. Before, --reason
	// was taken and dropped.
	if c, want := h.LastChange("CLI2"), "file "+failed+" resent by hand: queued for a new file: the payer's server is back"; c.Kind != "manual" || c.Actor != "alice" || c.Reason != want {
		t.Errorf("CLI2's history after the resend: %+v, want kind manual by alice saying %q", c, want)
	}
	if c := h.LastChange("CLI1"); c.Kind != "835" || !strings.HasSuffix(c.Reason, "posted by hand by alice") {
		t.Errorf("CLI1's history after the post: %+v", c)
	}
}
