package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
)

// reconDemo runs the demo in process with n encounters, waits until every
// claim settled, stops it and returns its data directory.
func reconDemo(t *testing.T, n int) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the demo: not in -short")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	d, err := demo.Start(ctx, demo.Options{DataDir: dir, Listen: "127.0.0.1:0", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := d.Submit(ctx, demo.Encounters(n, demo.PayerID, 1, start)); err != nil {
		d.Close()
		t.Fatal(err)
	}
	s, err := d.Wait(ctx, n, start)
	d.Close()
	if err != nil || !s.Settled || s.Unmatched != 0 || s.Reversed == 0 || s.Denied == 0 || s.Rejected == 0 {
		t.Fatalf("demo: %+v, %v", s, err)
	}
	return dir
}

// reconLedger opens the demo's ledger for the facts the reports are
// checked against.
func reconLedger(t *testing.T, dir string) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(context.Background(), ledger.SQLite, filepath.Join(dir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func reconCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runClaimCLI(t, "", args...)
}

// reconJSON runs a command with --format json, wants exit code want and
// decodes its output into v.
func reconJSON(t *testing.T, v any, want int, args ...string) {
	t.Helper()
	code, out, errOut := reconCLI(t, append(args, "--format", "json")...)
	if code != want {
		t.Fatalf("%v: exit %d, want %d\n%s%s", args, code, want, out, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

// reconCSV runs a command with --format csv and returns its records.
func reconCSV(t *testing.T, args ...string) [][]string {
	t.Helper()
	code, out, errOut := reconCLI(t, append(args, "--format", "csv")...)
	if code != exitOK {
		t.Fatalf("%v: exit %d\n%s", args, code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return recs
}

func cents(t *testing.T, s string) money.Cents {
	t.Helper()
	c, err := money.Parse(s)
	if err != nil {
		t.Fatalf("money %q: %v", s, err)
	}
	return c
}

func TestReconDemo(t *testing.T) {
	dir := reconDemo(t, 60)
	ctx := context.Background()
	l := reconLedger(t, dir)
	tot, err := l.Totals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := l.ListClaims(ctx, ledger.ClaimFilter{Limit: 1000})
	if err != nil || len(claims) != 60 {
		t.Fatalf("%d claims, %v", len(claims), err)
	}
	data := []string{"--data", dir}

	t.Run("payments", func(t *testing.T) {
		var page struct {
			Payments []struct {
				TraceNumber string      `json:"trace_number"`
				Amount      money.Cents `json:"amount"`
				PLB         money.Cents `json:"provider_adjustments_total"`
				Difference  money.Cents `json:"difference"`
				Balanced    bool        `json:"balanced"`
				Matched     money.Cents `json:"matched_paid"`
				Unmatched   money.Cents `json:"unmatched_paid"`
				Claims      []struct {
					ClaimID string      `json:"claim_id"`
					Paid    money.Cents `json:"paid"`
				} `json:"claims"`
			} `json:"payments"`
			Next string `json:"next"`
		}
		reconJSON(t, &page, exitOK, append([]string{"recon", "payments"}, data...)...)
		if len(page.Payments) == 0 || page.Next != "" {
			t.Fatalf("payments: %+v", page)
		}
		// The simulator's 835s balance: every payment does, and all that
		// they pay is what the ledger says was paid.
		var matched, clps, plb money.Cents
		for _, p := range page.Payments {
			if !p.Balanced || p.Difference != 0 || p.Unmatched != 0 {
				t.Errorf("payment %s does not balance: %+v", p.TraceNumber, p)
			}
			matched += p.Matched
			plb += p.PLB
			for _, c := range p.Claims {
				clps += c.Paid
			}
		}
		if matched != tot.Paid || clps != tot.Paid {
			t.Errorf("Σ payments matched %s, Σ CLP04 %s; the ledger's paid %s", matched, clps, tot.Paid)
		}
		if plb >= 0 {
			t.Errorf("Σ PLB %s: want the reversal's interest (negative)", plb)
		}

		// The table: a header, a line per payment, money right-aligned.
		code, out, _ := reconCLI(t, append([]string{"recon", "payments"}, data...)...)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if code != exitOK || len(lines) != len(page.Payments)+1 {
			t.Fatalf("table: exit %d, %d lines\n%s", code, len(lines), out)
		}
		if h := strings.Fields(lines[0]); strings.Join(h, " ") != "remittance_id payer_id trace_number payment_date method amount claims_paid plb expected difference balanced matched_paid unmatched_paid claims" {
			t.Errorf("table header: %q", lines[0])
		}
		end := strings.Index(lines[0], " amount") + len(" amount")
		for i, line := range lines[1:] {
			if utf8.RuneCountInString(line) != utf8.RuneCountInString(lines[0]) {
				t.Errorf("line %d is not as wide as the header:\n%s\n%s", i+1, lines[0], line)
			}
			amount := page.Payments[i].Amount.String()
			if line[end-len(amount):end] != amount || line[end-len(amount)-1] != ' ' {
				t.Errorf("line %d: amount %s does not end under the header's:\n%s\n%s", i+1, amount, lines[0], line)
			}
		}

		// Each payment on its own balances too; the CSV ends with the difference.
		for _, p := range page.Payments {
			var one struct {
				Balanced   bool        `json:"balanced"`
				Difference money.Cents `json:"difference"`
				Expected   money.Cents `json:"expected"`
				Amount     money.Cents `json:"amount"`
			}
			reconJSON(t, &one, exitOK, append([]string{"recon", "payment", p.TraceNumber}, data...)...)
			if !one.Balanced || one.Difference != 0 || one.Amount != p.Amount || one.Expected != p.Amount {
				t.Errorf("payment %s: %+v", p.TraceNumber, one)
			}
			recs := reconCSV(t, append([]string{"recon", "payment", p.TraceNumber}, data...)...)
			if strings.Join(recs[0], ",") != "item,claim_id,pcn,code,position,amount" ||
				strings.Join(recs[1], ",") != "BPR02,,,C,,"+p.Amount.String() ||
				strings.Join(recs[len(recs)-1], ",") != "difference,,,balanced,,0.00" || len(recs) < 4+len(p.Claims) {
				t.Errorf("payment %s CSV: %q", p.TraceNumber, recs)
			}
		}
	})

	t.Run("claims", func(t *testing.T) {
		var paid money.Cents
		for _, c := range claims {
			var b struct {
				Status    string      `json:"status"`
				Charge    money.Cents `json:"charge"`
				Paid      money.Cents `json:"paid"`
				PR        money.Cents `json:"patient_responsibility"`
				CO        money.Cents `json:"contractual"`
				Other     money.Cents `json:"other_adjustments"`
				CLP05     money.Cents `json:"clp05_patient_responsibility"`
				Imbalance money.Cents `json:"imbalance"`
				Balanced  bool        `json:"balanced"`
				Payments  []struct {
					StatusCode string `json:"status_code"`
				} `json:"payments"`
			}
			reconJSON(t, &b, exitOK, append([]string{"recon", "claim", c.ID}, data...)...)
			paid += b.Paid
			switch ledger.Status(b.Status) {
			case ledger.StatusPaid, ledger.StatusPartiallyPaid, ledger.StatusDenied, ledger.StatusForwarded:
				// Charge = paid + patient responsibility + contractual + other, to the cent.
				if !b.Balanced || b.Imbalance != 0 || b.Charge != b.Paid+b.PR+b.CO+b.Other || b.CLP05 != b.PR || b.Charge != c.Charge {
					t.Errorf("settled claim %s does not balance: %+v", c.ID, b)
				}
			case ledger.StatusRejected:
				if len(b.Payments) != 0 || b.Balanced || b.Imbalance != b.Charge {
					t.Errorf("rejected claim %s: %+v", c.ID, b)
				}
			default:
				t.Errorf("claim %s is %s after the demo", c.ID, b.Status)
			}
			if len(b.Payments) == 3 && (b.Payments[1].StatusCode != "22" || b.Status != "paid") {
				t.Errorf("claim %s: reversal expected second: %+v", c.ID, b)
			}
		}
		if paid != tot.Paid {
			t.Errorf("Σ claims paid %s, the ledger's %s", paid, tot.Paid)
		}
		code, out, _ := reconCLI(t, append([]string{"recon", "claim", claims[0].ID}, data...)...)
		if lines := strings.Split(out, "\n"); code != exitOK || !strings.HasPrefix(lines[0], "claim "+claims[0].ID+" of SIMPAYER (PCN ") ||
			strings.Join(strings.Fields(lines[1]), " ") != "row trace_number payment_date status_code charge paid patient_resp contractual other imbalance" ||
			!strings.HasPrefix(lines[len(lines)-2], "claim "+claims[0].ID+" ") {
			t.Errorf("claim table: exit %d\n%s", code, out)
		}
	})

	t.Run("daily", func(t *testing.T) {
		recs := reconCSV(t, append([]string{"recon", "daily"}, data...)...)
		if strings.Join(recs[0], ",") != "date,claims_submitted,billed,paid,patient_resp,adjusted" || len(recs) < 2 {
			t.Fatalf("daily: %q", recs)
		}
		var billed, paid, pr money.Cents
		submitted := 0
		for _, r := range recs[1:] {
			var n int
			fmt.Sscan(r[1], &n)
			submitted += n
			billed += cents(t, r[2])
			paid += cents(t, r[3])
			pr += cents(t, r[4])
		}
		if submitted != 60 || billed != tot.Charge || paid != tot.Paid || pr != tot.PatientResp {
			t.Errorf("daily: %d submitted, billed %s, paid %s, patient %s; ledger: charge %s, paid %s, patient %s",
				submitted, billed, paid, pr, tot.Charge, tot.Paid, tot.PatientResp)
		}
		// The same ledger through a config file.
		cfg := writeTemp(t, "claimsgw.yaml", "data_dir: "+dir+"\n")
		if got := reconCSV(t, "recon", "daily", "--config", cfg); fmt.Sprint(got) != fmt.Sprint(recs) {
			t.Errorf("daily with --config: %q, want %q", got, recs)
		}
	})

	t.Run("aging", func(t *testing.T) {
		var a struct {
			OpenStatuses []string `json:"open_statuses"`
			Aging        []any    `json:"aging"`
		}
		reconJSON(t, &a, exitOK, append([]string{"recon", "aging"}, data...)...)
		if len(a.Aging) != 0 || strings.Join(a.OpenStatuses, ",") != "submitted,acknowledged,accepted,pending,reversed" {
			t.Errorf("aging after every claim settled: %+v", a)
		}
		if code, out, _ := reconCLI(t, append([]string{"recon", "aging"}, data...)...); code != exitOK || out != "payer_id  days  claims  charge\n(none)\n" {
			t.Errorf("aging table: %d %q", code, out)
		}
	})

	t.Run("denials", func(t *testing.T) {
		// Every claim the payer denied (CLP02 4) has CO-50 N130 on every
		// line: their charges are the CO-50 denials.
		var deniedCharge money.Cents
		denied := 0
		for _, c := range claims {
			ps, err := l.Payments(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 1 && ps[0].StatusCode == "4" {
				deniedCharge += c.Charge
				denied++
			}
		}
		var d struct {
			Denials []struct {
				PayerID string      `json:"payer_id"`
				Group   string      `json:"group_code"`
				CARC    string      `json:"carc"`
				RARC    string      `json:"rarc"`
				Count   int         `json:"count"`
				Claims  int         `json:"claims"`
				Amount  money.Cents `json:"amount"`
			} `json:"denials"`
		}
		reconJSON(t, &d, exitOK, append([]string{"recon", "denials", "--payer", "SIMPAYER"}, data...)...)
		got := map[string]bool{}
		for _, r := range d.Denials {
			got[r.PayerID+" "+r.Group+"-"+r.CARC+" "+r.RARC] = true
			if r.CARC == "50" && (r.Amount != deniedCharge || r.Claims != denied) {
				t.Errorf("CO-50: %d claims %s; the denied claims: %d, %s", r.Claims, r.Amount, denied, deniedCharge)
			}
		}
		if len(got) != 2 || !got["SIMPAYER CO-50 N130"] || !got["SIMPAYER CO-97 M15"] {
			t.Errorf("denials: %+v", d.Denials)
		}
	})

	t.Run("rejections", func(t *testing.T) {
		var rejected money.Cents
		for _, c := range claims {
			if c.Status == ledger.StatusRejected {
				rejected += c.Charge
			}
		}
		recs := reconCSV(t, append([]string{"recon", "rejections"}, data...)...)
		n, charge := 0, money.Cents(0)
		for _, r := range recs[1:] {
			var k int
			fmt.Sscan(r[3], &k)
			n += k
			charge += cents(t, r[4])
		}
		if strings.Join(recs[0], ",") != "payer_id,source_kind,reason,claims,charge" || n != tot.ByStatus[ledger.StatusRejected] || charge != rejected {
			t.Errorf("rejections: %q; want %d claims, %s", recs, tot.ByStatus[ledger.StatusRejected], rejected)
		}
	})

	t.Run("exceptions", func(t *testing.T) {
		var u struct {
			Exceptions []any `json:"exceptions"`
		}
		reconJSON(t, &u, exitOK, append([]string{"recon", "unmatched"}, data...)...)
		if len(u.Exceptions) != 0 {
			t.Fatalf("unmatched after the demo: %+v", u)
		}
		// Park one as the matcher does, then match it by hand.
		if _, err := l.RecordInbound(ctx, ledger.InboundFile{SHA256: "test-835", PayerID: demo.PayerID, Name: "x.835", Kind: "835", Content: []byte("x")}); err != nil {
			t.Fatal(err)
		}
		if err := l.ApplyInbound(ctx, "test-835", func(tx *ledger.Tx) error {
			return tx.AddException(ledger.Exception{InboundSHA256: "test-835", Kind: "835", ST02: "0001", Position: 12, PCN: "PCN-LOST", Reason: "no sent claim"})
		}); err != nil {
			t.Fatal(err)
		}
		es, err := l.Exceptions(ctx, ledger.ExceptionFilter{Status: "open"})
		if err != nil || len(es) != 1 {
			t.Fatalf("exceptions: %+v, %v", es, err)
		}
		id := fmt.Sprint(es[0].ID)
		code, out, _ := reconCLI(t, append([]string{"exceptions", "list"}, data...)...)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if code != exitOK || len(lines) != 2 || strings.Join(strings.Fields(lines[0]), " ") != "id kind payer_id st02 position pcn reason status claim_id resolved_by at inbound_sha256 resolution note" ||
			!strings.HasPrefix(strings.Join(strings.Fields(lines[1]), " "), id+" 835 SIMPAYER 0001 12 PCN-LOST no sent claim open ") {
			t.Errorf("exceptions list: %d\n%s", code, out)
		}
		claim := claims[0].ID
		for _, c := range []struct {
			args    []string
			code    int
			stdout  string
			stderrs string
		}{
			{[]string{"exceptions", "match", id, "--claim", claim}, exitUnreadable, "", "want one exception id, --claim and --actor"},
			{[]string{"exceptions", "match", "999999", "--claim", claim, "--actor", "alice"}, exitInvalid, "", "not found"},
			{[]string{"exceptions", "match", id, "--claim", "NOSUCH", "--actor", "alice"}, exitInvalid, "", "unknown claim"},
			{[]string{"exceptions", "match", id, "--claim", claim, "--actor", "alice"}, exitInvalid, "", `patient control number "PCN-LOST" is not the claim's`},
			{[]string{"exceptions", "match", id, "--claim", claim, "--actor", "alice", "--force"}, exitUnreadable, "", "and --reason with --force"},
			{[]string{"exceptions", "match", id, "--claim", claim, "--actor", "alice", "--force", "--reason", "the payer's typo"}, exitOK,
				"exception " + id + " (835) matched to claim " + claim + " by alice: the payer's typo\n", ""},
			{[]string{"exceptions", "match", id, "--claim", claim, "--actor", "bob", "--force", "--reason", "again"}, exitInvalid, "", "already resolved"},
		} {
			code, out, errOut := reconCLI(t, append(c.args, data...)...)
			if code != c.code || out != c.stdout || !strings.Contains(errOut, c.stderrs) {
				t.Errorf("%v: exit %d\n%s%s", c.args, code, out, errOut)
			}
		}
		var res struct {
			Exceptions []struct {
				Status     string `json:"status"`
				ClaimID    string `json:"claim_id"`
				ResolvedBy string `json:"resolved_by"`
			} `json:"exceptions"`
		}
		reconJSON(t, &res, exitOK, append([]string{"exceptions", "list", "--status", "resolved"}, data...)...)
		if len(res.Exceptions) != 1 || res.Exceptions[0].ClaimID != claim || res.Exceptions[0].ResolvedBy != "alice" || res.Exceptions[0].Status != "resolved" {
			t.Errorf("resolved: %+v", res)
		}
		h, err := l.History(ctx, claim)
		if err != nil {
			t.Fatal(err)
		}
		if last := h[len(h)-1]; last.Kind != "manual" || last.Actor != "alice" || last.File != "test-835" || last.From != last.To {
			t.Errorf("history: %+v", last)
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			code int
		}{
			{[]string{"recon"}, exitUnreadable},
			{[]string{"recon", "bogus", "--data", dir}, exitUnreadable},
			{[]string{"recon", "payment", "--data", dir}, exitUnreadable},
			{[]string{"recon", "daily", "--format", "xml", "--data", dir}, exitUnreadable},
			{[]string{"recon", "daily", "--from", "2026-13-01", "--data", dir}, exitUnreadable},
			{[]string{"recon", "daily", "--data", filepath.Join(dir, "nothing")}, exitUnreadable},
			{[]string{"recon", "payment", "NOSUCH", "--data", dir}, exitInvalid},
			{[]string{"recon", "claim", "NOSUCH", "--data", dir}, exitInvalid},
			{[]string{"exceptions"}, exitUnreadable},
			{[]string{"exceptions", "list", "--status", "closed", "--data", dir}, exitUnreadable},
		} {
			if code, out, errOut := reconCLI(t, c.args...); code != c.code {
				t.Errorf("%v: exit %d, want %d\n%s%s", c.args, code, c.code, out, errOut)
			}
		}
	})
}
