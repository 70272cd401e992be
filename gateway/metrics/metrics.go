// Package metrics holds the gateway's Prometheus metrics. Every name starts
// with claimsgw_; labels carry payer ids, statuses, stream and consumer
// names, never PHI.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// Outcomes of an encounter (encounters_total).
const (
	Accepted  = "accepted"
	Invalid   = "invalid"
	Duplicate = "duplicate"
)

// Outcomes of a delivery attempt (deliveries_total).
const (
	OK     = "ok"
	Retry  = "retry"
	Failed = "failed"
)

// scrapeTimeout bounds the queries a scrape runs.
const scrapeTimeout = 3 * time.Second

// Metrics is the gateway's metrics with their own registry. The pipeline
// stages update the exported fields.
type Metrics struct {
	registry *prometheus.Registry

	Encounters      *prometheus.CounterVec // outcome: Accepted, Invalid, Duplicate
	BatchSize       prometheus.Histogram   // claims per outbound file
	FilesBuilt      *prometheus.CounterVec // payer
	DeliverySeconds prometheus.Histogram   // one delivery attempt, whatever its outcome
	Deliveries      *prometheus.CounterVec // payer, outcome: OK, Retry, Failed
	InboundFiles    *prometheus.CounterVec // payer, kind (TA1, 999, 277CA, 835 ...)
	RefusedFiles    *prometheus.CounterVec // payer, reason (too_large, fetch_failed, not_archived, and transfer's Skipped reasons)
	DeadLetters     *prometheus.CounterVec // stream
}

// New makes the metrics. countByStatus feeds claims_by_status and lag feeds
// queue_lag, both at scrape time; either may be nil to leave its metric out.
func New(countByStatus func(ctx context.Context) (map[ledger.Status]int, error), lag func(ctx context.Context) (map[string]uint64, error)) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		Encounters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "claimsgw_encounters_total",
			Help: "Encounters taken in by the intake stage, by outcome.",
		}, []string{"outcome"}),
		BatchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "claimsgw_batch_size",
			Help:    "Claims per outbound 837 file.",
			Buckets: []float64{1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000},
		}),
		FilesBuilt: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "claimsgw_files_built_total",
			Help: "Outbound 837 files built, by payer.",
		}, []string{"payer"}),
		DeliverySeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "claimsgw_delivery_seconds",
			Help:    "Time of one delivery attempt of an outbound file, whatever its outcome.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120},
		}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "claimsgw_deliveries_total",
			Help: "Delivery attempts of outbound files, by payer and outcome (ok, retry), and files given up on (failed).",
		}, []string{"payer", "outcome"}),
		InboundFiles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "claimsgw_inbound_files_total",
			Help: "Files picked up from payers, by payer and kind.",
		}, []string{"payer", "kind"}),
		RefusedFiles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "claimsgw_inbound_files_refused_total",
			Help: "Payer files the poller left on the server, each counted once, by payer and reason (too_large, fetch_failed, not_archived, not_regular, unsafe_name, in_progress).",
		}, []string{"payer", "reason"}),
		DeadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "claimsgw_dead_letters_total",
			Help: "Queue messages parked as dead letters, by stream.",
		}, []string{"stream"}),
	}
	for _, o := range []string{Accepted, Invalid, Duplicate} {
		m.Encounters.WithLabelValues(o)
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.Encounters, m.BatchSize, m.FilesBuilt, m.DeliverySeconds, m.Deliveries, m.InboundFiles, m.RefusedFiles, m.DeadLetters,
	)
	if countByStatus != nil {
		m.registry.MustRegister(&gaugeFunc{
			desc: prometheus.NewDesc("claimsgw_claims_by_status", "Claims in the ledger in each status.", []string{"status"}, nil),
			fetch: func(ctx context.Context) (map[string]float64, error) {
				counts, err := countByStatus(ctx)
				if err != nil {
					return nil, err
				}
				out := map[string]float64{}
				for _, s := range ledger.Statuses {
					out[string(s)] = 0
				}
				for s, n := range counts {
					out[string(s)] = float64(n)
				}
				return out, nil
			},
		})
	}
	if lag != nil {
		m.registry.MustRegister(&gaugeFunc{
			desc: prometheus.NewDesc("claimsgw_queue_lag", "Messages a queue consumer has not processed yet.", []string{"consumer"}, nil),
			fetch: func(ctx context.Context) (map[string]float64, error) {
				pending, err := lag(ctx)
				if err != nil {
					return nil, err
				}
				out := make(map[string]float64, len(pending))
				for c, n := range pending {
					out[c] = float64(n)
				}
				return out, nil
			},
		})
	}
	return m
}

// Payers makes the series of each payer that alerts watch at 0, before
// anything happened: the deliveries of each outcome (ok, retry, failed),
// the files built, and the payer files refused with an exception (too
// large, not fetched, not archived). A counter's
// series is made when it first counts, so without this the first file
// given up on makes claimsgw_deliveries_total{outcome="failed"} appear at
// 1, and `increase(...[15m]) > 0` stays 0: the alert misses it.
func (m *Metrics) Payers(payers ...string) {
	for _, p := range payers {
		for _, o := range []string{OK, Retry, Failed} {
			m.Deliveries.WithLabelValues(p, o)
		}
		m.FilesBuilt.WithLabelValues(p)
		for _, r := range []string{"too_large", "fetch_failed", "not_archived"} { // the pickup's reasons with an exception
			m.RefusedFiles.WithLabelValues(p, r)
		}
	}
}

// Handler serves the metrics in the Prometheus exposition formats. A
// collector that fails leaves its metric out of the scrape; the rest is
// served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// gaugeFunc is a gauge with one label whose values are fetched at scrape
// time, within scrapeTimeout.
type gaugeFunc struct {
	desc  *prometheus.Desc
	fetch func(ctx context.Context) (map[string]float64, error)
}

func (g *gaugeFunc) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g *gaugeFunc) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	values, err := g.fetch(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(g.desc, err)
		return
	}
	for label, v := range values {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, v, label)
	}
}

// The stages' reports (gateway.Metrics).

// Encounter counts an encounter taken in, by outcome.
func (m *Metrics) Encounter(outcome string) { m.Encounters.WithLabelValues(outcome).Inc() }

// FileBuilt counts an outbound file and its size.
func (m *Metrics) FileBuilt(payer string, claims int) {
	m.FilesBuilt.WithLabelValues(payer).Inc()
	m.BatchSize.Observe(float64(claims))
}

// Delivery counts a delivery attempt (OK, Retry) and its time, or a file
// given up on (Failed: no attempt, no time).
func (m *Metrics) Delivery(payer, outcome string, d time.Duration) {
	m.Deliveries.WithLabelValues(payer, outcome).Inc()
	if outcome != Failed {
		m.DeliverySeconds.Observe(d.Seconds())
	}
}

// InboundFile counts a payer file picked up.
func (m *Metrics) InboundFile(payer, kind string) { m.InboundFiles.WithLabelValues(payer, kind).Inc() }

// RefusedFile counts a payer file the poller left on the server.
func (m *Metrics) RefusedFile(payer, reason string) {
	m.RefusedFiles.WithLabelValues(payer, reason).Inc()
}

// DeadLetter counts a message parked.
func (m *Metrics) DeadLetter(stream string) { m.DeadLetters.WithLabelValues(stream).Inc() }
