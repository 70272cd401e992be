package queue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// runWorker runs w until the returned stop is called or the test ends.
func runWorker(t *testing.T, w *Worker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("Run did not return after cancel")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// recorder records what a Worker's handler and dead-letter callback saw.
type recorder struct {
	mu      sync.Mutex
	handled []Message
	dead    []error
	handle  func(m *Message) error          // the handler's result
	park    func(m *Message, e error) error // the dead-letter callback's result
}

func (r *recorder) worker(js jetstream.JetStream) *Worker {
	return &Worker{
		JS: js, Stream: StreamEncounters, Consumer: "intake",
		AckWait: time.Second, MaxDeliver: 3, Backoff: []time.Duration{50 * time.Millisecond},
		Handler: func(ctx context.Context, m *Message) error {
			r.mu.Lock()
			r.handled = append(r.handled, *m)
			r.mu.Unlock()
			if r.handle == nil {
				return nil
			}
			return r.handle(m)
		},
		DeadLetter: func(ctx context.Context, m *Message, e error) error {
			var err error
			if r.park != nil {
				err = r.park(m, e)
			}
			if err == nil {
				r.mu.Lock()
				r.dead = append(r.dead, e)
				r.mu.Unlock()
			}
			return err
		},
	}
}

func (r *recorder) get() ([]Message, []error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.handled...), append([]error(nil), r.dead...)
}

func (r *recorder) counts() (handled, dead int) {
	h, d := r.get()
	return len(h), len(d)
}

func (r *recorder) deliveries() []uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var d []uint64
	for _, m := range r.handled {
		d = append(d, m.Deliveries)
	}
	return d
}

func TestWorkerAcksOnSuccess(t *testing.T) {
	t.Parallel()
	js := setup(t)
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	r := &recorder{}
	runWorker(t, r.worker(js))
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	handled, dead := r.get()
	if len(handled) != 1 || len(dead) != 0 {
		t.Fatalf("handled %d, dead-lettered %d; want 1, 0", len(handled), len(dead))
	}
	m := handled[0]
	if m.Subject != SubjectEncounters || string(m.Data) != "enc" || m.MsgID != EncounterMsgID("E1", nil) ||
		m.Deliveries != 1 || m.StreamSeq != 1 || m.Headers.Get(jetstream.MsgIDHeader) != m.MsgID {
		t.Errorf("message %+v", m)
	}
}

func TestWorkerRedeliversAfterTransientError(t *testing.T) {
	t.Parallel()
	js := setup(t)
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	r := &recorder{handle: func(m *Message) error {
		if m.Deliveries == 1 {
			return errors.New("ledger unavailable")
		}
		return nil
	}}
	runWorker(t, r.worker(js))
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	if d := r.deliveries(); fmt.Sprint(d) != "[1 2]" {
		t.Errorf("deliveries %v, want [1 2]", d)
	}
	if _, d := r.counts(); d != 0 {
		t.Errorf("dead-lettered %d", d)
	}
}

func TestWorkerDeadLettersPermanentError(t *testing.T) {
	t.Parallel()
	js := setup(t)
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	errBad := errors.New("no diagnosis code")
	r := &recorder{handle: func(*Message) error { return fmt.Errorf("scrub: %w", Permanent(errBad)) }}
	runWorker(t, r.worker(js))
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	time.Sleep(1500 * time.Millisecond) // past AckWait: nothing comes back
	handled, dead := r.get()
	if len(handled) != 1 || len(dead) != 1 {
		t.Fatalf("handled %d, dead-lettered %d; want 1, 1", len(handled), len(dead))
	}
	if !errors.Is(dead[0], errBad) || errors.Is(dead[0], ErrMaxDeliver) {
		t.Errorf("dead letter error %v", dead[0])
	}
}

