package web

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/report"
)

// reportCache keeps the reports read whole (aging, denials, rejections,
// daily: each a pass over the whole ledger, seconds at a million claims)
// for the finance pages: a report younger than ttl is shown as read; an
// older one is shown too while it is read again in the background, once
// at a time; one never read is read for the page. At most maxReports are
// kept, the least recently read going first.
type reportCache struct {
	ttl time.Duration // < 0: no cache
	now func() time.Time
	log zerolog.Logger

	mu      sync.Mutex
	entries map[string]*cached
}

const maxReports = 64

type cached struct {
	rep     report.Report
	at      time.Time // when it was read
	used    time.Time
	reading bool // read again in the background now
}

func newReportCache(ttl time.Duration, now func() time.Time, log zerolog.Logger) *reportCache {
	return &reportCache{ttl: ttl, now: now, log: log, entries: map[string]*cached{}}
}

// read returns the report and when it was read.
func (c *reportCache) read(ctx context.Context, l *ledger.Ledger, e report.Entry, q report.Query) (report.Report, time.Time, error) {
	if c.ttl < 0 {
		rep, err := e.Read(ctx, l, q)
		return rep, c.now(), err
	}
	key := fmt.Sprintf("%s\x00%s\x00%s\x00%s", e.Name(), q.PayerID, q.From, q.To)
	c.mu.Lock()
	ent := c.entries[key]
	if ent != nil {
		ent.used = c.now()
		if c.now().Sub(ent.at) >= c.ttl && !ent.reading {
			ent.reading = true
			go c.refresh(l, e, q, key)
		}
		rep, at := ent.rep, ent.at
		c.mu.Unlock()
		return rep, at, nil
	}
	c.mu.Unlock()
	at := c.now()
	rep, err := e.Read(ctx, l, q)
	if err != nil {
		return rep, at, err
	}
	c.put(key, rep, at)
	return rep, at, nil
}

// refresh reads a report again, away from any request.
func (c *reportCache) refresh(l *ledger.Ledger, e report.Entry, q report.Query, key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	at := c.now()
	q.AsOf = at
	rep, err := e.Read(ctx, l, q)
	if err != nil {
		c.log.Warn().Err(err).Str("report", e.Name()).Msg("dashboard report not read again")
		c.mu.Lock()
		if ent := c.entries[key]; ent != nil {
			ent.reading = false
		}
		c.mu.Unlock()
		return
	}
	c.put(key, rep, at)
}

func (c *reportCache) put(key string, rep report.Report, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = &cached{rep: rep, at: at, used: c.now()}
	for len(c.entries) > maxReports {
		oldest := ""
		for k, ent := range c.entries {
			if oldest == "" || ent.used.Before(c.entries[oldest].used) {
				oldest = k
			}
		}
		delete(c.entries, oldest)
	}
}
