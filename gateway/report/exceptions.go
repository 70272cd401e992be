package report

import (
	"context"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// Exception is an exception as the reports and the API give it in JSON.
type Exception struct {
	ID            int64      `json:"id"`
	Kind          string     `json:"kind"`
	PayerID       string     `json:"payer_id"`
	InboundSHA256 string     `json:"inbound_sha256"`
	ST02          string     `json:"st02"`
	Position      int        `json:"position"`
	PCN           string     `json:"pcn"`
	Reason        string     `json:"reason"`
	Status        string     `json:"status"`
	ClaimID       string     `json:"claim_id"`
	ResolvedBy    string     `json:"resolved_by"`
	Resolution    string     `json:"resolution"` // matched, posted, dismissed; "" while open
	Note          string     `json:"note"`       // why, as who resolved it said
	At            time.Time  `json:"at"`
	ResolvedAt    *time.Time `json:"resolved_at"`
	// Count and Items are given for an exception that groups items of its
	// payer file: how many, and the first of them. An exception of one
	// item has neither, as before there were grouped ones.
	Count int                    `json:"count,omitempty"`
	Items []ledger.ExceptionItem `json:"items,omitempty"`
}

// NewException is e in its JSON form.
func NewException(e ledger.ExceptionInfo) Exception {
	out := Exception{e.ID, e.Kind, e.PayerID, e.InboundSHA256, e.ST02, e.Position, e.PCN, e.Reason, e.Status, e.ClaimID, e.ResolvedBy, e.Resolution, e.Note, e.At.UTC(), nil, 0, e.Items}
	if e.Count > 1 {
		out.Count = e.Count
	}
	if !e.ResolvedAt.IsZero() {
		t := e.ResolvedAt.UTC()
		out.ResolvedAt = &t
	}
	return out
}

func toExceptions(es []ledger.ExceptionInfo) []Exception {
	out := []Exception{}
	for _, e := range es {
		out = append(out, NewException(e))
	}
	return out
}

// Exceptions is a page of exceptions (the unmatched report is the open
// ones).
func Exceptions(name string, es []ledger.ExceptionInfo, next string) Report {
	cols := []string{"id", "kind", "payer_id", "st02", "position", "pcn", "reason", "status", "claim_id", "resolved_by", "at", "inbound_sha256", "resolution", "note"}
	rep := Report{Name: name, Columns: cols, Right: right(cols, "id", "position"), Next: next,
		JSON: struct {
			Exceptions []Exception `json:"exceptions"`
			Next       string      `json:"next"`
		}{toExceptions(es), next}}
	for _, e := range es {
		rep.Rows = append(rep.Rows, []string{itoa64(e.ID), e.Kind, e.PayerID, e.ST02, itoa(e.Position), e.PCN, e.Reason, e.Status, e.ClaimID,
			e.ResolvedBy, e.At.UTC().Format(time.RFC3339), e.InboundSHA256, e.Resolution, e.Note})
	}
	return rep
}

// ReadExceptions is a page of the exceptions in a status (open, resolved,
// "" for both) after the id after, limit at most, or all of them for limit
// 0; name is "unmatched" for the open ones as the unmatched report, else
// "exceptions".
func ReadExceptions(ctx context.Context, l *ledger.Ledger, name, status string, after int64, limit int) (Report, error) {
	es, next, err := page(func(after int64, limit int) ([]ledger.ExceptionInfo, error) {
		return l.Exceptions(ctx, ledger.ExceptionFilter{Status: status, After: after, Limit: limit})
	}, func(e ledger.ExceptionInfo) int64 { return e.ID }, after, limit)
	return Exceptions(name, es, next), err
}
