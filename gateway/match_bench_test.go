package gateway

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// Sizes of BenchmarkApply835: each iteration applies an 835 of
// benchCLPs CLPs against a ledger of benchLedgerClaims submitted claims.
const (
	benchCLPs         = 100_000
	benchLedgerClaims = 1_000_000
)

// BenchmarkApply835 matches and posts an 835 of 100,000 CLPs (50 payments
// of 2,000, two service lines each, made by x12test.Remittance) against an
// SQLite ledger of 1,000,000 submitted claims: every CLP found by its PCN
// among them, its lines matched by REF*6R, its payment, adjustments,
// remarks and line payments stored and its claim moved, in one
// transaction, as the inbound stage does it. Filling the ledger is not
// timed. Iteration i pays the i-th 100,000 claims (their PCNs and traces
// carry i), so at most 10 iterations fit: run it with -benchtime 1x to 10x.
//
//	go test ./gateway -run XXX -bench Apply835 -benchtime 2x
func BenchmarkApply835(b *testing.B) {
	var gen bytes.Buffer
	if err := x12test.Remittance(&gen, x12.DefaultDelimiters, benchCLPs, 7); err != nil {
		b.Fatal(err)
	}
	rems, errs, err := remit.Decode(bytes.NewReader(gen.Bytes()))
	if err != nil || len(errs) > 0 {
		b.Fatal(errs, err)
	}
	var clps []*remit.Claim
	for _, r := range rems {
		clps = append(clps, r.Claims...)
	}
	path := filepath.Join(b.TempDir(), "ledger.db")
	l, err := ledger.Open(context.Background(), ledger.SQLite, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	seedSubmitted(b, path, clps, benchLedgerClaims/benchCLPs)
	h := newHarness(b, l)

	iterations := 0
	for b.Loop() {
		if iterations == benchLedgerClaims/benchCLPs {
			b.Fatalf("the ledger holds claims for %d iterations: use -benchtime %dx or less", iterations, iterations)
		}
		b.StopTimer()
		data := bytes.ReplaceAll(gen.Bytes(), []byte("PCN"), fmt.Appendf(nil, "P%02d", iterations))
		data = bytes.ReplaceAll(data, []byte("EFT"), fmt.Appendf(nil, "E%02d", iterations))
		b.StartTimer()
		h.apply("835", string(data))
		b.StopTimer()
		if n := h.exceptions(); n != 0 {
			b.Fatalf("%d exceptions", n)
		}
		id := fmt.Sprintf("C%02d%08d", iterations, benchCLPs)
		if c, _ := h.led.Claim(h.ctx, id); c == nil || c.Status != ledger.StatusPaid && c.Status != ledger.StatusPartiallyPaid {
			b.Fatalf("claim %s after the 835: %+v", id, c)
		}
		iterations++
		b.StartTimer()
	}
	b.ReportMetric(float64(iterations*benchCLPs)/b.Elapsed().Seconds(), "CLP/s")
}

// seedSubmitted fills the SQLite ledger at path, through a connection of
// its own and in bulk, with copies × len(clps) submitted claims that the
// CLPs pay: copy i of CLP k is claim C<ii><k+1>, its PCN the CLP's with
// "PCN" replaced by P<ii>, its charge and lines (procedure, charge, REF*6R)
// the CLP's.
func seedSubmitted(b *testing.B, path string, clps []*remit.Claim, copies int) {
	b.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	enc := newBulk(tx, "encounters", "id, payer_id, claim_type, raw, status, problems, received_at")
	cl := newBulk(tx, "claims", "id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents, service_from, service_to, status, created_at, updated_at")
	lines := newBulk(tx, "claim_lines", "claim_id, line_no, line_id, procedure, charge_cents, units, service_date")
	at := testNow.UnixMilli()
	for i := range copies {
		prefix := fmt.Sprintf("P%02d", i)
		for k, clp := range clps {
			id := fmt.Sprintf("C%02d%08d", i, k+1)
			pcn := strings.Replace(clp.PatientControlNumber, "PCN", prefix, 1)
			enc.add(b, "E"+id[1:], "SIMPAYER", "professional", []byte("{}"), "accepted", "[]", at)
			cl.add(b, id, "E"+id[1:], "SIMPAYER", "professional", pcn, "1234567893", "621234567", int64(clp.Charge), "2026-11-02", "2026-11-02", "submitted", at, at)
			for j, svc := range clp.ServiceLines {
				lines.add(b, id, j+1, strings.Replace(svc.LineItemControlNumber, "PCN", prefix, 1), procedure(svc.Procedure), int64(svc.Charge), "1", "2026-11-02")
			}
		}
	}
	for _, t := range []*bulk{enc, cl, lines} {
		t.flush(b)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// bulk inserts rows into a table a few hundred at a time.
type bulk struct {
	tx      *sql.Tx
	table   string
	columns string
	n       int // columns
	args    []any
}

const bulkRows = 200

func newBulk(tx *sql.Tx, table, columns string) *bulk {
	return &bulk{tx: tx, table: table, columns: columns, n: strings.Count(columns, ",") + 1}
}

func (t *bulk) add(b *testing.B, values ...any) {
	t.args = append(t.args, values...)
	if len(t.args) == bulkRows*t.n {
		t.flush(b)
	}
}

func (t *bulk) flush(b *testing.B) {
	if len(t.args) == 0 {
		return
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", t.n), ",") + ")"
	q := "INSERT INTO " + t.table + " (" + t.columns + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+",", len(t.args)/t.n), ",")
	if _, err := t.tx.Exec(q, t.args...); err != nil {
		b.Fatal(err)
	}
	t.args = t.args[:0]
}
