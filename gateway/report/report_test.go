package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

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
	for _, name := range []string{"aging", "denials", "rejections", "daily"} {
		rep, err := report.Lists[name].Read(ctx, l, report.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, rep)
	}
	p, err := l.PaymentBalance(ctx, "", seed.Trace1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.ClaimBalance(ctx, "C5")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := report.ReadPayments(ctx, l, report.Filter{}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	all, err := report.ReadExceptions(ctx, l, "exceptions", "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	reps = append(reps, report.Payment(p), report.Claim(b), pages, all)
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
	if _, ok := report.Lists["nosuch"]; ok || len(report.Lists) != 4 {
		t.Errorf("list reports %v", report.Lists)
	}
}
