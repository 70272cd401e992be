package batch

import (
	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// What the external tests call inside the batcher.

func (b *Batcher) Build(p *config.Payer) ledger.BuildFunc { return b.build(p) }

func (b *Batcher) ToClaims(pending []ledger.Pending, p *config.Payer) ([]claim.Claim, []error) {
	return b.toClaims(pending, p)
}
