package pickup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/gateway/metrics"
	"github.com/claimsgw/claimsgw/gateway/pickup"
	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

// A payer file larger than the route's max_file_size is left on the
// payer's server and recorded once, with an exception and a count, however
// many polls see it (before, "file not picked up" was logged at every poll
// and nothing else); with the limit raised, the next poll takes it.
func TestTooLargeFileRecordedOnce(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "outbound"), 0o755); err != nil {
		t.Fatal(err)
	}
	big := gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTBIG", "", nil)) + strings.Repeat(" ", 4096)
	if err := os.WriteFile(filepath.Join(root, "outbound", "big.835"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	sim := gatewaytest.NewSFTP(t, root)
	sim.Start(t)
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	m := metrics.New(nil, nil)
	h.Options.Metrics = m
	route := h.Payer()
	route.SFTP.PickupDir, route.SFTP.MaxFileSize = "/outbound", 4096
	p, err := pickup.New(pickup.Options{Options: h.Options, Dial: func(ctx context.Context, _ *config.Payer) (pickup.Inbox, error) {
		return transfer.Dial(ctx, sim.Endpoint)
	}})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := p.Poll(h.Ctx, route); err != nil {
			t.Fatal(err)
		}
	}
	es, err := h.Ledger.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
	if err != nil || len(es) != 1 || es[0].Kind != "file" || es[0].PayerID != gatewaytest.PayerID ||
		!strings.Contains(es[0].Reason, fmt.Sprintf("payer file big.835 of %d bytes is larger than the route's sftp.max_file_size (4096)", len(big))) {
		t.Fatalf("exceptions after three polls: %+v, %v", es, err)
	}
	var c dto.Metric
	if err := m.RefusedFiles.WithLabelValues(gatewaytest.PayerID, "too_large").Write(&c); err != nil || c.GetCounter().GetValue() != 1 {
		t.Errorf("refused files counted %v, want 1: %v", c.GetCounter().GetValue(), err)
	}
	if got := testutil.DirNames(t, filepath.Join(root, "outbound")); len(got) != 1 {
		t.Fatalf("the payer's folder holds %q, want the file left there", got)
	}

	route.SFTP.MaxFileSize = 1 << 20
	if err := p.Poll(h.Ctx, route); err != nil {
		t.Fatal(err)
	}
	if got := testutil.DirNames(t, filepath.Join(root, "outbound")); len(got) != 0 {
		t.Errorf("after the limit was raised, the payer's folder holds %q", got)
	}
	in, err := h.Ledger.InboundContent(h.Ctx, fmt.Sprintf("%x", sha256.Sum256([]byte(big))))
	if err != nil || !bytes.Equal(in.Content, []byte(big)) {
		t.Errorf("the file was not archived: %v", err)
	}
}
