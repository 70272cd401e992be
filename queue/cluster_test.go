package queue_test

import (
	"context"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/queue"
)

// Replicas started together with a new three-server cluster, each on
// another server, all set the streams up (R3), while the cluster is still
// electing its leaders. Before, all three failed after 5 s ("context
// deadline exceeded") in 6 trials of 6.
func TestSetupOnANewClusterFromThreeReplicasAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("a NATS cluster: not in -short")
	}
	c := testutil.NATSCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	errs := make(chan error, 3)
	for _, url := range c.URLs() {
		js := testutil.JetStream(t, url)
		go func() { errs <- queue.Default.Setup(ctx, js, 3) }()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("a replica's setup: %v", err)
		}
	}
}
