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

// unmatched is the open exceptions, the unmatched report; exceptions
// those of the Query's status.
var unmatched, exceptions = exceptionList("unmatched", false), exceptionList("exceptions", true)

// exceptionList is a page of exceptions: of the Query's status when
// byStatus, else the open ones.
func exceptionList(name string, byStatus bool) list[ledger.ExceptionInfo] {
	return list[ledger.ExceptionInfo]{
		name: name, key: "exceptions", status: byStatus,
		query: func(ctx context.Context, l *ledger.Ledger, q Query) ([]ledger.ExceptionInfo, error) {
			status := "open"
			if byStatus {
				status = q.Status
			}
			return l.Exceptions(ctx, ledger.ExceptionFilter{Status: status, After: q.After, Limit: q.Limit})
		},
		columns: []string{"id", "kind", "payer_id", "st02", "position", "pcn", "reason", "status", "claim_id", "resolved_by", "at",
			"inbound_sha256", "resolution", "note"},
		values: func(e ledger.ExceptionInfo) []any {
			return []any{e.ID, e.Kind, e.PayerID, e.ST02, e.Position, e.PCN, e.Reason, e.Status, e.ClaimID, e.ResolvedBy, e.At,
				e.InboundSHA256, e.Resolution, e.Note}
		},
		row: func(e ledger.ExceptionInfo) any { return NewException(e) },
		id:  func(e ledger.ExceptionInfo) int64 { return e.ID },
	}
}
