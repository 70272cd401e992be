package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/metrics"
)

// scrape returns the text exposition of m.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMetrics(t *testing.T) {
	counts := func(context.Context) (map[ledger.Status]int, error) {
		return map[ledger.Status]int{ledger.StatusQueued: 7, ledger.StatusPaid: 2}, nil
	}
	lag := func(context.Context) (map[string]uint64, error) {
		return map[string]uint64{"ENCOUNTERS/intake": 12, "FILES_OUT/deliverer": 0}, nil
	}
	m := metrics.New(counts, lag)
	m.Encounters.WithLabelValues(metrics.Accepted).Add(3)
	m.Encounters.WithLabelValues(metrics.Duplicate).Inc()
	m.BatchSize.Observe(2)
	m.BatchSize.Observe(40)
	m.FilesBuilt.WithLabelValues("SIMPAYER").Add(2)
	m.DeliverySeconds.Observe(0.3)
	m.Deliveries.WithLabelValues("SIMPAYER", metrics.OK).Inc()
	m.Deliveries.WithLabelValues("SIMPAYER", metrics.Retry).Add(2)
	m.InboundFiles.WithLabelValues("SIMPAYER", "999").Inc()
	m.DeadLetters.WithLabelValues("ENCOUNTERS").Inc()

	out := scrape(t, m)
	for _, want := range []string{
		`claimsgw_encounters_total{outcome="accepted"} 3`,
		`claimsgw_encounters_total{outcome="duplicate"} 1`,
		`claimsgw_encounters_total{outcome="invalid"} 0`,
		`claimsgw_claims_by_status{status="queued"} 7`,
		`claimsgw_claims_by_status{status="paid"} 2`,
		`claimsgw_claims_by_status{status="denied"} 0`,
		`claimsgw_batch_size_bucket{le="1"} 0`,
		`claimsgw_batch_size_bucket{le="5"} 1`,
		`claimsgw_batch_size_bucket{le="50"} 2`,
		`claimsgw_batch_size_sum 42`,
		`claimsgw_batch_size_count 2`,
		`claimsgw_files_built_total{payer="SIMPAYER"} 2`,
		`claimsgw_delivery_seconds_bucket{le="0.25"} 0`,
		`claimsgw_delivery_seconds_bucket{le="0.5"} 1`,
		`claimsgw_delivery_seconds_count 1`,
		`claimsgw_deliveries_total{outcome="ok",payer="SIMPAYER"} 1`,
		`claimsgw_deliveries_total{outcome="retry",payer="SIMPAYER"} 2`,
		`claimsgw_inbound_files_total{kind="999",payer="SIMPAYER"} 1`,
		`claimsgw_queue_lag{consumer="ENCOUNTERS/intake"} 12`,
		`claimsgw_queue_lag{consumer="FILES_OUT/deliverer"} 0`,
		`claimsgw_dead_letters_total{stream="ENCOUNTERS"} 1`,
		`go_goroutines `,
		`process_cpu_seconds_total `,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	for line := range strings.Lines(out) {
		if name, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(line, "# HELP "), "# TYPE "), " "); !strings.HasPrefix(name, "claimsgw_") &&
			!strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") && !strings.HasPrefix(name, "promhttp_") {
			t.Errorf("metric outside claimsgw_: %q", line)
		}
	}
}

// A failing ledger or queue leaves its metric out; the rest is served.
func TestMetricsFetchFails(t *testing.T) {
	m := metrics.New(
		func(context.Context) (map[ledger.Status]int, error) { return nil, errors.New("ledger down") },
		func(context.Context) (map[string]uint64, error) { return nil, errors.New("nats down") },
	)
	out := scrape(t, m)
	if strings.Contains(out, "claimsgw_claims_by_status{") || strings.Contains(out, "claimsgw_queue_lag{") {
		t.Errorf("failed collectors still reported:\n%s", out)
	}
	if !strings.Contains(out, `claimsgw_encounters_total{outcome="accepted"} 0`) {
		t.Errorf("other metrics missing:\n%s", out)
	}
}

// Without the funcs the two scrape-time metrics are left out.
func TestMetricsWithoutFuncs(t *testing.T) {
	out := scrape(t, metrics.New(nil, nil))
	if strings.Contains(out, "claimsgw_claims_by_status") || strings.Contains(out, "claimsgw_queue_lag") {
		t.Errorf("metrics without a source:\n%s", out)
	}
}

// Payers makes the series alerts watch at 0 for each payer.
func TestPayersAtZero(t *testing.T) {
	m := metrics.New(nil, nil)
	m.Payers("SIMPAYER")
	out := scrape(t, m)
	for _, want := range []string{
		`claimsgw_deliveries_total{outcome="failed",payer="SIMPAYER"} 0`,
		`claimsgw_deliveries_total{outcome="ok",payer="SIMPAYER"} 0`,
		`claimsgw_deliveries_total{outcome="retry",payer="SIMPAYER"} 0`,
		`claimsgw_files_built_total{payer="SIMPAYER"} 0`,
		`claimsgw_inbound_files_refused_total{payer="SIMPAYER",reason="too_large"} 0`,
		`claimsgw_inbound_files_refused_total{payer="SIMPAYER",reason="fetch_failed"} 0`,
		`claimsgw_inbound_files_refused_total{payer="SIMPAYER",reason="not_archived"} 0`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("scrape lacks %q", want)
		}
	}
}
