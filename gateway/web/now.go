package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// The Now page: the pipeline at a glance.

type count struct {
	ID, Label string
	N         int
}

type nowData struct {
	At               time.Time
	Total            int
	Pipeline         []count // encounters in, through delivery, to what each claim waits for
	ByStatus         []count // as GET /v1/stats
	OpenExceptions   int
	DeadLetters      int
	DeliveryFailures int
	Chart            template.HTML
	Routes           []*ledger.RouteActivity
}

func (s *server) now(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.opts.Now()
	d := nowData{At: now}
	counts, err := s.ledger.CountByStatus(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, st := range ledger.Statuses {
		d.ByStatus = append(d.ByStatus, count{string(st), string(st), counts[st]})
		d.Total += counts[st]
	}
	notSent := counts[ledger.StatusReceived] + counts[ledger.StatusInvalid] + counts[ledger.StatusQueued] + counts[ledger.StatusBatched] + counts[ledger.StatusDeliveryFailed]
	d.Pipeline = []count{
		{"encounters", "encounters in", d.Total},
		{"invalid", "invalid", counts[ledger.StatusInvalid]},
		{"queued", "queued", counts[ledger.StatusQueued]},
		{"batched", "batched", counts[ledger.StatusBatched]},
		{"delivered", "delivered", d.Total - notSent},
		{"wait-999", "waiting for 999", counts[ledger.StatusSubmitted]},
		{"wait-277ca", "waiting for 277CA", counts[ledger.StatusAcknowledged]},
		{"wait-835", "waiting for 835", counts[ledger.StatusAccepted] + counts[ledger.StatusPending]},
	}
	if d.OpenExceptions, err = s.ledger.CountOpenExceptions(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.DeadLetters, err = s.ledger.CountDeadLetters(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.DeliveryFailures, err = s.ledger.CountFiles(ctx, ledger.FileDeliveryFailed); err != nil {
		s.fail(w, r, err)
		return
	}
	minutes, err := s.ledger.Throughput(ctx, now.Add(-59*time.Minute), now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := chart{ID: "chart-throughput", Title: "claims per minute, the last hour", Every: 10,
		Series: []series{{Name: "encounters in", Class: "s1"}, {Name: "delivered", Class: "s2"}}}
	for _, m := range minutes {
		c.Labels = append(c.Labels, m.At.Format("15:04"))
		c.Series[0].Values = append(c.Series[0].Values, int64(m.Received))
		c.Series[1].Values = append(c.Series[1].Values, int64(m.Delivered))
	}
	d.Chart = c.SVG()
	for _, p := range s.opts.Payers {
		a, err := s.ledger.RouteActivity(ctx, p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Routes = append(d.Routes, a)
	}
	s.render(w, r, http.StatusOK, "now", "Now", "now", d)
}
