package queue

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

// Message is one message handed to a Worker's handler.
type Message struct {
	Subject    string
	Data       []byte
	Headers    nats.Header
	MsgID      string // the Nats-Msg-Id it was published with
	Deliveries uint64 // 1 on the first delivery
	StreamSeq  uint64 // sequence in the stream
	// Published is when the stream took the message in (the server's
	// clock): how long a message has waited, whatever its deliveries.
	Published time.Time
}

// ErrMaxDeliver is wrapped by the error given to DeadLetter when a message
// was delivered MaxDeliver times without being processed.
var ErrMaxDeliver = errors.New("queue: maximum deliveries reached")

// ErrRetryFor is wrapped by the error given to DeadLetter when a message's
// handler still failed the Worker's RetryFor after it was published.
var ErrRetryFor = errors.New("queue: retried for the worker's retry_for")

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that retrying cannot fix (a malformed message, a
// rejected claim): a handler returning it has its message dead-lettered at
// once instead of redelivered. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// Worker processes the messages of one durable pull consumer, one at a time
// or, with Batch, as many as are at hand.
// Several Workers with the same Stream and Consumer, in one process or in
// several replicas, share the messages: each is processed by one of them.
//
// The handler's result decides a message's fate:
//   - nil: the message is acknowledged, after the handler has returned (so
//     after its effect is committed);
//   - an error marked Permanent, or any error on the MaxDeliver-th delivery:
//     DeadLetter parks the message with the error, then it is terminated; if
//     DeadLetter fails, the message is redelivered later instead;
//   - any other error: redelivered after Backoff.
//
// A message not acknowledged within AckWait (a crashed replica) is redelivered
// too; after MaxDeliver such deliveries the server gives up on it and Run
// dead-letters it from the server's max-deliveries advisory. Processing must
// be idempotent: a message may be handled more than once.
type Worker struct {
	JS            jetstream.JetStream
	Stream        string // stream name, e.g. Default.Stream(StreamEncounters)
	Consumer      string // durable consumer name, e.g. "intake"
	FilterSubject string // optional; e.g. one payer's FilesOut subject

	Handler    func(ctx context.Context, m *Message) error
	DeadLetter func(ctx context.Context, m *Message, err error) error

	// Batch, when set, is used instead of Handler: it gets the messages
	// at hand, up to BatchSize at once (the first one waited for, the rest
	// taken without waiting), and returns one result per message, which
	// decides that message's fate as Handler's would. A batch lets the
	// handler commit many messages in one transaction.
	Batch     func(ctx context.Context, ms []*Message) []error
	BatchSize int // 100 if zero

	// AckWait is how long the server waits for word from the Worker
	// before it hands a message to another: while the handler runs, the
	// Worker tells the server every AckWait/3 that the message is in
	// progress, so a crashed replica's messages come back after AckWait
	// and a slow handler keeps its own. DeadLetter gets a context that
	// ends after AckWait. 30s if zero.
	AckWait time.Duration
	// Timeout bounds one delivery: the handler gets a context that ends
	// after it. A handler that may take long (a payer file of a hundred
	// thousand claims, a large upload) needs a Timeout beyond AckWait.
	// AckWait if zero.
	Timeout time.Duration
	// MaxDeliver is how many times a message is delivered before it is
	// dead-lettered. DefaultMaxDeliver if zero. Unlimited (negative): the
	// server delivers a message until the handler settles it; only a
	// Permanent error dead-letters it, and the handler decides from
	// Message.Deliveries or its own clock when to stop putting it off, so
	// a message is never given up on because its deliveries ran out while
	// no Worker was running.
	MaxDeliver int
	// RetryFor bounds in time how long a failing message is redelivered,
	// from when the stream took it in (Message.Published): a message whose
	// handler still fails after it is dead-lettered (ErrRetryFor). With
	// MaxDeliver Unlimited, an outage (the ledger's, NATS's) uses up no
	// tries, only time. 0: no bound.
	RetryFor time.Duration
	// Backoff is the delay before redelivery after the n-th failed delivery
	// (the last entry repeats), each varied by up to a fifth either way so
	// that messages that failed together do not all come back together.
	// 1s, 5s, 30s, 2m if empty.
	Backoff []time.Duration

	Log zerolog.Logger // the zero value logs nothing
}

// DefaultMaxDeliver is a Worker's MaxDeliver when none is given.
const DefaultMaxDeliver = 5

// Unlimited is the MaxDeliver of a Worker whose messages are delivered
// until they are settled.
const Unlimited = -1

// withDefaults is a copy of w with the zero fields set to their defaults.
func (w Worker) withDefaults() *Worker {
	if w.AckWait <= 0 {
		w.AckWait = 30 * time.Second
	}
	if w.Timeout <= 0 {
		w.Timeout = w.AckWait
	}
	if w.MaxDeliver == 0 {
		w.MaxDeliver = DefaultMaxDeliver
	} else if w.MaxDeliver < 0 {
		w.MaxDeliver = Unlimited
	}
	if len(w.Backoff) == 0 {
		w.Backoff = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute}
	}
	if w.BatchSize <= 0 {
		w.BatchSize = 100
	}
	return &w
}

