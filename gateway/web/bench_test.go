package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/web"
)

// BenchmarkPages renders each page (server time: the handler, the ledger's
// queries and the template, no network) on an SQLite ledger of many
// claims, each with its encounter, line, history (six changes), place in a
// file and, for most, a payment with adjustments; a file per thousand
// claims with its 999, 277CA and 835. CLAIMSGW_BENCH_CLAIMS says how many
// claims (20,000 when unset; the target is every page under 200 ms at
// 1,000,000). The finance pages of the reports read whole show them as
// kept for a minute (finance-NAME), and as read for the page, the first
// time (finance-NAME-read). The ledger is built once with bulk INSERTs and kept in the
// temporary directory for the next runs (claimsgw-web-bench-N-v1.db).
//
//	CLAIMSGW_BENCH_CLAIMS=1000000 go test ./gateway/web -run XXX -bench Pages -benchtime 5x

// benchEnv names the number of claims of BenchmarkPages.
const benchEnv = "CLAIMSGW_BENCH_CLAIMS"

func BenchmarkPages(b *testing.B) {
	n := 20000
	if v := os.Getenv(benchEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("%s=%q: want a number of claims, at least 1000", benchEnv, v)
		}
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("claimsgw-web-bench-%d-v1.db", n))
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		if err := buildLedger(path, n); err != nil {
			os.Remove(path)
			b.Fatal(err)
		}
		b.Logf("built a ledger of %d claims in %s: %s", n, time.Since(start).Round(time.Second), path)
	}
	ctx := context.Background()
	l, err := ledger.Open(ctx, ledger.SQLite, path)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	now := benchNow.Add(time.Minute)
	opts := web.Options{Payers: []string{"PAYERA", "PAYERB"}, Log: zerolog.Nop(), Now: func() time.Time { return now }, Resolver: &fakeResolver{}}
	h, err := web.New(l, opts)
	if err != nil {
		b.Fatal(err)
	}
	opts.ReportsFor = -1 // every page reads its report
	uncached, err := web.New(l, opts)
	if err != nil {
		b.Fatal(err)
	}
	mid := claimID(n / 2)
	pages := []struct{ name, path string }{
		{"now", "/"},
		{"claims", "/claims"},
		{"claims-next-page", "/claims?after=" + mid},
		{"claims-status", "/claims?status=paid"},
		{"claims-status-rare", "/claims?status=delivery_failed"},
		{"claims-status-payer", "/claims?status=denied&payer=PAYERB"},
		{"claims-payer", "/claims?payer=PAYERB"},
		{"claims-billing", "/claims?billing_npi=1234567893"},
		{"claims-pcn", "/claims?pcn=PCN" + mid[1:]},
		{"claims-dates", "/claims?from=" + benchNow.AddDate(0, 0, -10).Format(time.DateOnly) + "&to=" + benchNow.AddDate(0, 0, -9).Format(time.DateOnly)},
		{"claim", "/claims/" + mid},
		{"files", "/files"},
		{"file", "/files/" + fileID(n/2/claimsPerFile)},
		{"inbound", "/inbound"},
		{"inbound-file", "/inbound/" + sha(n/2/claimsPerFile, "835")},
		{"exceptions", "/exceptions"},
		{"exception", "/exceptions/1"},
		{"finance-payments", "/finance"},
		{"finance-aging", "/finance/aging"},
		{"finance-denials", "/finance/denials"},
		{"finance-rejections", "/finance/rejections"},
		{"finance-daily", "/finance/daily"},
	}
	for _, r := range []string{"aging", "denials", "rejections", "daily"} {
		pages = append(pages, struct{ name, path string }{"finance-" + r + "-read", "/finance/" + r})
	}
	for _, p := range pages {
		h := h
		if strings.HasSuffix(p.name, "-read") {
			h = uncached // the report read for the page, as when it is first shown
		}
		b.Run(p.name, func(b *testing.B) {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p.path, nil)) // a report kept is read first
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
				if rec.Code != 200 {
					b.Fatalf("GET %s: %d\n%s", p.path, rec.Code, rec.Body)
				}
			}
		})
	}
}

// benchNow is when the benchmark's ledger ends: its claims were created
// over the 120 days before, the last ones in the last hour.
var benchNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

const claimsPerFile = 1000

func claimID(i int) string { return fmt.Sprintf("C%09d", i) }
func fileID(f int) string  { return fmt.Sprintf("PAYER-%09d", f) }
func sha(f int, k string) string {
	return fmt.Sprintf("%056x%08x", f, map[string]int{"999": 1, "277CA": 2, "835": 3}[k])
}

