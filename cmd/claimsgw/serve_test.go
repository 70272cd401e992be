package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// serve says in its first line, and in its data directory, how to reach
// it; submit, claims show and exceptions find it from --data. Before,
// submit tried 4222 and failed while the embedded NATS was on another
// port.
func TestServeEndpoints(t *testing.T) {
	for _, name := range []string{"CLAIMSGW_NATS_URLS", "CLAIMSGW_DATA_DIR", "CLAIMSGW_HTTP_LISTEN"} {
		t.Setenv(name, "")
	}
	t.Setenv("CLAIMSGW_HTTP_LISTEN", "127.0.0.1:0")
	dir := filepath.Join(t.TempDir(), "data")
	var errOut testutil.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- serve([]string{"--data", dir}, nil, &errOut, &errOut) }()
	var e *daemon.Endpoints
	deadline := time.Now().Add(30 * time.Second)
	for {
		var err error
		if e, err = daemon.ReadEndpoints(dir); err == nil && strings.Contains(errOut.String(), "claimsgw: serving") && strings.Contains(errOut.String(), "dashboard: ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no endpoints: %v\n%s", err, errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	first := ""
	for _, line := range strings.Split(errOut.String(), "\n") {
		if !strings.HasPrefix(line, "{") {
			first = line
			break
		}
	}
	if len(e.NATS) != 1 || !strings.Contains(first, "NATS on "+e.NATS[0]) || !strings.Contains(first, "API on "+e.API) || e.PID != os.Getpid() {
		t.Errorf("endpoints %+v; first line %q", e, first)
	}
	if !strings.Contains("\n"+errOut.String(), "\ndashboard: "+e.API+"/\n") {
		t.Errorf("serve does not print the dashboard's address on a line of its own (%s/):\n%s", e.API, errOut.String())
	}
	if !strings.Contains(errOut.String(), "no payer routes") {
		t.Errorf("serve without a config does not say it routes to no payer:\n%s", errOut.String())
	}
	if st, err := os.Stat(filepath.Join(dir, daemon.EndpointsFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("endpoints file: %v, %v", st.Mode(), err)
	}

	enc := filepath.Join(t.TempDir(), "e.json")
	if err := os.WriteFile(enc, []byte(`{"id":"E1","payer_id":"SIMPAYER"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runClaimCLI(t, "", "submit", "--data", dir, enc)
	if code != exitOK || !strings.Contains(out, "1 encounters sent") {
		t.Errorf("submit --data: exit %d, %s%s", code, out, stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		code, out, _ = runClaimCLI(t, "", "claims", "show", "E1", "--data", dir, "--format", "json")
		if code == exitOK || ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var shown struct {
		Status   string            `json:"status"`
		Problems []json.RawMessage `json:"problems"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil || shown.Status != "invalid" || !strings.Contains(out, "unknown_payer") {
		t.Errorf("claims show E1: exit %d, %v\n%s", code, err, out)
	}

	// claim check finds the daemon's routes (here: none) from --data, or
	// from the default data directory.
	// (Without the shared contract examples this part is left out, not
	// skipped: serve must still be stopped below.)
	if files, _ := filepath.Glob(filepath.Join(claimExamples, "*.json")); len(files) == 2 {
		if code, out, _ := runClaimCLI(t, "", "claim", "check", "--data", dir, files[1]); code != exitInvalid || !strings.Contains(out, "payer_id: unknown_payer") {
			t.Errorf("claim check --data: exit %d\n%s", code, out)
		}
		t.Setenv("CLAIMSGW_DATA_DIR", dir)
		if code, out, stderr := runClaimCLI(t, "", "claim", "check", files[1]); code != exitInvalid || !strings.Contains(out, "unknown_payer") ||
			!strings.Contains(stderr, "checking against the routes of the claimsgw serve running in "+dir) {
			t.Errorf("claim check with the daemon in the default data directory: exit %d\n%s%s", code, out, stderr)
		}
		t.Setenv("CLAIMSGW_DATA_DIR", "")
	}

	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve: exit %d\n%s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop at SIGINT")
	}
	if _, err := os.Stat(filepath.Join(dir, daemon.EndpointsFile)); !os.IsNotExist(err) {
		t.Errorf("endpoints file after the stop: %v", err)
	}
	if code, _, stderr := runClaimCLI(t, "", "submit", "--data", dir, enc); code != exitUnreadable || !strings.Contains(stderr, "is claimsgw serve running there?") {
		t.Errorf("submit --data after the stop: exit %d, %s", code, stderr)
	}
}