func (w *Worker) consumerConfig() jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       w.Consumer,
		FilterSubject: w.FilterSubject,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       w.AckWait,
		MaxDeliver:    w.MaxDeliver,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
}

// Run creates or updates the durable consumer and processes its messages
// until ctx is cancelled; then it stops fetching, finishes the message in
// hand and returns nil. It returns an error if the consumer cannot be set up
// or the connection is closed.
func (w *Worker) Run(ctx context.Context) error {
	if w.JS == nil || w.Stream == "" || w.Consumer == "" || (w.Handler == nil && w.Batch == nil) || w.DeadLetter == nil {
		return errors.New("queue: Worker needs JS, Stream, Consumer, Handler or Batch, and DeadLetter")
	}
	w = w.withDefaults()
	log := w.Log.With().Str("stream", w.Stream).Str("consumer", w.Consumer).Logger()
	cons, err := w.JS.CreateOrUpdateConsumer(ctx, w.Stream, w.consumerConfig())
	if err != nil {
		return fmt.Errorf("queue: consumer %s on %s: %w", w.Consumer, w.Stream, err)
	}
	stream, err := w.JS.Stream(ctx, w.Stream)
	if err != nil {
		return fmt.Errorf("queue: stream %s: %w", w.Stream, err)
	}

	// Messages the server gave up on after MaxDeliver unacknowledged
	// deliveries are announced by an advisory; one Worker of the queue group
	// parks each. Those it gave up on while no Worker listened are found
	// in the stream, behind the consumer's ack floor, and parked first.
	advisories := make(chan *nats.Msg, 64)
	sub, err := w.JS.Conn().ChanQueueSubscribe(maxDeliveriesAdvisory+"."+w.Stream+"."+w.Consumer, "claimsgw-deadletter", advisories)
	if err != nil {
		return fmt.Errorf("queue: subscribe to max-deliveries advisories: %w", err)
	}
	defer sub.Unsubscribe()
	var wg sync.WaitGroup
	defer wg.Wait()
	advCtx, stopAdv := context.WithCancel(ctx)
	defer stopAdv()
	wg.Go(func() {
		w.parkGivenUp(advCtx, cons, stream, log)
		for {
			select {
			case <-advCtx.Done():
				return
			case a := <-advisories:
				var adv struct {
					StreamSeq  uint64 `json:"stream_seq"`
					Deliveries uint64 `json:"deliveries"`
				}
				if err := json.Unmarshal(a.Data, &adv); err != nil {
					log.Error().Err(err).Msg("bad max-deliveries advisory")
					continue
				}
				w.parkExceeded(advCtx, stream, adv.StreamSeq, adv.Deliveries, log)
			}
		}
	})

	for {
		// Not FetchContext(ctx): a pull abandoned when ctx ends can still
		// be answered by the server, and that message, counted as
		// delivered, would wait out AckWait before anyone got it again.
		// A pull with a short expiry always completes, with a message
		// (then the one in hand) or with a timeout.
		msg, err := cons.Next(jetstream.FetchMaxWait(fetchWait))
		switch {
		case err == nil && w.Batch != nil:
			w.processBatch(ctx, cons, msg, log)
		case err == nil:
			w.process(ctx, msg, log)
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, nats.ErrTimeout), errors.Is(err, jetstream.ErrNoHeartbeat):
			// Nothing to do for a while; ask again.
		case errors.Is(err, nats.ErrConnectionClosed):
			return fmt.Errorf("queue: consumer %s on %s: %w", w.Consumer, w.Stream, err)
		default:
			log.Warn().Err(err).Msg("fetch failed; retrying")
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// fetchWait is how long one pull waits for a message: it bounds how long
// Run takes to return once its context ends.
const fetchWait = 500 * time.Millisecond

// maxDeliveriesAdvisory is the subject prefix of the server's advisories
// for messages that reached a consumer's MaxDeliver.
const maxDeliveriesAdvisory = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES"

// call runs f with a context that keeps ctx's values but not its
// cancellation (so a stopping Worker finishes the message in hand) and ends
// after AckWait.
func (w *Worker) call(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.AckWait)
	defer cancel()
	return f(ctx)
}

// handle runs the handler f for msgs as call does, but for up to Timeout,
// and tells the server every AckWait/3 until f returns that msgs are in
// progress.
func (w *Worker) handle(ctx context.Context, msgs []jetstream.Msg, f func(context.Context) error, log zerolog.Logger) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.Timeout)
	defer cancel()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(w.AckWait / 3)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				for _, msg := range msgs {
					if err := msg.InProgress(); err != nil {
						log.Warn().Err(err).Msg("in-progress report failed; the message may be redelivered")
					}
				}
			}
		}
	})
	err := f(ctx)
	close(done)
	wg.Wait()
	return err
}