func TestWorkerDeadLettersAtMaxDeliver(t *testing.T) {
	t.Parallel()
	js := setup(t)
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	errDown := errors.New("ledger unavailable")
	r := &recorder{handle: func(*Message) error { return errDown }}
	runWorker(t, r.worker(js)) // MaxDeliver 3
	eventually(t, "a dead letter", func() bool { _, d := r.counts(); return d > 0 })
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	if d := r.deliveries(); fmt.Sprint(d) != "[1 2 3]" {
		t.Errorf("deliveries %v, want [1 2 3]", d)
	}
	if _, dead := r.get(); len(dead) != 1 || !errors.Is(dead[0], ErrMaxDeliver) || !errors.Is(dead[0], errDown) {
		t.Errorf("dead letters: %v", dead)
	}
}

// TestWorkerDeadLettersAbandonedMessage: a replica takes a message and dies
// without acknowledging it; once MaxDeliver deliveries have timed out, a
// running Worker parks it from the server's advisory.
func TestWorkerDeadLettersAbandonedMessage(t *testing.T) {
	t.Parallel()
	js := setup(t)
	ctx := ctxT(t)
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	r := &recorder{}
	w := r.worker(js)
	w.MaxDeliver = 1
	c, err := js.CreateOrUpdateConsumer(ctx, StreamEncounters, w.withDefaults().consumerConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Next(jetstream.FetchMaxWait(2 * time.Second)); err != nil { // and never acknowledged
		t.Fatal(err)
	}
	runWorker(t, w)
	eventually(t, "a dead letter", func() bool { _, d := r.counts(); return d > 0 })
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	if handled, dead := r.get(); len(handled) != 0 || len(dead) != 1 || !errors.Is(dead[0], ErrMaxDeliver) {
		t.Errorf("handled %d, dead letters %v", len(handled), dead)
	}
}

// TestWorkerParksWhatWasGivenUpWhileDown: the server gives up on a
// message while no Worker runs (every replica died with it in hand), so
// nobody hears the advisory; the next Worker to start finds it behind the
// consumer's ack floor and parks it, instead of leaving it in the stream
// for ever.
func TestWorkerParksWhatWasGivenUpWhileDown(t *testing.T) {
	t.Parallel()
	js := setup(t)
	ctx := ctxT(t)
	publish(t, js, SubjectEncounters, EncounterMsgID("E0", nil), "enc")
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	r := &recorder{}
	w := r.worker(js)
	w.MaxDeliver = 1
	c, err := js.CreateOrUpdateConsumer(ctx, StreamEncounters, w.withDefaults().consumerConfig())
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Next(jetstream.FetchMaxWait(2 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.DoubleAck(ctx); err != nil { // E0 is done: E1 stays in the stream only if it is given up on
		t.Fatal(err)
	}
	if _, err := c.Next(jetstream.FetchMaxWait(2 * time.Second)); err != nil { // E1, never acknowledged
		t.Fatal(err)
	}
	eventually(t, "the server to give up on E1", func() bool {
		info, err := c.Info(ctx)
		return err == nil && info.NumAckPending == 0
	})
	if n := streamMsgs(t, js, StreamEncounters); n != 1 {
		t.Fatalf("%d messages in the stream, want E1 still there", n)
	}
	runWorker(t, w)
	eventually(t, "a dead letter", func() bool { _, d := r.counts(); return d > 0 })
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	if handled, dead := r.get(); len(handled) != 0 || len(dead) != 1 || !errors.Is(dead[0], ErrMaxDeliver) {
		t.Errorf("handled %d, dead letters %v", len(handled), dead)
	}
}

// TestWorkerUnlimitedNeverGivesUp: with MaxDeliver Unlimited a failing
// message is delivered until it succeeds, past DefaultMaxDeliver; only a
// Permanent error parks it.
func TestWorkerUnlimitedNeverGivesUp(t *testing.T) {
	t.Parallel()
	js := setup(t)
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	publish(t, js, SubjectEncounters, EncounterMsgID("E2", nil), "bad")
	r := &recorder{handle: func(m *Message) error {
		switch {
		case string(m.Data) == "bad":
			return Permanent(errors.New("no diagnosis code"))
		case m.Deliveries <= DefaultMaxDeliver+2:
			return errors.New("ledger unavailable")
		}
		return nil
	}}
	w := r.worker(js)
	w.MaxDeliver = Unlimited
	runWorker(t, w)
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	handled, dead := r.get()
	if len(dead) != 1 || !strings.Contains(dead[0].Error(), "no diagnosis code") {
		t.Errorf("dead letters %v, want E2's alone", dead)
	}
	if n := len(handled); n != DefaultMaxDeliver+3+1 {
		t.Errorf("%d deliveries, want E1's %d and E2's one", n, DefaultMaxDeliver+3)
	}
}

// TestWorkerRetryFor: with MaxDeliver Unlimited and a RetryFor, a failing
// message is redelivered for that long, however many deliveries it takes,
// then dead-lettered with ErrRetryFor.
func TestWorkerRetryFor(t *testing.T) {
	t.Parallel()
	js := setup(t)
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	r := &recorder{handle: func(m *Message) error { return errors.New("ledger unavailable") }}
	w := r.worker(js)
	w.MaxDeliver, w.RetryFor = Unlimited, 1500*time.Millisecond
	w.Backoff = []time.Duration{50 * time.Millisecond}
	runWorker(t, w)
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	handled, dead := r.get()
	if len(dead) != 1 || !errors.Is(dead[0], ErrRetryFor) || !strings.Contains(dead[0].Error(), "ledger unavailable") {
		t.Errorf("dead letters %v, want E1's, retried for 1.5s", dead)
	}
	if n := len(handled); n <= DefaultMaxDeliver {
		t.Errorf("%d deliveries in 1.5s, want more than %d", n, DefaultMaxDeliver)
	}
}

func TestWorkerRedeliversWhenDeadLetterFails(t *testing.T) {
	t.Parallel()
	js := setup(t)
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	r := &recorder{
		handle: func(*Message) error { return Permanent(errors.New("no diagnosis code")) },
		park: func(m *Message, _ error) error {
			if m.Deliveries == 1 {
				return errors.New("ledger unavailable")
			}
			return nil
		},
	}
	runWorker(t, r.worker(js))
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	if d := r.deliveries(); fmt.Sprint(d) != "[1 2]" {
		t.Errorf("deliveries %v, want [1 2]", d)
	}
	if _, d := r.counts(); d != 1 {
		t.Errorf("%d dead letters, want 1", d)
	}
}

func TestWorkersShareConsumer(t *testing.T) {
	t.Parallel()
	js := setup(t)
	const n = 20
	for i := range n {
		publish(t, js, SubjectEncounters, EncounterMsgID(fmt.Sprint(i), nil), fmt.Sprint(i))
	}
	var mu sync.Mutex
	seen := map[string]int{}
	byWorker := [2]int{}
	for i := range byWorker {
		w := (&recorder{}).worker(js)
		w.Handler = func(ctx context.Context, m *Message) error {
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			seen[m.MsgID]++
			byWorker[i]++
			mu.Unlock()
			return nil
		}
		runWorker(t, w)
	}
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		t.Errorf("%d distinct messages processed, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("%s processed %d times", id, k)
		}
	}
	if byWorker[0] == 0 || byWorker[1] == 0 {
		t.Errorf("work not shared: %v", byWorker)
	}
}

// TestWorkerStopFinishesInFlight cancels Run while the handler works: the
// handler's context is not cancelled, its message is acknowledged, Run returns.
func TestWorkerStopFinishesInFlight(t *testing.T) {
	t.Parallel()
	js := setup(t)
	publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc")
	started := make(chan struct{})
	r := &recorder{}
	w := r.worker(js)
	w.Handler = func(ctx context.Context, m *Message) error {
		close(started)
		time.Sleep(200 * time.Millisecond)
		return ctx.Err()
	}
	stop := runWorker(t, w)
	<-started
	stop()
	if n := streamMsgs(t, js, StreamEncounters); n != 0 {
		t.Errorf("%d messages left after a graceful stop, want 0", n)
	}
}

func TestJitter(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 200 {
		d := jitter(10 * time.Second)
		if d < 8*time.Second || d > 12*time.Second {
			t.Fatalf("jitter(10s) = %v, outside 8s to 12s", d)
		}
		seen[d] = true
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct delays in 200", len(seen))
	}
	if jitter(0) != 0 {
		t.Error("jitter(0) is not 0")
	}
}

// A batch Worker hands over the messages at hand together and settles each
// by its own result: successes acked, a transient failure redelivered, a
// permanent one dead-lettered.
func TestWorkerBatches(t *testing.T) {
	t.Parallel()
	js := setup(t)
	for i := range 10 {
		publish(t, js, SubjectEncounters, EncounterMsgID(fmt.Sprint("E", i), nil), fmt.Sprint("enc", i))
	}
	r := &recorder{handle: func(m *Message) error {
		switch {
		case string(m.Data) == "enc3" && m.Deliveries == 1:
			return errors.New("ledger busy")
		case string(m.Data) == "enc5":
			return Permanent(errors.New("not an encounter"))
		}
		return nil
	}}
	w := r.worker(js)
	var mu sync.Mutex
	var sizes []int
	handle := w.Handler
	w.Handler, w.BatchSize = nil, 4
	w.Batch = func(ctx context.Context, ms []*Message) []error {
		mu.Lock()
		sizes = append(sizes, len(ms))
		mu.Unlock()
		errs := make([]error, len(ms))
		for i, m := range ms {
			errs[i] = handle(ctx, m)
		}
		return errs
	}
	runWorker(t, w)
	eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
	handled, dead := r.get()
	if len(handled) != 11 || len(dead) != 1 {
		t.Fatalf("%d handled (want 10 and enc3 again), %d dead-lettered (want enc5)", len(handled), len(dead))
	}
	mu.Lock()
	defer mu.Unlock()
	most := 0
	for _, n := range sizes {
		most = max(most, n)
	}
	if most < 2 || most > 4 {
		t.Errorf("batch sizes %v: want batches of 2 to 4", sizes)
	}
}

// TestWorkerKeepsSlowMessage runs a handler for 3.5 AckWaits, with a
// Worker more than messages on the same consumer, ready to take what the
// server hands out again: the message is in progress all along, so it is handled once,
// by one Worker, with a context that has not ended; so are the messages
// of a slow batch.
func TestWorkerKeepsSlowMessage(t *testing.T) {
	t.Parallel()
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprint("batch=", batch), func(t *testing.T) {
			t.Parallel()
			js := setup(t)
			publish(t, js, SubjectEncounters, EncounterMsgID("E1", nil), "enc1")
			publish(t, js, SubjectEncounters, EncounterMsgID("E2", nil), "enc2")
			r := &recorder{}
			var mu sync.Mutex
			var late []string // messages whose handler's context had ended
			for range 3 {
				w := r.worker(js)
				w.Timeout = 10 * time.Second
				handle := w.Handler
				slow := func(ctx context.Context, m *Message) error {
					time.Sleep(3500 * time.Millisecond)
					if ctx.Err() != nil {
						mu.Lock()
						late = append(late, string(m.Data))
						mu.Unlock()
					}
					return handle(ctx, m)
				}
				w.Handler = slow
				if batch {
					w.Handler, w.BatchSize = nil, 2
					w.Batch = func(ctx context.Context, ms []*Message) []error {
						errs := make([]error, len(ms))
						for i, m := range ms {
							errs[i] = slow(ctx, m)
						}
						return errs
					}
				}
				runWorker(t, w)
			}
			eventually(t, "the work queue to empty", func() bool { return streamMsgs(t, js, StreamEncounters) == 0 })
			time.Sleep(1500 * time.Millisecond) // past an AckWait: a redelivery would show now
			if d := r.deliveries(); fmt.Sprint(d) != "[1 1]" {
				t.Errorf("deliveries %v, want [1 1]: each message handled once", d)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(late) > 0 {
				t.Errorf("handlers of %v ran past their context", late)
			}
		})
	}
}
