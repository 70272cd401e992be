package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/claimsgw/claimsgw/queue"
)

// Submit publishes one encounter (a JSON object) to the intake subject,
// with its id as the message ID so that a retried publish is not a second
// encounter. It returns the id and whether NATS had seen it already. An
// encounter without a readable id is published under the sha256 of its
// bytes; the intake stage records it as invalid.
func Submit(ctx context.Context, js jetstream.JetStream, names queue.Names, raw []byte) (id string, duplicate bool, err error) {
	var head struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &head) != nil || head.ID == "" {
		sum := sha256.Sum256(raw)
		head.ID = "sha256:" + hex.EncodeToString(sum[:])
	}
	if len(raw) == 0 {
		return "", false, errors.New("gateway: empty encounter")
	}
	dup, err := queue.Publish(ctx, js, names.Encounters(), queue.EncounterMsgID(head.ID), raw, nil)
	return head.ID, dup, err
}