func (w *Worker) process(ctx context.Context, msg jetstream.Msg, log zerolog.Logger) {
	m := message(msg)
	err := w.handle(ctx, []jetstream.Msg{msg}, func(ctx context.Context) error { return w.Handler(ctx, m) }, log)
	w.settle(ctx, msg, m, err, log)
}

// processBatch takes, besides the message in hand, the messages available
// now (up to BatchSize in all), hands them to Batch and settles each.
func (w *Worker) processBatch(ctx context.Context, cons jetstream.Consumer, first jetstream.Msg, log zerolog.Logger) {
	msgs := []jetstream.Msg{first}
	if w.BatchSize > 1 {
		if more, err := cons.FetchNoWait(w.BatchSize - 1); err == nil {
			for msg := range more.Messages() {
				msgs = append(msgs, msg)
			}
		}
	}
	ms := make([]*Message, len(msgs))
	for i, msg := range msgs {
		ms[i] = message(msg)
	}
	var errs []error
	err := w.handle(ctx, msgs, func(ctx context.Context) error {
		errs = w.Batch(ctx, ms)
		if len(errs) != len(ms) {
			return fmt.Errorf("queue: batch handler returned %d results for %d messages", len(errs), len(ms))
		}
		return nil
	}, log)
	for i, msg := range msgs {
		e := err
		if e == nil {
			e = errs[i]
		}
		w.settle(ctx, msg, ms[i], e, log)
	}
}

// message is what a handler sees of a delivered message.
func message(msg jetstream.Msg) *Message {
	m := &Message{Subject: msg.Subject(), Data: msg.Data(), Headers: msg.Headers(), MsgID: msg.Headers().Get(jetstream.MsgIDHeader)}
	if md, err := msg.Metadata(); err == nil {
		m.Deliveries = md.NumDelivered
		m.StreamSeq = md.Sequence.Stream
		m.Published = md.Timestamp
	}
	return m
}

// settle acks, naks or dead-letters a message by its handler's result.
func (w *Worker) settle(ctx context.Context, msg jetstream.Msg, m *Message, err error, log zerolog.Logger) {
	log = log.With().Uint64("stream_seq", m.StreamSeq).Uint64("deliveries", m.Deliveries).Logger()
	if err == nil {
		if err := msg.Ack(); err != nil {
			log.Warn().Err(err).Msg("ack failed; the message will be redelivered")
		}
		return
	}
	var perm *permanentError
	switch {
	case errors.As(err, &perm):
	case w.MaxDeliver > 0 && m.Deliveries >= uint64(w.MaxDeliver):
		err = fmt.Errorf("%w (%d): %w", ErrMaxDeliver, m.Deliveries, err)
	case w.RetryFor > 0 && !m.Published.IsZero() && time.Since(m.Published) >= w.RetryFor:
		err = fmt.Errorf("%w (%s, %d deliveries): %w", ErrRetryFor, w.RetryFor, m.Deliveries, err)
	default:
		log.Warn().Err(err).Msg("handler failed; the message will be redelivered")
		w.nak(msg, m.Deliveries, log)
		return
	}
	if dlErr := w.call(ctx, func(ctx context.Context) error { return w.DeadLetter(ctx, m, err) }); dlErr != nil {
		log.Error().Err(dlErr).AnErr("cause", err).Msg("dead letter failed; the message will be redelivered")
		w.nak(msg, m.Deliveries, log)
		return
	}
	log.Warn().Err(err).Msg("message dead-lettered")
	if err := msg.TermWithReason("dead-lettered"); err != nil {
		log.Warn().Err(err).Msg("term failed; the message will be redelivered")
	}
}

func (w *Worker) nak(msg jetstream.Msg, deliveries uint64, log zerolog.Logger) {
	i := min(int(max(deliveries, 1))-1, len(w.Backoff)-1)
	if err := msg.NakWithDelay(jitter(w.Backoff[i])); err != nil {
		log.Warn().Err(err).Msg("nak failed; the message will be redelivered after AckWait")
	}
}

// parkGivenUp parks the messages the server gave up on while no Worker
// listened for its advisories (every replica down when the last delivery's
// AckWait ran out): in a work-queue stream, an acknowledged or terminated
// message is deleted, so one of the consumer's subjects still stored
// behind its ack floor, or delivered while none is in hand, is one the
// server will not deliver again.
func (w *Worker) parkGivenUp(ctx context.Context, cons jetstream.Consumer, stream jetstream.Stream, log zerolog.Logger) {
	if w.MaxDeliver <= 0 {
		return
	}
	info, err := cons.Info(ctx)
	if err != nil {
		log.Warn().Err(err).Msg("consumer info failed; messages given up on while the gateway was down are not looked for")
		return
	}
	// Behind the ack floor, every message was settled or given up on;
	// with none in hand, so is every message delivered.
	last := info.AckFloor.Stream
	if info.NumAckPending == 0 {
		last = info.Delivered.Stream
	}
	subject := cmp.Or(w.FilterSubject, ">")
	for seq := uint64(1); seq <= last; {
		raw, err := stream.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(subject))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return
		}
		if err != nil {
			log.Warn().Err(err).Msg("looking for messages given up on failed")
			return
		}
		if raw.Sequence > last {
			return
		}
		w.parkExceeded(ctx, stream, raw.Sequence, uint64(w.MaxDeliver), log)
		seq = raw.Sequence + 1
	}
}

// parkExceeded dead-letters a message the server gave up on after
// deliveries and removes it from the stream. If DeadLetter fails, the
// message stays in the stream (not delivered again) for an operator to
// look at, and is looked at again when a Worker starts.
func (w *Worker) parkExceeded(ctx context.Context, stream jetstream.Stream, seq, deliveries uint64, log zerolog.Logger) {
	log = log.With().Uint64("stream_seq", seq).Uint64("deliveries", deliveries).Logger()
	err := w.call(ctx, func(ctx context.Context) error {
		raw, err := stream.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil // acknowledged late, or parked by another Worker
		}
		if err != nil {
			return err
		}
		m := &Message{Subject: raw.Subject, Data: raw.Data, Headers: raw.Header, MsgID: raw.Header.Get(jetstream.MsgIDHeader), Deliveries: deliveries, StreamSeq: raw.Sequence, Published: raw.Time}
		cause := fmt.Errorf("%w (%d): the last delivery was not acknowledged", ErrMaxDeliver, deliveries)
		if err := w.DeadLetter(ctx, m, cause); err != nil {
			return fmt.Errorf("dead letter: %w", err)
		}
		log.Warn().Err(cause).Msg("message dead-lettered")
		return stream.DeleteMsg(ctx, seq)
	})
	if err != nil {
		log.Error().Err(err).Msg("could not park a message past MaxDeliver; it stays in the stream")
	}
}

// jitter varies d by up to a fifth either way.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d - d/5 + rand.N(2*d/5+1)
}
