package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/queue"
)

// Submit publishes one encounter (a JSON object) to the intake subject,
// with its id and content as the message ID so that a retried publish is
// not a second encounter (and a correction, new content, gets through). It returns the id and whether NATS had seen it already. An
// encounter without a readable id is published under the sha256 of its
// bytes; the intake stage records it as invalid.
func Submit(ctx context.Context, js jetstream.JetStream, names queue.Names, raw []byte) (id string, duplicate bool, err error) {
	if len(raw) == 0 {
		return "", false, errors.New("intake: empty encounter")
	}
	id = encounterID(raw)
	duplicate, err = queue.Publish(ctx, js, names.Encounters(), queue.EncounterMsgID(id, raw), raw, nil)
	return id, duplicate, err
}

// SubmitAll publishes encounters as Submit does, without waiting for each
// acknowledgment in turn: all are published, then all acknowledgments
// awaited. A billing system sending many (claimsgw submit) waits one
// round trip a batch instead of one an encounter. It returns their ids
// and how many NATS had seen already.
func SubmitAll(ctx context.Context, js jetstream.JetStream, names queue.Names, raws [][]byte) (ids []string, duplicates int, err error) {
	msgs := make([]queue.Outgoing, len(raws))
	ids = make([]string, len(raws))
	for i, raw := range raws {
		if len(raw) == 0 {
			return nil, 0, errors.New("intake: empty encounter")
		}
		ids[i] = encounterID(raw)
		msgs[i] = queue.Outgoing{Subject: names.Encounters(), MsgID: queue.EncounterMsgID(ids[i], raw), Data: raw}
	}
	duplicates, err = queue.PublishAll(ctx, js, msgs)
	if err != nil {
		return nil, duplicates, err
	}
	return ids, duplicates, nil
}

// encounterID is an encounter's id, or the sha256 of its bytes when none
// can be read or it is longer than the contract allows.
func encounterID(raw []byte) string {
	var head struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &head) != nil || head.ID == "" || len(head.ID) > encounter.MaxIDLength {
		return contentID(raw)
	}
	return head.ID
}

// contentID is the id of an encounter named by its content.
func contentID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}
