package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/payersim"
)

// The faults of a clearinghouse's first week, one after another against
// one running daemon, the payer simulator's SFTP server and each ledger:
// a second daemon on the data directory; the payer's server down for
// longer than the old retry window; the same patient control number under
// a new encounter id; a cut 835, then the whole one; a payer file whose
// body is not readable X12, one from another sender, one too large, one
// that does not balance; a manual match that does not fit.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end: not in -short")
	}
	for _, driver := range []string{ledger.SQLite, ledger.Postgres} {
		t.Run(driver, func(t *testing.T) { faults(t, driver) })
	}
}

// faulty is a daemon whose payer answers only what the test drops in its
// pickup folder.
type faulty struct {
	t       *testing.T
	ctx     context.Context
	d       *daemon.Daemon
	s       *sim
	payer   *payersim.Payer
	dropped int
}

func faults(t *testing.T, driver string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	s := startSimAnswering(t, filepath.Join(tmp, "payer"), false)
	cfg := config.Default()
	cfg.DataDir, cfg.HTTP.Listen = filepath.Join(tmp, "data"), "127.0.0.1:0"
	cfg.Ledger.DSN = config.Secret(filepath.Join(cfg.DataDir, "ledger.db"))
	if driver == ledger.Postgres {
		cfg.Ledger.Driver, cfg.Ledger.DSN = ledger.Postgres, config.Secret(postgresDSN(t))
	}
	cfg.Submitter = config.Submitter{Name: "CLAIMSGW FAULT TEST", ID: "CLAIMSGW", ContactName: "EDI SUPPORT", Phone: "8005550100"}
	route := s.route(50, 300*time.Millisecond, 100*time.Millisecond)
	route.SFTP.MaxFileSize = 64 << 10
	cfg.Payers = []config.Payer{route}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var logs testutil.SyncBuffer
	opts := daemon.Options{Log: zerolog.New(&logs), Tick: 50 * time.Millisecond, Backoff: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}}
	d, err := daemon.Start(ctx, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	f := &faulty{t: t, ctx: ctx, d: d, s: s, payer: &payersim.Payer{Seed: 3, ID: demo.PayerID, Name: "SIM HEALTH PLAN", TaxID: "512345678"}}
	defer func() {
		if t.Failed() {
			t.Logf("gateway log (end):\n%s", tail(logs.String(), 8000))
		}
	}()

	// 7. One daemon per data directory.
	if _, err := daemon.Start(ctx, cfg, opts); !errors.Is(err, daemon.ErrLocked) {
		t.Errorf("a second daemon on the data directory: %v", err)
	}

	// 2. The payer's server down: the file is tried past the old five
	// attempts, and delivered once when the server is back.
	s.outage()
	encounters := demo.Encounters(30, demo.PayerID, 5, time.Now()) // the 25th is rejected by the 277CA
	for _, e := range encounters {
		if _, _, err := d.SubmitEncounter(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// 8. The first encounter's patient control number under a new id,
	// once the first is recorded (sent together, intake's workers may
	// take either first: then the other is the duplicate).
	ids := encounterIDs(t, encounters)
	f.waitFor("the first encounter recorded", func() bool { _, err := d.Ledger.Claim(ctx, ids[0]); return err == nil })
	dup := bytes.Replace(encounters[0], []byte(`"id":"`+ids[0]+`"`), []byte(`"id":"`+ids[0]+`-again"`), 1)
	if _, _, err := d.SubmitEncounter(ctx, dup); err != nil {
		t.Fatal(err)
	}
	f.waitFor("ten failed delivery attempts", func() bool {
		built, err := d.Ledger.FilesInStatus(ctx, demo.PayerID, ledger.FileBuilt)
		if err != nil || len(built) == 0 {
			return false
		}
		file, err := d.Ledger.FileByID(ctx, built[0])
		return err == nil && file.Attempts >= 10
	})
	s.restore(t)
	f.waitFor("every file delivered", func() bool {
		built, err := d.Ledger.FilesInStatus(ctx, demo.PayerID, ledger.FileBuilt)
		sent, err2 := d.Ledger.FilesInStatus(ctx, demo.PayerID, ledger.FileSubmitted)
		return err == nil && err2 == nil && len(built) == 0 && len(sent) > 0
	})
	if c, err := d.Ledger.Claim(ctx, ids[0]+"-again"); err != nil || c.Status != ledger.StatusInvalid {
		t.Errorf("the same patient control number under a new id: %+v, %v", c, err)
	} else if h, _ := d.Ledger.History(ctx, c.ID); len(h) != 1 || !strings.HasPrefix(h[0].Reason, "duplicate_claim: claim "+ids[0]) {
		t.Errorf("its history: %+v", h)
	}

	// The payer's acknowledgments and statuses, then its 835 cut, then
	// whole: nothing is posted from the cut one, all of the whole one.
	var payments [][]byte
	for _, name := range testutil.DirNames(t, filepath.Join(s.Root, payersim.InboundDir)) {
		data, err := os.ReadFile(filepath.Join(s.Root, payersim.InboundDir, name))
		if err != nil {
			t.Fatal(err)
		}
		answers, err := f.payer.Answer(name, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range answers {
			if a.Kind == "835" {
				payments = append(payments, a.Data)
			} else {
				f.drop(a.Kind, a.Data)
			}
		}
	}
	if len(payments) == 0 {
		t.Fatal("the payer paid nothing")
	}
	f.drop("835", payments[0][:len(payments[0])*2/3])
	if ps, err := d.Ledger.ListPayments(ctx, ledger.PaymentFilter{}); err != nil || len(ps) != 0 {
		t.Fatalf("after the cut 835: %d payments, %v", len(ps), err)
	}
	f.exception("the cut 835", "is not whole")
	for _, p := range payments {
		f.drop("835", p)
	}
	ps, err := d.Ledger.ListPayments(ctx, ledger.PaymentFilter{Limit: 1000})
	if err != nil || len(ps) == 0 {
		t.Fatalf("after the whole 835s: %d payments, %v", len(ps), err)
	}
	for _, p := range ps {
		if !p.Balanced || p.UnmatchedPaid != 0 {
			t.Errorf("payment %s: balanced %v, unmatched %s", p.TraceNumber, p.Balanced, p.UnmatchedPaid)
		}
	}

	// 3, 4, 6, a set of a kind it does not apply and the unbalanced 835:
	// each kept as an exception saying why.
	pay := gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTFAULT1", "", [][]string{
		{"CLP*D2150*1*226*132*94*12*PAYD*11*1", "NM1*QC*1*DOE*JANE****MI*XJH123456789", "SVC*AD:D2150*226*132**1", "DTM*472*20261102", "CAS*PR*2*94"}}))
	isa, body, _ := strings.Cut(pay, "\n")
	f.drop("835", []byte(isa+"\n"+strings.ReplaceAll(body, "*", "|")))
	f.exception("the 835 in another element separator", "is not readable X12")
	f.drop("835", []byte(strings.Replace(pay, "*ZZ*SIMPAYER       *", "*ZZ*OTHERPAYER     *", 1)))
	f.exception("the 835 of another sender", `from ISA06 "OTHERPAYER"`)
	f.drop("835", []byte(pay+strings.Repeat(" ", 64<<10)))
	f.exception("the 835 over max_file_size", "larger than the route's sftp.max_file_size")
	if m := f.get("/metrics"); !strings.Contains(m, `claimsgw_inbound_files_refused_total{payer="SIMPAYER",reason="too_large"} 1`) {
		t.Errorf("/metrics does not count the file too large")
	}
	f.drop("820", []byte(gatewaytest.Interchange("RA", "005010X218", "820", []string{"BPR*C*80*C*ACH"})))
	f.exception("a transaction set it does not apply", "transaction set 820 is not one the gateway applies")
	unbalanced := strings.Replace(strings.Replace(pay, "EFTFAULT1", "EFTFAULT2", 1), "BPR*I*132.00*", "BPR*I*150.00*", 1)
	f.drop("835", []byte(unbalanced))
	held := f.exception("the unbalanced 835", "payment trace EFTFAULT2 is unbalanced by 18.00")
	f.drop("835", []byte(pay))
	clp := f.exception("the CLP of a claim the gateway did not send", "no sent claim")

	// 5. A manual match that does not fit, then forced: to a paid claim it
	// is still refused, to a rejected one it is made. The payment held
	// back, posted by hand.
	paid, rejected := "", ""
	for _, id := range ids {
		switch c, _ := d.Ledger.Claim(ctx, id); c.Status {
		case ledger.StatusPaid:
			paid = id
		case ledger.StatusRejected:
			rejected = id
		}
	}
	if paid == "" || rejected == "" {
		t.Fatalf("no paid or no rejected claim to match to: %q, %q", paid, rejected)
	}
	match := fmt.Sprintf("/v1/exceptions/%d/match", clp)
	for _, c := range []struct {
		path, body, want string
		status           int
	}{
		{match, `{"claim_id":"` + rejected + `","actor":"alice"}`, `"code":"mismatch"`, 422},
		{match, `{"claim_id":"` + paid + `","actor":"alice","force":true,"reason":"paid under a dental number"}`, `"code":"not_postable"`, 422},
		{match, `{"claim_id":"` + rejected + `","actor":"alice","force":true,"reason":"paid under a dental number"}`, `"resolution":"matched"`, 200},
		{fmt.Sprintf("/v1/exceptions/%d/post", held), `{"actor":"alice","reason":"the payer's fee is in BPR02"}`, `"resolution":"posted"`, 200},
	} {
		if status, body := f.post(c.path, c.body); status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("POST %s: %d %s", c.path, status, body)
		}
	}
	if p, err := d.Ledger.PaymentBalance(ctx, demo.PayerID, "EFTFAULT2"); err != nil || p.Balanced || p.Difference != 1800 {
		t.Errorf("the payment posted anyway: %+v, %v", p, err)
	}

	// In the end every encounter is a settled claim, each delivered once.
	checkReceived(t, s.received837s(t), pcns(t, encounters))
	for _, id := range ids {
		if c, err := d.Ledger.Claim(ctx, id); err != nil || !c.Status.Settled() {
			t.Errorf("claim %s: %+v, %v", id, c, err)
		}
	}
}

