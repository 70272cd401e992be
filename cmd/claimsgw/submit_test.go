package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/queue"
)

// claimsgw submit publishes every object of its files, a window at a time,
// and counts those NATS had seen (the same id again is not a second
// encounter).
func TestSubmit(t *testing.T) {
	srv := testutil.NATS(t)
	file := filepath.Join(t.TempDir(), "encounters.jsonl")
	var b strings.Builder
	for i := range 600 { // more than two windows
		fmt.Fprintf(&b, "{\"id\":\"enc-%d\",\"payer_id\":\"SIMPAYER\"}\n", i)
	}
	for i := range 10 {
		fmt.Fprintf(&b, "{\"id\":\"enc-%d\",\"payer_id\":\"SIMPAYER\"}\n", i)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	if code := submit([]string{"--nats", srv.ClientURL(), file}, nil, &out, &errOut); code != exitUnreadable || !strings.Contains(errOut.String(), "claimsgw serve") {
		t.Errorf("without the streams: exit %d, %q", code, errOut.String())
	}

	js := testutil.JetStream(t, srv.ClientURL())
	ctx := context.Background()
	if err := queue.Default.Setup(ctx, js, 1); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errOut.Reset()
	if code := submit([]string{"--nats", srv.ClientURL(), file}, nil, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if got := strings.TrimSpace(out.String()); got != "610 encounters sent (10 already known to NATS)" {
		t.Errorf("stdout %q", got)
	}
	s, err := js.Stream(ctx, queue.Default.Stream(queue.StreamEncounters))
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 600 {
		t.Errorf("the intake stream holds %d messages, want 600", info.State.Msgs)
	}
}
