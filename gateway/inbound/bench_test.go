package inbound_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/remit"
	x12sets "github.com/claimsgw/claimsgw/x12/sets"
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
// SQLite ledger of 1,000,000 submitted claims. Filling the ledger is not
// timed. Two sub-benchmarks share that ledger:
//
//   - apply: the inbound stage's work, in one transaction: every CLP found
//     by its PCN, its lines matched by REF*6R, its payment, adjustments,
//     remarks and line payments stored, its claim moved and the change
//     recorded in its history, with its event in the outbox (relayed to
//     NATS after the transaction, untimed: the daemon's relay does it
//     beside the stages).
//   - cob: apply on claims whose encounters have a secondary payer
//     (next_payers SIMPAYER2), the same 835: each CLP leaves the patient
//     a share, so every claim paid also builds its claim to the secondary
//     (queued, with the primary's adjudication). apply is its baseline:
//     cob/apply is what building the secondaries costs (the issue allows
//     +20%).
//   - floor: the baseline in the same run, the least any ledger must do
//     for a CLP, on its own connection, written the fastest way the ledger
//     knows (512 keys per lookup, 128 rows per statement): find the claim
//     by payer and PCN, insert one claim_payments row, set the claim's
//     status. Nothing is decoded, checked, matched by line or recorded
//     beyond that.
//   - fixed: what apply does besides the ledger's rows and reads, the
//     least it takes whatever the ledger: the 835 archived as the poller
//     archives it, read back and decoded. floor and fixed together are
//     the least apply can take.
//
// Each iteration pays a set of 100,000 claims of its own: apply takes the
// sets from the first, cob from the sixth (sets 5 to 9 have a secondary
// payer), floor from the last, so apply and cob run at most 5 iterations
// each, and cob and floor 5 together: use -benchtime 1x to 2x.
//
//	go test ./gateway/inbound -run XXX -bench Apply835 -benchtime 2x
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
	sets := benchLedgerClaims / benchCLPs
	cobFrom := sets / 2 // the first set with a secondary payer
	seedSubmitted(b, path, clps, sets, cobFrom)
	h := gatewaytest.New(b, l)

	applied, cobbed, floored := 0, 0, 0
	full := func(b *testing.B) {
		if applied == cobFrom || cobFrom+cobbed+floored == sets {
			b.Fatalf("the ledger holds claims for %d iterations of apply, and %d of cob and floor together: use -benchtime %dx or less", cobFrom, sets-cobFrom, (sets-cobFrom)/2)
		}
	}
	apply := func(b *testing.B, set int) {
		b.StopTimer()
		data := bytes.ReplaceAll(gen.Bytes(), []byte("PCN"), fmt.Appendf(nil, "P%02d", set))
		data = bytes.ReplaceAll(data, []byte("EFT"), fmt.Appendf(nil, "E%02d", set))
		b.StartTimer()
		h.Apply("835", string(data))
		b.StopTimer()
		flushEvents(b, h)
		if n := h.Exceptions(); n != 0 {
			b.Fatalf("%d exceptions", n)
		}
		id := fmt.Sprintf("C%02d%08d", set, benchCLPs)
		if c, _ := h.Ledger.Claim(h.Ctx, id); c == nil || c.Status != ledger.StatusPaid && c.Status != ledger.StatusPartiallyPaid {
			b.Fatalf("claim %s after the 835: %+v", id, c)
		}
		c, err := h.Ledger.Claim(h.Ctx, ledger.PayerClaimID("E"+id[1:], "S", 1))
		if built := err == nil && c.Status == ledger.StatusQueued; built != (set >= cobFrom) {
			b.Fatalf("claim %s after the 835: the claim to the secondary %+v, %v", id, c, err)
		}
		b.StartTimer()
	}
	// secondaries counts the claims queued for the secondary.
	secondaries := func(b *testing.B) int {
		n, _, err := h.Ledger.QueuedStats(h.Ctx, "SIMPAYER2")
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	b.Run("apply", func(b *testing.B) {
		n := 0
		for b.Loop() {
			full(b)
			apply(b, applied)
			applied++
			n++
		}
		b.ReportMetric(float64(n*benchCLPs)/b.Elapsed().Seconds(), "CLP/s")
	})
	b.Run("cob", func(b *testing.B) {
		n, before := 0, secondaries(b)
		for b.Loop() {
			full(b)
			apply(b, cobFrom+cobbed)
			cobbed++
			n++
		}
		b.ReportMetric(float64(n*benchCLPs)/b.Elapsed().Seconds(), "CLP/s")
		b.ReportMetric(float64(secondaries(b)-before)/float64(n), "secondaries/op")
	})
	b.Run("floor", func(b *testing.B) {
		db := openWriter(b, path)
		n := 0
		for b.Loop() {
			full(b)
			floored++
			set := sets - floored
			b.StopTimer()
			pcns := make([]string, len(clps))
			for k, clp := range clps {
				pcns[k] = strings.Replace(clp.PatientControlNumber, "PCN", fmt.Sprintf("P%02d", set), 1)
			}
			b.StartTimer()
			postFloor(b, db, fmt.Sprintf("floor%02d", set), pcns, clps)
			b.StopTimer()
			var paid int
			if err := db.QueryRow(`SELECT COUNT(*) FROM claims WHERE status = 'paid' AND id LIKE ?`, fmt.Sprintf("C%02d%%", set)).Scan(&paid); err != nil || paid != benchCLPs {
				b.Fatalf("%d claims of set %d paid, want %d (%v)", paid, set, benchCLPs, err)
			}
			n++
			b.StartTimer()
		}
		b.ReportMetric(float64(n*benchCLPs)/b.Elapsed().Seconds(), "CLP/s")
	})
	b.Run("fixed", func(b *testing.B) {
		n := 0
		for b.Loop() {
			b.StopTimer()
			data := bytes.ReplaceAll(gen.Bytes(), []byte("EFT"), fmt.Appendf(nil, "F%02d", n))
			b.StartTimer()
			sha := h.Archive(fmt.Sprintf("fixed%d.835", n), "835", string(data))
			in, err := h.Ledger.InboundContent(h.Ctx, sha)
			if err != nil {
				b.Fatal(err)
			}
			doc, err := x12.ReadFileWith(bytes.NewReader(in.Content), x12sets.Decoders())
			if err != nil || len(doc.Errors) > 0 {
				b.Fatal(doc.Errors, err)
			}
			n++
		}
		b.ReportMetric(float64(n*benchCLPs)/b.Elapsed().Seconds(), "CLP/s")
	})
}

