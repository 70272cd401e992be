package report

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Filter selects what a report covers. Zero fields select all; dates are
// YYYY-MM-DD, both inclusive. AsOf is when the aging report counts from
// (zero: now).
type Filter struct {
	PayerID string
	From    string
	To      string
	AsOf    time.Time
}

// Query is what a report is read for: its Filter, and what else the
// report takes (Takes).
type Query struct {
	Filter
	Key    string // the one thing a report is of: a payment's trace number, a claim's id
	Status string // of the exceptions: open, resolved, "" for both
	After  int64  // a paged report's rows after this id (the previous page's Next)
	Limit  int    // a paged report's rows at most; 0 means all of them
	// Brief leaves out of the JSON what the rows of the CSV do not show
	// (each payment's claims): the dashboard's tables.
	Brief bool
}

// Takes is what of a Query a report reads besides its Filter.
type Takes struct {
	Key    string // what Query.Key is ("trace", "id"), "" for a report of many rows
	Page   bool   // After and Limit: the report comes a page at a time
	Status bool   // Status
}

// Entry is one report, looked up by its name in Reports: what the API
// serves and the CLI prints.
type Entry interface {
	Name() string
	Takes() Takes
	Read(ctx context.Context, l *ledger.Ledger, q Query) (Report, error)
}

// Reports are the reports, by name.
var Reports = map[string]Entry{}

func init() {
	for _, e := range []Entry{aging, denials, rejections, daily, payments, payment, claim, encounter, unmatched, exceptions} {
		Reports[e.Name()] = e
	}
}

// list is a report of the rows of type R that one ledger query returns:
// the query, the report's columns and each row's values in column order
// (a string, a count, money...), and the JSON around its rows (key: the
// rows' key; head, any fields before them). Each row is, in JSON, its
// values by their columns' names (or keys, where a key is not its
// column's name), in column order, or what row makes of it. A list with
// id comes a page at a time, a row's id being the cursor, and its JSON has
// the next page's after the rows ("next").
type list[R any] struct {
	name    string
	key     string
	query   func(ctx context.Context, l *ledger.Ledger, q Query) ([]R, error)
	columns []string
	keys    map[string]string // column → JSON key, where they differ
	values  func(R) []any
	head    func(q Query) jsonRow
	row     func(R) any
	id      func(R) int64
	status  bool // the query reads Query.Status
}

func (t list[R]) Name() string { return t.name }

func (t list[R]) Takes() Takes { return Takes{Page: t.id != nil, Status: t.status} }

func (t list[R]) Read(ctx context.Context, l *ledger.Ledger, q Query) (Report, error) {
	if q.AsOf.IsZero() {
		q.AsOf = time.Now()
	}
	var rows []R
	var next string
	var err error
	if t.id != nil {
		rows, next, err = page(func(after int64, limit int) ([]R, error) {
			q.After, q.Limit = after, limit
			return t.query(ctx, l, q)
		}, t.id, q.After, q.Limit)
	} else {
		rows, err = t.query(ctx, l, q)
	}
	if err != nil {
		return Report{}, err
	}
	rep := Report{Name: t.name, Next: next}
	var obj jsonRow
	if t.head != nil {
		obj = t.head(q)
	}
	obj = append(obj, field{t.key, t.fill(&rep, rows)})
	if t.id != nil {
		obj = append(obj, field{"next", next})
	}
	rep.JSON = obj
	return rep, nil
}

// fill fills a report's columns and rows from rows, money and counts
// right-aligned, and returns the rows as JSON.
func (t list[R]) fill(rep *Report, rows []R) []any {
	rep.Columns, rep.Right = slices.Clone(t.columns), make([]bool, len(t.columns))
	out := []any{}
	for n, r := range rows {
		values := t.values(r)
		cells := make([]string, len(values))
		var obj jsonRow
		for i, v := range values {
			cells[i] = cell(v)
			if n == 0 {
				switch v.(type) {
				case int, int64, money.Cents:
					rep.Right[i] = true
				}
			}
			if t.row == nil {
				obj = append(obj, field{cmp.Or(t.keys[t.columns[i]], t.columns[i]), v})
			}
		}
		rep.Rows = append(rep.Rows, cells)
		if t.row != nil {
			out = append(out, t.row(r))
		} else {
			out = append(out, obj)
		}
	}
	return out
}

// one is a report of the one thing its Query's Key names: the query that
// reads it, and the report made of it.
type one[T any] struct {
	name   string
	key    string // what the Key is
	query  func(ctx context.Context, l *ledger.Ledger, q Query) (*T, error)
	report func(*T) Report
}

func (o one[T]) Name() string { return o.name }

func (o one[T]) Takes() Takes { return Takes{Key: o.key} }

func (o one[T]) Read(ctx context.Context, l *ledger.Ledger, q Query) (Report, error) {
	v, err := o.query(ctx, l, q)
	if err != nil {
		return Report{}, err
	}
	return o.report(v), nil
}