// drop puts a payer file in the pickup folder, as the payer writes it
// (under a dot name, then renamed), and waits until the gateway has taken
// it (picked up and applied, or left and recorded).
func (f *faulty) drop(kind string, data []byte) {
	f.t.Helper()
	f.dropped++
	name := fmt.Sprintf("fault%03d.%s", f.dropped, kind)
	dir := filepath.Join(f.s.Root, payersim.OutboundDir)
	if err := os.WriteFile(filepath.Join(dir, "."+name), data, 0o644); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "."+name), filepath.Join(dir, name)); err != nil {
		f.t.Fatal(err)
	}
	f.waitFor(name+" taken", func() bool {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			refused, _ := f.d.Ledger.Exceptions(f.ctx, ledger.ExceptionFilter{})
			for _, e := range refused {
				if e.Kind == "file" && strings.Contains(e.Reason, name) {
					return true
				}
			}
			return false
		}
		n, err := f.d.Ledger.CountInbound(f.ctx, "received")
		return err == nil && n == 0
	})
}

// exception is the id of the last open exception, which must say why.
func (f *faulty) exception(what, why string) int64 {
	f.t.Helper()
	es, err := f.d.Ledger.Exceptions(f.ctx, ledger.ExceptionFilter{Status: "open", Limit: 1000})
	if err != nil || len(es) == 0 || !strings.Contains(es[len(es)-1].Reason, why) {
		f.t.Fatalf("%s: open exceptions %+v, %v; want the last to say %q", what, es, err, why)
	}
	return es[len(es)-1].ID
}

func (f *faulty) waitFor(what string, cond func() bool) {
	f.t.Helper()
	for !cond() {
		select {
		case <-f.ctx.Done():
			f.t.Fatalf("timed out waiting for %s", what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (f *faulty) get(path string) string {
	f.t.Helper()
	resp, err := http.Get("http://" + f.d.Addr + path)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (f *faulty) post(path, body string) (int, string) {
	f.t.Helper()
	resp, err := http.Post("http://"+f.d.Addr+path, "application/json", strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }
