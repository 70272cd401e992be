// Package queue is claimsgw's NATS JetStream layer: the streams and subjects,
// publishing with Nats-Msg-Id so retries do not duplicate, durable pull
// consumers run by a Worker that acknowledges only after the handler's
// effect is committed and dead-letters what cannot be processed, and an
// embedded nats-server for running on one machine. See docs/queue.md.
package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Stream names, as on a server using the Default names.
const (
	// StreamEncounters holds coded encounters published by billing systems
	// (work queue: each is removed once intake has acknowledged it).
	StreamEncounters = "ENCOUNTERS"
	// StreamFilesOut holds 837 files waiting to be delivered to payers (work queue).
	StreamFilesOut = "FILES_OUT"
	// StreamFilesIn holds files picked up from payers, waiting to be decoded (work queue).
	StreamFilesIn = "FILES_IN"
	// StreamEvents holds claim status changes for billing systems to follow
	// (kept for EventsMaxAge, whoever has read them).
	StreamEvents = "EVENTS"
	// StreamHealth holds each replica's last readiness probe: /readyz
	// publishes one to find whether JetStream takes messages.
	StreamHealth = "HEALTH"
)

// Subjects, as on a server using the Default names.
const (
	// SubjectEncounters is where billing systems publish encounters.
	SubjectEncounters = "claimsgw.encounters.in"
	// SubjectFilesOut is claimsgw.files.out.<payer>: one subject per payer.
	SubjectFilesOut = "claimsgw.files.out.>"
	// SubjectFilesIn is claimsgw.files.in.<payer>: one subject per payer.
	SubjectFilesIn = "claimsgw.files.in.>"
	// SubjectClaimEvents is claimsgw.events.claim.<status>, e.g.
	// claimsgw.events.claim.paid: one subject per claim status.
	SubjectClaimEvents = "claimsgw.events.claim.>"
	// SubjectHealth is claimsgw.health.<replica>: one subject per replica.
	SubjectHealth = "claimsgw.health.>"
)

// DuplicateWindow is how long the work-queue streams remember a Nats-Msg-Id:
// a message published again with the same ID within it is stored once.
const DuplicateWindow = 24 * time.Hour

// EventsMaxAge is how long the EVENTS stream keeps claim events.
const EventsMaxAge = 30 * 24 * time.Hour

// Names are the stream and subject names one deployment uses. Default is the
// production layout; other prefixes let tests (or two gateways) share a server.
type Names struct {
	SubjectPrefix string // first subject token(s), "claimsgw" by default
	StreamPrefix  string // prepended to stream names, "" by default
}

// Default are the names documented in docs/queue.md.
var Default = Names{SubjectPrefix: "claimsgw"}

// Stream is the name of the stream base (one of the Stream constants).
func (n Names) Stream(base string) string { return n.StreamPrefix + base }

// Encounters is the subject encounters are published on.
func (n Names) Encounters() string { return n.SubjectPrefix + ".encounters.in" }

// FilesOut is the subject of the 837 files for payer; the payer id is escaped
// into one subject token (see Token).
func (n Names) FilesOut(payer string) (string, error) {
	return n.subject("files.out", payer)
}

// FilesIn is the subject of the files picked up from payer.
func (n Names) FilesIn(payer string) (string, error) {
	return n.subject("files.in", payer)
}

// ClaimEvent is the subject of claim events with status, e.g. "paid".
func (n Names) ClaimEvent(status string) (string, error) {
	return n.subject("events.claim", status)
}

// Probe publishes a readiness probe for replica and waits for JetStream to
// store it: an error says JetStream does not take messages (not connected,
// its disk full, no stream leader).
func (n Names) Probe(ctx context.Context, js jetstream.JetStream, replica string) error {
	subject, err := n.subject("health", replica)
	if err != nil {
		return err
	}
	if _, err := js.Publish(ctx, subject, []byte(time.Now().UTC().Format(time.RFC3339Nano))); err != nil {
		return fmt.Errorf("queue: probe: %w", err)
	}
	return nil
}

func (n Names) subject(mid, last string) (string, error) {
	tok, err := Token(last)
	if err != nil {
		return "", err
	}
	return n.SubjectPrefix + "." + mid + "." + tok, nil
}

// MaxTokenLen bounds the length of a subject token made by Token.
const MaxTokenLen = 128