// buildLedger makes a ledger of n claims at path: the schema by
// ledger.Open, the rows by multi-row INSERTs in one transaction.
func buildLedger(path string, n int) error {
	ctx := context.Background()
	l, err := ledger.Open(ctx, ledger.SQLite, path)
	if err != nil {
		return err
	}
	l.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=synchronous(OFF)&_pragma=journal_mode(WAL)&_pragma=cache_size(-262144)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ins := map[string]*inserter{}
	table := func(name, cols string) *inserter {
		if ins[name] == nil {
			ins[name] = &inserter{tx: tx, table: name, cols: cols, n: strings.Count(cols, ",") + 1}
		}
		return ins[name]
	}
	start := benchNow.Add(-120 * 24 * time.Hour).UnixMilli()
	span := benchNow.UnixMilli() - start
	// Statuses as a payer's answers leave them, and some still open.
	statuses := []struct {
		status string
		per    int // of 100
	}{{"paid", 62}, {"partially_paid", 10}, {"denied", 10}, {"rejected", 3}, {"forwarded", 4}, {"accepted", 6}, {"acknowledged", 2}, {"submitted", 2}, {"queued", 1}}
	statusOf := func(i int) string {
		k := i % 100
		for _, s := range statuses {
			if k < s.per {
				return s.status
			}
			k -= s.per
		}
		return "paid"
	}
	var paymentID int64
	files := (n + claimsPerFile - 1) / claimsPerFile
	for f := range files {
		at := start + span*int64(f*claimsPerFile)/int64(n) + 60000
		payer := []string{"PAYERA", "PAYERB"}[f%2]
		if err := table("files", "id, payer_id, usage, isa13, name, content, sha256, claims, status, attempts, last_error, created_at, delivered_at, handed_off_at").
			add(fileID(f), payer, "T", f+1, fileID(f)+".837", []byte("ISA*...~"), fmt.Sprintf("%064x", f), claimsPerFile, "submitted", 1, "", at, at+1000, at); err != nil {
			return err
		}
		for _, k := range []string{"999", "277CA", "835"} {
			if err := table("inbound_files", "sha256, payer_id, name, kind, content, status, errors, received_at, processed_at").
				add(sha(f, k), payer, fmt.Sprintf("%s_%d.%s", payer, f, k), k, []byte("ISA*...~"), "processed", "", at+2000, at+2100); err != nil {
				return err
			}
		}
		if err := table("remittances", "id, inbound_sha256, st02, payer_id, trace_number, originator_id, amount_cents, credit_debit, method, payment_date, payee_npi, payee_tax_id, claims_paid_cents, plb_cents, at").
			add(f+1, sha(f, "835"), "0001", payer, fmt.Sprintf("EFT%09d", f), "1512345678", 0, "C", "ACH", time.UnixMilli(at).UTC().Format(time.DateOnly), "1234567893", "621234567", 0, 0, at+2100); err != nil {
			return err
		}
	}
	for i := range n {
		id, f := claimID(i), i/claimsPerFile
		payer := []string{"PAYERA", "PAYERB"}[f%2]
		created := start + span*int64(i)/int64(n)
		st := statusOf(i)
		charge := int64(5000 + i%20000)
		day := time.UnixMilli(created).UTC().Format(time.DateOnly)
		npi := []string{"1234567893", "1245319599", "1679576722"}[i%3]
		if err := table("encounters", "id, payer_id, claim_type, raw, status, problems, received_at").
			add(id, payer, "professional", []byte(`{"id":"`+id+`","subscriber":{"member_id":"M`+id+`","last_name":"DOE","first_name":"JANE"}}`), "accepted", "[]", created); err != nil {
			return err
		}
		fileOf := fileID(f)
		if st == "queued" {
			fileOf = ""
		}
		if err := table("claims", "id, encounter_id, payer_id, claim_type, pcn, billing_npi, billing_tax_id, charge_cents, service_from, service_to, status, payer_claim_number, file_id, created_at, updated_at").
			add(id, id, payer, "professional", "PCN"+id[1:], npi, "621234567", charge, day, day, st, "PCN"+id, fileOf, created, created+5000); err != nil {
			return err
		}
		if err := table("claim_lines", "claim_id, line_no, line_id, procedure, charge_cents, units, service_date").add(id, 1, id+"-1", "HC:99214", charge, "1", day); err != nil {
			return err
		}
		chain := []string{"received", "queued", "batched", "submitted", "acknowledged", "accepted"}
		switch st {
		case "queued":
			chain = chain[:2]
		case "submitted":
			chain = chain[:4]
		case "acknowledged":
			chain = chain[:5]
		case "accepted":
		case "rejected":
			chain = append(chain[:5], "rejected")
		default:
			chain = append(chain, st)
		}
		for k := 1; k < len(chain); k++ {
			kind := []string{"", "intake", "batcher", "deliverer", "999", "277CA", "835"}[k]
			reason := ""
			if chain[k] == "rejected" {
				reason = []string{"A7:164:IL", "A7:21:85", "A3:116:PR"}[i%3]
			}
			if err := table("claim_history", "claim_id, at, from_status, to_status, source_kind, source_file, source_st02, position, reason, actor").
				add(id, created+int64(k)*1000, chain[k-1], chain[k], kind, fileOf, "0001", k, reason, kind); err != nil {
				return err
			}
		}
		if st == "queued" {
			continue
		}
		if err := table("file_claims", "file_id, claim_id, gs06, st02, first_pos, last_pos").add(fileOf, id, 1, i%claimsPerFile/100+1, 3, 20); err != nil {
			return err
		}
		var paid, pr int64
		code := "1"
		switch st {
		case "paid", "forwarded":
			paid, pr = charge*7/10, charge/10
		case "partially_paid":
			paid = charge / 3
		case "denied":
			code = "4"
		default:
			continue
		}
		paymentID++
		if err := table("claim_payments", "id, claim_id, inbound_sha256, st02, position, trace_number, payment_date, status_code, charge_cents, paid_cents, patient_resp_cents, payer_claim_number, at, remittance_id").
			add(paymentID, id, sha(f, "835"), "0001", 10+i%claimsPerFile, fmt.Sprintf("EFT%09d", f), day, code, charge, paid, pr, "PCN"+id, created+6000, f+1); err != nil {
			return err
		}
		adj := charge - paid - pr
		group, carc := "CO", "45"
		if code == "4" {
			carc = []string{"50", "97", "16", "29"}[i%4]
		}
		if err := table("claim_adjustments", "payment_id, seq, line_no, group_code, reason_code, amount_cents, quantity").add(paymentID, 1, 1, group, carc, adj, ""); err != nil {
			return err
		}
		if pr > 0 {
			if err := table("claim_adjustments", "payment_id, seq, line_no, group_code, reason_code, amount_cents, quantity").add(paymentID, 2, 1, "PR", "3", pr, ""); err != nil {
				return err
			}
		}
		if code == "4" {
			if err := table("claim_remarks", "payment_id, seq, line_no, code").add(paymentID, 1, 0, []string{"N130", "M15", "N290"}[i%3]); err != nil {
				return err
			}
		}
		if err := table("line_payments", "payment_id, position, line_no, procedure, charge_cents, paid_cents, allowed_cents").add(paymentID, 12, 1, "HC:99214", charge, paid, paid+pr); err != nil {
			return err
		}
	}
	for e := range 300 {
		if err := table("exceptions", "inbound_sha256, kind, st02, position, pcn, reason, status, at, payer_id").
			add(sha(e%files, "835"), "835", "0001", 5000+e, fmt.Sprintf("NOSUCH%d", e), "no sent claim of this billing provider with this patient control number", "open", benchNow.UnixMilli()-int64(e)*60000, "PAYERA"); err != nil {
			return err
		}
	}
	for _, t := range ins {
		if err := t.flush(); err != nil {
			return err
		}
	}
	// The remittances' totals: the sum of their claims' payments.
	if _, err := tx.ExecContext(ctx, `UPDATE remittances SET claims_paid_cents = (SELECT COALESCE(SUM(paid_cents), 0) FROM claim_payments p WHERE p.remittance_id = remittances.id),
		amount_cents = (SELECT COALESCE(SUM(paid_cents), 0) FROM claim_payments p WHERE p.remittance_id = remittances.id) - (id % 7)`); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// inserter adds rows to a table, many to a statement.
type inserter struct {
	tx    *sql.Tx
	table string
	cols  string
	n     int // columns
	args  []any
	stmt  *sql.Stmt
}

const rowsPerInsert = 256

func (ins *inserter) add(values ...any) error {
	ins.args = append(ins.args, values...)
	if len(ins.args) < rowsPerInsert*ins.n {
		return nil
	}
	if ins.stmt == nil {
		var err error
		if ins.stmt, err = ins.tx.Prepare(ins.statement(rowsPerInsert)); err != nil {
			return err
		}
	}
	_, err := ins.stmt.Exec(ins.args...)
	ins.args = ins.args[:0]
	return err
}

func (ins *inserter) flush() error {
	if len(ins.args) == 0 {
		return nil
	}
	_, err := ins.tx.Exec(ins.statement(len(ins.args)/ins.n), ins.args...)
	ins.args = ins.args[:0]
	return err
}

func (ins *inserter) statement(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", ins.n), ",") + ")"
	return "INSERT INTO " + ins.table + " (" + ins.cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}
