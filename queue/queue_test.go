package queue

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// startServer starts an embedded server on a random port with its data in dir.
func startServer(t *testing.T, dir string) *Server {
	t.Helper()
	s, err := StartEmbedded(dir, WithPort(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

func connect(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := Connect([]string{url}, ConnectOptions{Name: "claimsgw-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// setup starts a server, connects to it and creates the Default streams.
func setup(t *testing.T) jetstream.JetStream {
	t.Helper()
	js := connect(t, startServer(t, t.TempDir()).ClientURL())
	if err := Default.Setup(ctxT(t), js, 1); err != nil {
		t.Fatal(err)
	}
	return js
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// eventually fails the test if cond is not true within 10s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func streamMsgs(t *testing.T, js jetstream.JetStream, stream string) uint64 {
	t.Helper()
	s, err := js.Stream(ctxT(t), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

func publish(t *testing.T, js jetstream.JetStream, subject, msgID, data string) {
	t.Helper()
	if _, err := Publish(ctxT(t), js, subject, msgID, []byte(data), nil); err != nil {
		t.Fatal(err)
	}
}

func TestSetupCreatesAndUpdatesStreams(t *testing.T) {
	t.Parallel()
	js := connect(t, startServer(t, t.TempDir()).ClientURL())
	ctx := ctxT(t)
	// An older ENCOUNTERS with a short duplicate window is brought up to date.
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: StreamEncounters, Subjects: []string{SubjectEncounters},
		Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage, Duplicates: time.Minute,
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := Default.Setup(ctx, js, 1); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]struct {
		subject   string
		retention jetstream.RetentionPolicy
		maxAge    time.Duration
	}{
		StreamEncounters: {SubjectEncounters, jetstream.WorkQueuePolicy, 0},
		StreamFilesOut:   {SubjectFilesOut, jetstream.WorkQueuePolicy, 0},
		StreamFilesIn:    {SubjectFilesIn, jetstream.WorkQueuePolicy, 0},
		StreamEvents:     {SubjectClaimEvents, jetstream.LimitsPolicy, EventsMaxAge},
		StreamHealth:     {SubjectHealth, jetstream.LimitsPolicy, time.Hour},
	}
	names := js.StreamNames(ctx)
	n := 0
	for range names.Name() {
		n++
	}
	if n != len(want) {
		t.Errorf("%d streams, want %d", n, len(want))
	}
	for name, w := range want {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := s.CachedInfo().Config
		if len(c.Subjects) != 1 || c.Subjects[0] != w.subject || c.Retention != w.retention ||
			c.MaxAge != w.maxAge || c.Storage != jetstream.FileStorage {
			t.Errorf("%s: subjects %v retention %v max age %v storage %v", name, c.Subjects, c.Retention, c.MaxAge, c.Storage)
		}
		if c.Retention == jetstream.WorkQueuePolicy && c.Duplicates != DuplicateWindow {
			t.Errorf("%s: duplicate window %v, want %v", name, c.Duplicates, DuplicateWindow)
		}
	}
}

func TestSubjects(t *testing.T) {
	for _, tc := range []struct{ payer, want, err string }{
		{"87726", "claimsgw.files.out.87726", ""},
		{"SX-123_a", "claimsgw.files.out.SX-123_a", ""},
		{"BCBS TX", "claimsgw.files.out.BCBS~20TX", ""},
		{"a.b", "claimsgw.files.out.a~2Eb", ""},
		{"*", "claimsgw.files.out.~2A", ""},
		{">", "claimsgw.files.out.~3E", ""},
		{"a~2Eb", "claimsgw.files.out.a~7E2Eb", ""},
		{"é", "claimsgw.files.out.~C3~A9", ""},
		{"", "", "empty"},
		{strings.Repeat(".", 43), "", "longer"},
	} {
		got, err := Default.FilesOut(tc.payer)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("FilesOut(%q) = %q, %v; want %q, error containing %q", tc.payer, got, err, tc.want, tc.err)
		}
	}
	in, _ := Default.FilesIn("87726")
	ev, _ := Default.ClaimEvent("paid")
	if Default.Encounters() != SubjectEncounters || in != "claimsgw.files.in.87726" || ev != "claimsgw.events.claim.paid" {
		t.Errorf("subjects %q %q %q", Default.Encounters(), in, ev)
	}
	if got := (Names{StreamPrefix: "T1_"}).Stream(StreamEvents); got != "T1_EVENTS" {
		t.Errorf("Stream = %q", got)
	}
}

func TestMsgIDs(t *testing.T) {
	if got := FileMsgID([]byte("abc")); got != "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("FileMsgID = %q", got)
	}
	if EncounterMsgID("E1", nil) == BatchMsgID("E1") {
		t.Error("encounter and batch ids share a key space")
	}
}

func TestPublishDuplicate(t *testing.T) {
	t.Parallel()
	js := setup(t)
	ctx := ctxT(t)
	h := nats.Header{"Claimsgw-Source": []string{"test"}}
	for i, wantDup := range []bool{false, true} {
		dup, err := Publish(ctx, js, SubjectEncounters, EncounterMsgID("E1", nil), []byte(`{"id":"E1"}`), h)
		if err != nil {
			t.Fatal(err)
		}
		if dup != wantDup {
			t.Errorf("publish %d: duplicate %v, want %v", i+1, dup, wantDup)
		}
	}
	if n := streamMsgs(t, js, StreamEncounters); n != 1 {
		t.Errorf("%d messages stored, want 1", n)
	}
	if len(h) != 1 {
		t.Errorf("Publish changed the caller's headers: %v", h)
	}
	if _, err := Publish(ctx, js, SubjectEncounters, "", []byte("x"), nil); err == nil {
		t.Error("publish without message id: no error")
	}
}

func TestEventsKeptForFollowers(t *testing.T) {
	t.Parallel()
	js := setup(t)
	ctx := ctxT(t)
	for i, status := range []string{"accepted", "paid", "denied"} {
		subj, err := Default.ClaimEvent(status)
		if err != nil {
			t.Fatal(err)
		}
		publish(t, js, subj, fmt.Sprintf("claim:C%d:%s", i, status), status)
	}
	// Two billing systems follow with their own durable consumers; what the
	// first acknowledges is still there for the second.
	for _, follower := range []string{"billing-a", "billing-b"} {
		c, err := js.CreateOrUpdateConsumer(ctx, StreamEvents, jetstream.ConsumerConfig{
			Durable: follower, FilterSubject: SubjectClaimEvents, AckPolicy: jetstream.AckExplicitPolicy,
		})
		if err != nil {
			t.Fatal(err)
		}
		batch, err := c.Fetch(3, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for m := range batch.Messages() {
			got = append(got, strings.TrimPrefix(m.Subject(), "claimsgw.events.claim."))
			if err := m.DoubleAck(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if strings.Join(got, ",") != "accepted,paid,denied" {
			t.Errorf("%s read %v", follower, got)
		}
	}
	if n := streamMsgs(t, js, StreamEvents); n != 3 {
		t.Errorf("EVENTS holds %d messages after the followers acknowledged, want 3", n)
	}
}

func TestLag(t *testing.T) {
	t.Parallel()
	js := setup(t)
	ctx := ctxT(t)
	for i := range 3 {
		publish(t, js, SubjectEncounters, EncounterMsgID(fmt.Sprint(i), nil), "e")
	}
	w := Worker{Consumer: "intake"}
	if _, err := js.CreateOrUpdateConsumer(ctx, StreamEncounters, w.withDefaults().consumerConfig()); err != nil {
		t.Fatal(err)
	}
	lag, err := Default.Lag(ctx, js)
	if err != nil {
		t.Fatal(err)
	}
	if len(lag) != 1 || lag["ENCOUNTERS/intake"] != 3 {
		t.Errorf("Lag = %v, want ENCOUNTERS/intake: 3", lag)
	}
}

// TestRestartKeepsMessages stops the embedded server while one message is
// delivered but unacknowledged and another is acknowledged, and starts it
// again on the same directory.
func TestRestartKeepsMessages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := ctxT(t)
	s, err := StartEmbedded(dir, WithPort(0))
	if err != nil {
		t.Fatal(err)
	}
	js := connect(t, s.ClientURL())
	if err := Default.Setup(ctx, js, 1); err != nil {
		t.Fatal(err)
	}
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "first")
	publish(t, js, SubjectEncounters, EncounterMsgID("E2", nil), "second")
	got := make(chan *Message, 2)
	w := &Worker{Stream: StreamEncounters, Consumer: "intake", AckWait: time.Second,
		Handler:    func(ctx context.Context, m *Message) error { got <- m; return nil },
		DeadLetter: func(context.Context, *Message, error) error { return nil },
	}
	c, err := js.CreateOrUpdateConsumer(ctx, StreamEncounters, w.withDefaults().consumerConfig())
	if err != nil {
		t.Fatal(err)
	}
	batch, err := c.Fetch(2, jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if first := <-batch.Messages(); first == nil || first.DoubleAck(ctx) != nil {
		t.Fatal("could not take and acknowledge the first message")
	}
	if <-batch.Messages() == nil { // taken, never acknowledged
		t.Fatal("no second message")
	}
	s.Shutdown()

	w.JS = connect(t, startServer(t, dir).ClientURL())
	if n := streamMsgs(t, w.JS, StreamEncounters); n != 1 {
		t.Fatalf("%d messages after restart, want 1", n)
	}
	runWorker(t, w)
	select {
	case m := <-got:
		if m.MsgID != EncounterMsgID("E2", nil) || string(m.Data) != "second" || m.Deliveries != 2 {
			t.Errorf("after restart got %s %q delivery %d", m.MsgID, m.Data, m.Deliveries)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the unacknowledged message was not delivered after the restart")
	}
}

// TestExternalServer runs against a real NATS server, e.g.
// CLAIMSGW_TEST_NATS_URL=nats://127.0.0.1:4222, with names of its own.
func TestExternalServer(t *testing.T) {
	url := os.Getenv("CLAIMSGW_TEST_NATS_URL")
	if url == "" {
		t.Skip("CLAIMSGW_TEST_NATS_URL is not set (e.g. nats://127.0.0.1:4222)")
	}
	t.Parallel()
	js := connect(t, url)
	ctx := ctxT(t)
	id := fmt.Sprintf("T%d", time.Now().UnixNano())
	names := Names{SubjectPrefix: "claimsgwtest." + id, StreamPrefix: "CLAIMSGWTEST_" + id + "_"}
	if err := names.Setup(ctx, js, 1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, cfg := range names.streams(1) {
			if err := js.DeleteStream(context.Background(), cfg.Name); err != nil {
				t.Errorf("delete %s: %v", cfg.Name, err)
			}
		}
	})
	subj, err := names.FilesOut("87726")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		publish(t, js, subj, BatchMsgID("B1"), "ISA*...")
	}
	got := make(chan *Message, 2)
	runWorker(t, &Worker{JS: js, Stream: names.Stream(StreamFilesOut), Consumer: "deliverer", AckWait: 2 * time.Second,
		Handler:    func(ctx context.Context, m *Message) error { got <- m; return nil },
		DeadLetter: func(context.Context, *Message, error) error { return nil },
	})
	m := <-got
	if m.Subject != subj || m.MsgID != BatchMsgID("B1") || m.Deliveries != 1 {
		t.Errorf("got %s %s delivery %d", m.Subject, m.MsgID, m.Deliveries)
	}
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, names.Stream(StreamFilesOut)) == 0 })
	if len(got) != 0 {
		t.Error("the duplicate was delivered")
	}
}

// An embedded server whose JetStream stopped (as nats-server stops it when
// its disk is full) starts it again by itself, with its streams and their
// messages: publishes work again without a restart. Before, they failed
// until the gateway was restarted.
func TestEmbeddedJetStreamStartsAgain(t *testing.T) {
	reenableEvery = time.Second
	t.Cleanup(func() { reenableEvery = 5 * time.Second })
	srv := startServer(t, t.TempDir())
	js := connect(t, srv.ClientURL())
	if err := Default.Setup(ctxT(t), js, 1); err != nil {
		t.Fatal(err)
	}
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	if err := srv.ns.ShutdownJetStream(); err != nil {
		t.Fatal(err)
	}
	if srv.JetStreamEnabled() {
		t.Fatal("JetStream runs after its shutdown")
	}
	pctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := Default.Probe(pctx, js, "replica-1"); err == nil {
		t.Error("the readiness probe passed with JetStream stopped")
	}
	eventually(t, "JetStream to run again", srv.JetStreamEnabled)
	if err := Default.Probe(ctxT(t), js, "replica-1"); err != nil {
		t.Errorf("the readiness probe with JetStream running again: %v", err)
	}
	publish(t, js, SubjectEncounters, EncounterMsgID("E3", nil), "enc")
	if n := streamMsgs(t, js, StreamEncounters); n < 2 {
		t.Errorf("the intake stream holds %d messages, want E1's and E3's at least", n)
	}
}

// A stream JetStream refuses as wrong (subjects another stream has) fails
// Setup at once, not after SetupFor of retries.
func TestSetupRefusedAtOnce(t *testing.T) {
	t.Parallel()
	js := connect(t, startServer(t, t.TempDir()).ClientURL())
	ctx := ctxT(t)
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "OTHER", Subjects: []string{SubjectEncounters}}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := Default.Setup(ctx, js, 1); err == nil {
		t.Fatal("set up beside a stream that has its subjects")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refused after %v of retries", d)
	}
}
