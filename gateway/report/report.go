// Package report is every reconciliation report once: what the HTTP API
// serves, the CLI prints and the pages show, each an Entry the API and the
// CLI look up by name in Reports. A report is read from the ledger and
// comes out as JSON, CSV or an aligned table, the three with the same
// columns (docs/reconciliation.md explains each).
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/claimsgw/claimsgw/x12/money"
)

// Report is a report in the forms it is given: a JSON value, and columns
// and rows for CSV and tables.
type Report struct {
	Name    string   // file name stem of a CSV download
	Title   string   // a line above a table, "" for none
	JSON    any      // the JSON answer
	Columns []string // CSV and table header
	Rows    [][]string
	Right   []bool // columns to right-align in a table (money and counts)
	Next    string // the cursor of the next page, "" on the last
	// Unbalanced is set by a report of a balance that does not balance (a
	// payment, a claim with payments): the CLI exits 1 for it.
	Unbalanced bool
}

// Formats a report is written in.
const (
	Table = "table"
	CSV   = "csv"
	JSON  = "json"
)

// ValidFormat reports whether f is one of Table, CSV and JSON.
func ValidFormat(f string) bool { return f == Table || f == CSV || f == JSON }

// Write writes the report in a format: an aligned table (with its title),
// CSV, or indented JSON.
func (r Report) Write(w io.Writer, format string) error {
	switch format {
	case CSV:
		return r.WriteCSV(w)
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r.JSON)
	}
	if r.Title != "" {
		fmt.Fprintln(w, r.Title)
	}
	return r.WriteTable(w)
}

// WriteCSV writes the report's columns and rows as CSV.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(r.Columns)
	cw.WriteAll(r.Rows)
	return cw.Error()
}

// WriteTable writes the report's rows in columns two spaces apart, money
// and counts right-aligned.
func (r Report) WriteTable(w io.Writer) error {
	width := make([]int, len(r.Columns))
	all := append([][]string{r.Columns}, r.Rows...)
	for _, row := range all {
		for i, cell := range row {
			width[i] = max(width[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range all {
		var b strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				b.WriteString("  ")
			}
			if r.Right[i] {
				b.WriteString(pad + cell)
			} else {
				b.WriteString(cell + pad)
			}
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	if len(r.Rows) == 0 {
		_, err := fmt.Fprintln(w, "(none)")
		return err
	}
	return nil
}

// cell is a value as a CSV or table cell.
func cell(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	case money.Cents:
		return v.String()
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// jsonRow is a JSON object with its keys in order.
type jsonRow []field

type field struct {
	key   string
	value any
}

func (r jsonRow) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, f := range r {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(f.key)
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// right marks the named columns of a report for right alignment.
func right(cols []string, names ...string) []bool {
	out := make([]bool, len(cols))
	for i, c := range cols {
		for _, n := range names {
			if c == n {
				out[i] = true
			}
		}
	}
	return out
}

// page reads the rows after the id after, limit at most, with the cursor
// of the next page ("" on the last); for limit 0, all of them, a thousand
// at a time. id is a row's id, the cursor.
func page[R any](read func(after int64, limit int) ([]R, error), id func(R) int64, after int64, limit int) ([]R, string, error) {
	if limit > 0 {
		rows, err := read(after, limit+1)
		if err != nil || len(rows) <= limit {
			return rows, "", err
		}
		return rows[:limit], strconv.FormatInt(id(rows[limit-1]), 10), nil
	}
	var all []R
	for {
		rows, err := read(after, 1000)
		if err != nil {
			return nil, "", err
		}
		all = append(all, rows...)
		if len(rows) < 1000 {
			return all, "", nil
		}
		after = id(rows[len(rows)-1])
	}
}
