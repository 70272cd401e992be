package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/gateway/report"
)

// Every report comes out in three forms with the same rows: CSV (the
// columns, then a record a row), an aligned table (the title, the
// columns, a line a row) and JSON. A list report's JSON rows have its
// columns' keys, in order, with money as strings and counts as numbers.
func TestThreeFormsAgree(t *testing.T) {
	l := ledgertest.SQLite(t)
	seed := ledgertest.SeedRecon(t, l)
	ctx := context.Background()
	var reps []report.Report
	for _, r := range []struct {
		name string
		q    report.Query
	}{
		{"aging", report.Query{}}, {"denials", report.Query{}}, {"rejections", report.Query{}}, {"daily", report.Query{}},
		{"payment", report.Query{Key: seed.Trace1}}, {"claim", report.Query{Key: "C5"}}, {"encounter", report.Query{Key: "C5"}},
		{"payments", report.Query{Limit: 1}}, {"exceptions", report.Query{}}, {"unmatched", report.Query{}},
	} {
		rep, err := report.Reports[r.name].Read(ctx, l, r.q)
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, rep)
	}
	pages := reps[7]
	for _, rep := range reps {
		if len(rep.Rows) == 0 {
			t.Errorf("%s: no rows from the seeded ledger", rep.Name)
		}
		var c bytes.Buffer
		if err := rep.Write(&c, report.CSV); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&c).ReadAll()
		if err != nil || len(recs) != len(rep.Rows)+1 || strings.Join(recs[0], ",") != strings.Join(rep.Columns, ",") {
			t.Errorf("%s: CSV %q, %v; want the columns and %d rows", rep.Name, recs, err, len(rep.Rows))
		}
		var tb bytes.Buffer
		if err := rep.Write(&tb, report.Table); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(tb.String(), "\n"), "\n")
		if rep.Title != "" {
			if lines[0] != rep.Title {
				t.Errorf("%s: table starts %q, want the title", rep.Name, lines[0])
			}
			lines = lines[1:]
		}
		if len(lines) != len(rep.Rows)+1 || strings.Join(strings.Fields(lines[0]), ",") != strings.Join(rep.Columns, ",") {
			t.Errorf("%s: table %q", rep.Name, tb.String())
		}
		var js bytes.Buffer
		if err := rep.Write(&js, report.JSON); err != nil || !json.Valid(js.Bytes()) {
			t.Errorf("%s: JSON %s, %v", rep.Name, js.String(), err)
		}
	}
	if pages.Next == "" {
		t.Error("a page of one payment of two has no next cursor")
	}

	// The denials as JSON: the columns' keys, in order.
	var js bytes.Buffer
	reps[1].Write(&js, report.JSON)
	var got struct {
		Denials []json.RawMessage `json:"denials"`
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil || len(got.Denials) == 0 {
		t.Fatalf("denials JSON %s: %v", js.String(), err)
	}
	var first bytes.Buffer
	json.Compact(&first, got.Denials[0])
	if want := `{"payer_id":"SIMPAYER","group_code":"CO","carc":"97","rarc":"M15","count":1,"claims":1,"amount":"100.00"}`; first.String() != want {
		t.Errorf("first denial %s, want %s", first.String(), want)
	}
	if _, ok := report.Reports["nosuch"]; ok || len(report.Reports) != 10 {
		t.Errorf("reports %v", report.Reports)
	}
}

// Each report is one entry, looked up by name, that says what of a Query
// it reads besides the filter (the API's query and path, the CLI's
// arguments); a report of one payment or claim says whether it balances
// (the CLI's exit code), a claim without payments having nothing to.
func TestEntries(t *testing.T) {
	takes := map[string]report.Takes{"aging": {}, "denials": {}, "rejections": {}, "daily": {},
		"payments": {Page: true}, "payment": {Key: "trace"}, "claim": {Key: "id"}, "encounter": {Key: "id"}, "unmatched": {Page: true}, "exceptions": {Page: true, Status: true}}
	for name, e := range report.Reports {
		if want, ok := takes[name]; !ok || e.Name() != name || e.Takes() != want {
			t.Errorf("report %q: %s, takes %+v, want %+v", name, e.Name(), e.Takes(), want)
		}
	}
	l := ledgertest.SQLite(t)
	seed := ledgertest.SeedRecon(t, l)
	ctx := context.Background()
	for _, c := range []struct {
		name, key, title string
		unbalanced       bool
	}{
		{"payment", seed.Trace1, "payment TRACE1 of SIMPAYER on 2026-11-20 (remittance 1, ACH, 835 ST02 0001): balanced", false},
		{"payment", seed.Trace2, "payment TRACE2 of SIMPAYER on 2026-11-21 (remittance 2, ACH, 835 ST02 0002): unbalanced by -0.37", true},
		{"claim", "C4", "claim C4 of SIMPAYER (PCN PCN-C4, paid): balanced", false},
		{"claim", "C5", "claim C5 of SIMPAYER (PCN PCN-C5, paid): unbalanced by 5.00", true},
		{"claim", "C6", "claim C6 of SIMPAYER (PCN PCN-C6, submitted): no payments", false},
	} {
		rep, err := report.Reports[c.name].Read(ctx, l, report.Query{Key: c.key})
		if err != nil || rep.Title != c.title || rep.Unbalanced != c.unbalanced {
			t.Errorf("%s %s: %q, unbalanced %v, %v; want %q, %v", c.name, c.key, rep.Title, rep.Unbalanced, err, c.title, c.unbalanced)
		}
	}
	if _, err := report.Reports["claim"].Read(ctx, l, report.Query{Key: "NOSUCH"}); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("an unknown claim: %v", err)
	}
	// The exceptions of a status, and the unmatched ones whatever the
	// Query's status: the open ones.
	for _, c := range []struct {
		name, status string
		want         int
	}{{"exceptions", "", 1}, {"exceptions", "open", 1}, {"exceptions", "resolved", 0}, {"unmatched", "resolved", 1}} {
		rep, err := report.Reports[c.name].Read(ctx, l, report.Query{Status: c.status})
		if err != nil || len(rep.Rows) != c.want {
			t.Errorf("%s of status %q: %d rows, %v; want %d", c.name, c.status, len(rep.Rows), err, c.want)
		}
	}
}
