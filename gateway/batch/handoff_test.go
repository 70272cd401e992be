package batch_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/batch"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/queue"
)

// A file built while NATS takes no message for the deliverer (a stream
// leader election: "no response from stream") is handed off once NATS
// takes messages again, by the running batcher, not at its next start.
// Before, it stayed built, its claims batched, until a replica restarted.
func TestFileHandedOffWhenNATSIsBack(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	ctx := h.Ctx
	js := h.Options.JS
	stream := queue.Default.Stream(queue.StreamFilesOut)
	if err := js.DeleteStream(ctx, stream); err != nil {
		t.Fatal(err)
	}
	h.Take(gatewaytest.EncounterJSON("H1", 10000), gatewaytest.EncounterJSON("H2", 10000))

	o := h.Options
	o.Now, o.Tick = time.Now, 50*time.Millisecond
	o.Config.Payers[0].Batch.Cutoff.Duration = time.Millisecond
	b, err := batch.New(o)
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(rctx) }()
	defer func() { cancel(); <-done }()

	var fileID string
	testutil.Eventually(t, 5*time.Second, "the file built", func() bool {
		ids, err := h.Ledger.FilesInStatus(ctx, "", ledger.FileBuilt)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == 1 {
			fileID = ids[0]
		}
		return fileID != ""
	})
	time.Sleep(300 * time.Millisecond) // ticks with no stream
	if err := queue.Default.Setup(ctx, js, 1); err != nil {
		t.Fatal(err)
	}
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 5*time.Second, "the file's message for the deliverer", func() bool {
		m, err := s.GetLastMsgForSubject(ctx, mustFilesOut(t))
		return err == nil && string(m.Data) == fileID
	})
	// The hand-off is recorded once JetStream has the message: just after.
	testutil.Eventually(t, 5*time.Second, "the hand-off recorded", func() bool {
		ids, err := h.Ledger.BuiltFiles(ctx, false, 0)
		return err == nil && len(ids) == 0
	})
}

func mustFilesOut(t *testing.T) string {
	subject, err := queue.Default.FilesOut(gatewaytest.PayerID)
	if err != nil {
		t.Fatal(err)
	}
	return subject
}

// cancelOnPublish is NATS that takes a message and then the batcher is
// stopped: its context ends between the hand-off and its record.
type cancelOnPublish struct {
	jetstream.JetStream
	cancel context.CancelFunc
}

func (c cancelOnPublish) PublishMsg(ctx context.Context, m *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	ack, err := c.JetStream.PublishMsg(ctx, m, opts...)
	c.cancel()
	return ack, err
}

// A hand-off whose record is cut short by the batcher being stopped is
// no warning: the file is handed off again at the next start, NATS drops
// the repeat, and the log says so at info. Before, every shutdown at
// that moment logged a warning with "context canceled".
func TestHandOffRecordCutShortByStopping(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	h.Take(gatewaytest.EncounterJSON("S1", 10000))
	var logs testutil.SyncBuffer
	ctx, cancel := context.WithCancel(h.Ctx)
	defer cancel()
	o := h.Options
	o.Log, o.JS = zerolog.New(&logs), cancelOnPublish{JetStream: o.JS, cancel: cancel}
	b, err := batch.New(o)
	if err != nil {
		t.Fatal(err)
	}
	b.Batch(ctx, h.Payer(), true) // ends with the context
	ids, err := h.Ledger.BuiltFiles(h.Ctx, false, 0)
	if err != nil || len(ids) != 1 {
		t.Fatalf("files built and not recorded as handed off: %v, %v\n%s", ids, err, logs.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if strings.Contains(line, "hand-off not recorded") && !strings.Contains(line, `"level":"info"`) {
			t.Errorf("logged as more than news: %s", line)
		}
	}
	if !strings.Contains(logs.String(), "hand-off not recorded") {
		t.Errorf("the hand-off left unrecorded is not logged:\n%s", logs.String())
	}
}
