package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

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

	// JetStream takes no message (its disk full, or, here, a subject a
	// stream has not been set up for but something listens on): submit
	// says what it waited for and stops, instead of hanging.
	js := testutil.JetStream(t, srv.ClientURL())
	ctx := context.Background()
	sink, err := queue.Connect([]string{srv.ClientURL()}, queue.ConnectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := sink.Subscribe(queue.Default.Encounters(), func(*nats.Msg) {})
	if err != nil {
		t.Fatal(err)
	}
	sink.Flush()
	done := make(chan int, 1)
	errOut.Reset()
	go func() {
		done <- submit([]string{"--nats", srv.ClientURL(), "--timeout", "500ms", file}, nil, &out, &errOut)
	}()
	select {
	case code := <-done:
		if code != exitUnreadable || !strings.Contains(errOut.String(), "within 500ms (--timeout): waiting for the ENCOUNTERS stream") {
			t.Errorf("when NATS takes nothing: exit %d, %q", code, errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("submit hung when NATS took nothing")
	}
	sub.Unsubscribe()
	sink.Close()

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
