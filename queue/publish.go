package queue

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Publish stores data on subject with the Nats-Msg-Id msgID and waits for the
// stream's acknowledgement. Publishing again with the same msgID within the
// stream's duplicate window stores nothing and reports duplicate; so a
// publisher that is not sure its message arrived simply publishes it again.
// headers may be nil; Publish does not modify it.
func Publish(ctx context.Context, js jetstream.JetStream, subject, msgID string, data []byte, headers nats.Header) (duplicate bool, err error) {
	if msgID == "" {
		return false, errors.New("queue: publish without a message id")
	}
	m := &nats.Msg{Subject: subject, Data: data, Header: nats.Header{}}
	for k, v := range headers {
		m.Header[k] = v
	}
	ack, err := js.PublishMsg(ctx, m, jetstream.WithMsgID(msgID))
	if err != nil {
		return false, fmt.Errorf("queue: publish to %s: %w", subject, err)
	}
	return ack.Duplicate, nil
}

// EncounterMsgID is the message id of an encounter: its id in the billing
// system and a digest of its content, so that the same encounter published
// twice is stored once and a corrected one (new content) is not refused.
func EncounterMsgID(encounterID string, content []byte) string {
	sum := sha256.Sum256(content)
	return "encounter:" + encounterID + ":" + hex.EncodeToString(sum[:16])
}

// BatchMsgID is the message id of the 837 file of a batch.
func BatchMsgID(batchID string) string { return "batch:" + batchID }

// FileMsgID is the message id of a file picked up from a payer: the SHA-256 of
// its content, so the same file picked up twice is stored once.
func FileMsgID(content []byte) string {
	sum := sha256.Sum256(content)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Outgoing is one message for PublishAll.
type Outgoing struct {
	Subject string
	MsgID   string
	Data    []byte
}

// PublishAll publishes messages without waiting for each acknowledgment in
// turn, then waits for all of them: many small messages (claim events) cost
// one round trip's wait, not one each. It returns how many the stream had
// seen already (by message id), and the first error.
func PublishAll(ctx context.Context, js jetstream.JetStream, msgs []Outgoing) (duplicates int, err error) {
	futures := make([]jetstream.PubAckFuture, 0, len(msgs))
	for _, m := range msgs {
		if m.MsgID == "" {
			return 0, errors.New("queue: publish without a message id")
		}
		f, err := js.PublishMsgAsync(&nats.Msg{Subject: m.Subject, Data: m.Data, Header: nats.Header{}}, jetstream.WithMsgID(m.MsgID))
		if err != nil {
			return 0, fmt.Errorf("queue: publish to %s: %w", m.Subject, err)
		}
		futures = append(futures, f)
	}
	for _, f := range futures {
		select {
		case ack := <-f.Ok():
			if ack.Duplicate {
				duplicates++
			}
		case err := <-f.Err():
			return duplicates, fmt.Errorf("queue: publish to %s: %w", f.Msg().Subject, err)
		case <-ctx.Done():
			return duplicates, ctx.Err()
		}
	}
	return duplicates, nil
}