// Token escapes s (a payer id or claim status) into one NATS subject token:
// ASCII letters, digits, '-' and '_' stay; every other byte becomes '~' and
// two upper-case hex digits ("BCBS TX" → "BCBS~20TX", "a.b" → "a~2Eb"), so
// different ids never share a token and no id can add a token or a wildcard.
func Token(s string) (string, error) {
	if s == "" {
		return "", errors.New("queue: empty subject token")
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' {
			b = append(b, c)
		} else {
			b = append(b, '~', hex[c>>4], hex[c&15])
		}
	}
	if len(b) > MaxTokenLen {
		return "", fmt.Errorf("queue: subject token longer than %d bytes once escaped", MaxTokenLen)
	}
	return string(b), nil
}

// streams are the stream configurations for n with the given replicas.
func (n Names) streams(replicas int) []jetstream.StreamConfig {
	wq := func(base, desc, subject string) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name:        n.Stream(base),
			Description: desc,
			Subjects:    []string{subject},
			Retention:   jetstream.WorkQueuePolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    replicas,
			Duplicates:  DuplicateWindow,
		}
	}
	return []jetstream.StreamConfig{
		wq(StreamEncounters, "claimsgw: encounters from billing systems", n.Encounters()),
		wq(StreamFilesOut, "claimsgw: 837 files to deliver, one subject per payer", n.SubjectPrefix+".files.out.>"),
		wq(StreamFilesIn, "claimsgw: files picked up from payers, one subject per payer", n.SubjectPrefix+".files.in.>"),
		{
			Name:        n.Stream(StreamEvents),
			Description: "claimsgw: claim status changes, one subject per status",
			Subjects:    []string{n.SubjectPrefix + ".events.claim.>"},
			Retention:   jetstream.LimitsPolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    replicas,
			MaxAge:      EventsMaxAge,
			Duplicates:  time.Hour,
		},
		{
			Name:              n.Stream(StreamHealth),
			Description:       "claimsgw: each replica's last readiness probe",
			Subjects:          []string{n.SubjectPrefix + ".health.>"},
			Retention:         jetstream.LimitsPolicy,
			Storage:           jetstream.FileStorage, // a full disk fails the probe
			Replicas:          replicas,
			MaxMsgsPerSubject: 1,
			MaxAge:            time.Hour,
		},
	}
}

// Setup creates the streams, or updates them to this configuration if they
// exist; running it again changes nothing. replicas is 1 on a single server
// and 3 on a production cluster.
//
// A cluster that has just started answers no JetStream request until it
// has elected its leaders, and several replicas may create the same
// stream at once: each stream is tried again, 2 s an attempt, with
// backoff, for up to SetupFor (or until ctx ends). The last error is
// returned. A request JetStream refuses as wrong (a config it cannot take,
// subjects another stream has) is returned at once: no retry mends it.
func (n Names) Setup(ctx context.Context, js jetstream.JetStream, replicas int) error {
	if replicas < 1 {
		replicas = 1
	}
	deadline := time.Now().Add(SetupFor)
	for _, cfg := range n.streams(replicas) {
		wait := 100 * time.Millisecond
		for {
			actx, cancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := js.CreateOrUpdateStream(actx, cfg)
			cancel()
			if err == nil {
				break
			}
			var refused *jetstream.APIError
			if errors.As(err, &refused) && refused.Code < 500 || ctx.Err() != nil || time.Now().Add(wait).After(deadline) {
				return fmt.Errorf("queue: stream %s: %w", cfg.Name, err)
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("queue: stream %s: %w", cfg.Name, err)
			case <-time.After(wait):
			}
			wait = min(2*wait, 2*time.Second)
		}
	}
	return nil
}

// SetupFor is how long Setup tries to set up the streams: a new cluster
// elects its leaders in seconds.
const SetupFor = 2 * time.Minute

// Lag returns, for every durable consumer on n's streams, the messages it
// has not acknowledged yet (not delivered, plus delivered and waiting for an
// acknowledgement), keyed "STREAM/consumer".
func (n Names) Lag(ctx context.Context, js jetstream.JetStream) (map[string]uint64, error) {
	lag := map[string]uint64{}
	for _, cfg := range n.streams(1) {
		s, err := js.Stream(ctx, cfg.Name)
		if err != nil {
			return nil, fmt.Errorf("queue: stream %s: %w", cfg.Name, err)
		}
		l := s.ListConsumers(ctx)
		for ci := range l.Info() {
			lag[cfg.Name+"/"+ci.Name] = ci.NumPending + uint64(ci.NumAckPending)
		}
		if err := l.Err(); err != nil {
			return nil, fmt.Errorf("queue: consumers of %s: %w", cfg.Name, err)
		}
	}
	return lag, nil
}