// flushEvents relays the claim events of an 835 applied, untimed. On a
// loaded machine NATS may stall the asynchronous publishing of 100,000
// events ("too many outstanding async published messages"): what is not
// relayed stays in the outbox, and a pass again relays it.
func flushEvents(b *testing.B, h *gatewaytest.Harness) {
	b.Helper()
	var err error
	for range 5 {
		if err = h.Options.Events.Flush(h.Ctx); err == nil {
			return
		}
		time.Sleep(time.Second)
	}
	b.Fatal(err)
}

// openWriter opens the SQLite ledger at path as the ledger opens its
// writer connection.
func openWriter(b *testing.B, path string) *sql.DB {
	b.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"+
		"&_pragma=temp_store(MEMORY)&_pragma=cache_size(-65536)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { db.Close() })
	return db
}

// postFloor is the floor of BenchmarkApply835: in one transaction, as if
// from the inbound file sha, for each PCN (paid by the CLP of the same index), the claim's id looked up
// 512 at a time, a claim_payments row inserted and the claim set to paid,
// 128 at a time.
func postFloor(b *testing.B, db *sql.DB, sha string, pcns []string, clps []*remit.Claim) {
	b.Helper()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	ids := make(map[string]string, len(pcns))
	for i := 0; i < len(pcns); i += 512 {
		chunk := pcns[i:min(i+512, len(pcns))]
		args := []any{"SIMPAYER"}
		for _, p := range chunk {
			args = append(args, p)
		}
		rows, err := tx.Query(`SELECT id, pcn FROM claims WHERE payer_id = ? AND pcn IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, args...)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var id, pcn string
			if err := rows.Scan(&id, &pcn); err != nil {
				b.Fatal(err)
			}
			ids[pcn] = id
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
	}
	// Both statements carry 128 rows, prepared once; the last rows go in
	// statements of their own.
	const rows = 128
	values := func(n, cols int) string {
		row := "(?" + strings.Repeat(",?", cols-1) + ")"
		return row + strings.Repeat(","+row, n-1)
	}
	insert := func(n int) string {
		return `INSERT INTO claim_payments (claim_id, remittance_id, inbound_sha256, st02, position, trace_number, payment_date,
			status_code, charge_cents, paid_cents, patient_resp_cents, payer_claim_number, at) VALUES ` + values(n, 13)
	}
	update := func(n int) string {
		return `WITH v(id) AS (VALUES ` + values(n, 1) + `) UPDATE claims SET status = 'paid', updated_at = 1 FROM v WHERE claims.id = v.id`
	}
	ins, err := tx.Prepare(insert(rows))
	if err != nil {
		b.Fatal(err)
	}
	upd, err := tx.Prepare(update(rows))
	if err != nil {
		b.Fatal(err)
	}
	var payArgs, idArgs []any
	flush := func(n int) {
		var err error
		if n == rows {
			if _, err = ins.Exec(payArgs...); err == nil {
				_, err = upd.Exec(idArgs...)
			}
		} else if _, err = tx.Exec(insert(n), payArgs...); err == nil {
			_, err = tx.Exec(update(n), idArgs...)
		}
		if err != nil {
			b.Fatal(err)
		}
		payArgs, idArgs = payArgs[:0], idArgs[:0]
	}
	for k, pcn := range pcns {
		id, ok := ids[pcn]
		if !ok {
			b.Fatalf("no claim with PCN %s", pcn)
		}
		clp := clps[k]
		payArgs = append(payArgs, id, 0, sha, "1", k+1, "FLOOR", "20261120", clp.StatusCode,
			int64(clp.Charge), int64(clp.Paid), int64(clp.PatientResponsibility), clp.PayerClaimControlNumber, 1)
		if idArgs = append(idArgs, id); len(idArgs) == rows {
			flush(rows)
		}
	}
	if len(idArgs) > 0 {
		flush(len(idArgs))
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// seedSubmitted fills the SQLite ledger at path, through a connection of
// its own and in bulk, with copies × len(clps) submitted claims that the
// CLPs pay: copy i of CLP k is claim C<ii><k+1>, its PCN the CLP's with
// "PCN" replaced by P<ii>, its charge and lines (procedure, charge, REF*6R)
// the CLP's. The claims of copies cobFrom and after have a secondary
// payer (next_payers SIMPAYER2).
func seedSubmitted(b *testing.B, path string, clps []*remit.Claim, copies, cobFrom int) {
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
	cl := newBulk(tx, "claims", "id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents, service_from, service_to, status, created_at, updated_at, next_payers")
	lines := newBulk(tx, "claim_lines", "claim_id, line_no, line_id, procedure, charge_cents, units, service_date")
	at := gatewaytest.Now.UnixMilli()
	for i := range copies {
		prefix := fmt.Sprintf("P%02d", i)
		next := ""
		if i >= cobFrom {
			next = "SIMPAYER2"
		}
		for k, clp := range clps {
			id := fmt.Sprintf("C%02d%08d", i, k+1)
			pcn := strings.Replace(clp.PatientControlNumber, "PCN", prefix, 1)
			enc.add(b, "E"+id[1:], "SIMPAYER", "professional", []byte("{}"), "accepted", "[]", at)
			cl.add(b, id, "E"+id[1:], "SIMPAYER", "professional", pcn, "1234567893", "621234567", int64(clp.Charge), "2026-11-02", "2026-11-02", "submitted", at, at, next)
			for j, svc := range clp.ServiceLines {
				lines.add(b, id, j+1, strings.Replace(svc.LineItemControlNumber, "PCN", prefix, 1), ledger.ProcedureKey(svc.Procedure.Qualifier, svc.Procedure.Code, svc.Procedure.Modifiers...), int64(svc.Charge), "1", "2026-11-02")
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
