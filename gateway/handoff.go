package gateway

import (
	"sync"

	"github.com/claimsgw/claimsgw/x12/claim"
)

// handoffMax bounds the claims intake hands to the batcher: about 2 KB
// each, a few files' worth.
const handoffMax = 20_000

// Handoff passes the claims intake converted (to check that the 837
// writer takes them) to the batcher, so that it does not decode their
// encounters again. It is a shortcut only: a claim that is not here (the
// process restarted, another replica took it in, more were waiting than
// it holds) is converted from the ledger's copy of its encounter, the same
// way, to the same claim. The zero value is ready to use.
type Handoff struct {
	mu     sync.Mutex
	claims map[string]claim.Claim
}

// Put hands a claim over, unless handoffMax are waiting.
func (h *Handoff) Put(id string, c claim.Claim) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.claims == nil {
		h.claims = map[string]claim.Claim{}
	}
	if len(h.claims) < handoffMax {
		h.claims[id] = c
	}
}

// Get returns the claim handed over for an id.
func (h *Handoff) Get(id string) (claim.Claim, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.claims[id]
	return c, ok
}

// Drop forgets claims, once they are in a file (or taken elsewhere).
func (h *Handoff) Drop(ids []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		delete(h.claims, id)
	}
}
