package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/payersim"
)

// The dashboard in a real browser: Debian's Chromium, headless, driven by
// chromedp, against the daemon of a demo run (the whole pipeline: 60
// encounters to 837 files, the payer simulator's 999, 277CA and 835s
// back), with an API token, so that every page needs a sign-in as beyond
// loopback. Each test compares what the page shows with what the API
// answers, and saves a screenshot to its temporary directory and to
// $CLAIMSGW_SCREENSHOTS when set.

// ScreenshotsEnv names the directory the browser tests also save their
// screenshots to.
const ScreenshotsEnv = "CLAIMSGW_SCREENSHOTS"

const operatorToken = "operator-token-0123456789abcdef0123"

// running is the demo the browser tests share: started by the first one.
var running struct {
	once sync.Once
	dir  string
	d    *demo.Demo
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if running.d != nil {
		running.d.Close()
	}
	if running.dir != "" {
		os.RemoveAll(running.dir)
	}
	os.Exit(code)
}

// chromium is Debian's Chromium, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests: not in -short (a demo run and Chromium)")
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("Chromium is not installed (apt-get install chromium; .ci/run does): the dashboard's browser tests skip")
	return ""
}

// site is the running demo's dashboard, for a test.
type site struct {
	t    *testing.T
	base string // http://127.0.0.1:PORT
	d    *demo.Demo
}

func demoSite(t *testing.T) *site {
	t.Helper()
	running.once.Do(func() {
		if running.dir, running.err = os.MkdirTemp("", "claimsgw-web-"); running.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		running.d, running.err = demo.Start(ctx, demo.Options{DataDir: running.dir, Listen: "127.0.0.1:0", Seed: 1, Log: zerolog.Nop(),
			Tokens: []config.Token{{Name: "operator", Value: operatorToken}}})
		if running.err != nil {
			return
		}
		start := time.Now()
		const n = 60
		if running.err = running.d.Submit(ctx, demo.Encounters(n, demo.PayerID, 1, start)); running.err != nil {
			return
		}
		var s *demo.Summary
		if s, running.err = running.d.Wait(ctx, n, start); running.err == nil && !s.Settled {
			running.err = fmt.Errorf("the demo did not settle: %+v", s)
		}
	})
	if running.err != nil {
		t.Fatal(running.err)
	}
	return &site{t: t, base: "http://" + running.d.Daemon.Addr, d: running.d}
}

// api gets an API answer (with the operator's token) into v.
func (s *site) api(path string, v any) {
	s.t.Helper()
	if err := json.Unmarshal([]byte(s.apiBody(path)), v); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
}

func (s *site) apiBody(path string) string {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+operatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		s.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}

// browser starts a headless Chromium of its own for the test, with a new
// profile.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancel(); cancelTab(); cancelAlloc() })
	return ctx
}

// do runs actions, failing the test on an error.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates JavaScript in the page into a T.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// screenshot saves the whole page as NAME.png in the test's temporary
// directory and in $CLAIMSGW_SCREENSHOTS when set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dirs := []string{t.TempDir()}
	if d := os.Getenv(ScreenshotsEnv); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := os.WriteFile(filepath.Join(d, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot %s.png (%d bytes) in %s", name, len(png), strings.Join(dirs, ", "))
}

// signIn signs the browser in with the operator's token, from the page
// every page without a session goes to.
func (s *site) signIn(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "sign in", chromedp.Navigate(s.base+"/"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), operatorToken), chromedp.Click(chromedp.ID("sign-in-button")), chromedp.WaitVisible(chromedp.ID("pipe-encounters")))
}

// rows reads a table's rows as the values of their cells with a data
// attribute (data-field or data-col), keyed by it, with the row's own
// data-* key under "key".
func rows(t *testing.T, ctx context.Context, table, attr, key string) []map[string]string {
	t.Helper()
	return eval[[]map[string]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll(%q)].filter(tr => tr.querySelector("[%s]")).map(tr => {
		const o = Object.fromEntries([...tr.querySelectorAll("[%s]")].map(td => [td.getAttribute(%q), td.textContent.trim()]));
		if (%q) o.key = tr.getAttribute(%q) || "";
		return o;
	})`, table+" tbody tr", attr, attr, attr, key, key))
}

// A page without a session goes to the sign-in page; a wrong token is
// refused there, the operator's signs in and goes back to the page.
func TestBrowserSignIn(t *testing.T) {
	ctx := browser(t)
	s := demoSite(t)
	do(t, ctx, "a page without a session", chromedp.Navigate(s.base+"/claims?status=paid"), chromedp.WaitVisible(chromedp.ID("token")))
	if u := location(t, ctx); u != s.base+"/sign-in?next=%2Fclaims%3Fstatus%3Dpaid" {
		t.Errorf("without a session: at %s, want the sign-in page", u)
	}
	do(t, ctx, "a wrong token", chromedp.SendKeys(chromedp.ID("token"), "not-a-token-of-this-gateway-0000000"),
		chromedp.Click(chromedp.ID("sign-in-button")), chromedp.WaitVisible(chromedp.ID("sign-in-error")))
	screenshot(t, ctx, "sign-in-refused")
	do(t, ctx, "the operator's token", chromedp.SendKeys(chromedp.ID("token"), operatorToken),
		chromedp.Click(chromedp.ID("sign-in-button")), chromedp.WaitVisible(chromedp.ID("claims")))
	if u := location(t, ctx); u != s.base+"/claims?status=paid" {
		t.Errorf("signed in: at %s, want the page asked for", u)
	}
	if caller := eval[string](t, ctx, `document.getElementById("caller").textContent`); caller != "operator" {
		t.Errorf("signed in as %q", caller)
	}
	// The session cookie is out of the page's reach (HttpOnly).
	if c := eval[string](t, ctx, `document.cookie`); c != "" {
		t.Errorf("document.cookie: %q", c)
	}
	screenshot(t, ctx, "signed-in")
}

// The Now page's counts are the API's.
func TestBrowserNow(t *testing.T) {
	ctx := browser(t)
	s := demoSite(t)
	s.signIn(t, ctx)
	var stats struct {
		Claims map[string]int `json:"claims_by_status"`
		Total  int            `json:"claims_total"`
	}
	s.api("/v1/stats", &stats)
	counts := eval[map[string]int](t, ctx, `Object.fromEntries([...document.querySelectorAll("[id^=count-]")].map(e => [e.id.slice(6), +e.dataset.count]))`)
	if len(counts) != len(stats.Claims) {
		t.Errorf("statuses on the page %v, the API's %v", counts, stats.Claims)
	}
	for st, n := range stats.Claims {
		if counts[st] != n {
			t.Errorf("%s: %d on the page, %d from the API", st, counts[st], n)
		}
	}
	pipe := eval[map[string]int](t, ctx, `Object.fromEntries([...document.querySelectorAll("[id^=pipe-]")].map(e => [e.id.slice(5), +e.dataset.count]))`)
	c := stats.Claims
	for k, want := range map[string]int{"encounters": stats.Total, "invalid": c["invalid"], "queued": c["queued"], "batched": c["batched"],
		"delivered": stats.Total - c["received"] - c["invalid"] - c["queued"] - c["batched"] - c["delivery_failed"],
		"wait-999":  c["submitted"], "wait-277ca": c["acknowledged"], "wait-835": c["accepted"] + c["pending"]} {
		if pipe[k] != want {
			t.Errorf("pipeline %s: %d on the page, %d from the API", k, pipe[k], want)
		}
	}
	if total := eval[int](t, ctx, `+document.getElementById("claims-total").dataset.count`); total != stats.Total || total < 60 {
		t.Errorf("total: %d on the page, %d from the API", total, stats.Total)
	}
	var exc struct{ Exceptions []json.RawMessage }
	s.api("/v1/exceptions?status=open&limit=500", &exc)
	var dead struct {
		DeadLetters []json.RawMessage `json:"dead_letters"`
	}
	s.api("/v1/dead-letters?limit=500", &dead)
	var failed struct{ Files []json.RawMessage }
	s.api("/v1/files?status=delivery_failed&limit=500", &failed)
	for id, want := range map[string]int{"open-exceptions": len(exc.Exceptions), "dead-letters": len(dead.DeadLetters), "delivery-failures": len(failed.Files)} {
		if got := eval[int](t, ctx, `+document.getElementById("`+id+`").dataset.count`); got != want {
			t.Errorf("%s: %d on the page, %d from the API", id, got, want)
		}
	}
	// The chart: the last hour's minutes, and the demo's claims in them.
	received := eval[int](t, ctx, `[...document.querySelectorAll("#chart-throughput rect[data-series='encounters in']")].reduce((n, r) => n + +r.dataset.value, 0)`)
	if received != stats.Total {
		t.Errorf("encounters in over the last hour: %d on the chart, %d claims", received, stats.Total)
	}
	route := rows(t, ctx, "#routes", "data-field", "data-payer")
	// The demo's two routes: the payer these encounters went to, and the
	// secondary payer none of them has.
	if len(route) != 2 || route[0]["key"] != demo.PayerID || strings.HasPrefix(route[0]["last-delivery"], "never") || strings.HasPrefix(route[0]["last-pickup"], "never") ||
		route[1]["key"] != demo.SecondPayerID {
		t.Errorf("routes: %v", route)
	}
	screenshot(t, ctx, "now")
}

// The claims search and a claim's page show what the API has.
func TestBrowserClaims(t *testing.T) {
	ctx := browser(t)
	s := demoSite(t)
	s.signIn(t, ctx)
	type apiClaim struct {
		ID, Status, Charge, PCN string
		PayerID                 string `json:"payer_id"`
	}
	var list struct {
		Claims []apiClaim
		Next   string
	}
	s.api("/v1/claims?status=paid&limit=50", &list)
	do(t, ctx, "search paid claims", chromedp.Navigate(s.base+"/claims"), chromedp.WaitVisible(chromedp.ID("claim-search")),
		chromedp.SetValue(chromedp.CSS(`#claim-search select[name=status]`), "paid"), chromedp.Click(chromedp.CSS(`#claim-search button`)),
		chromedp.WaitVisible(chromedp.CSS(`#claims tbody tr[data-claim-id]`)))
	if u := location(t, ctx); u != s.base+"/claims?status=paid" {
		t.Errorf("the search's address: %s", u)
	}
	got := rows(t, ctx, "#claims", "data-field", "data-claim-id")
	if len(got) != len(list.Claims) || len(got) == 0 {
		t.Fatalf("%d paid claims on the page, %d from the API", len(got), len(list.Claims))
	}
	for i, c := range list.Claims {
		if g := got[i]; g["key"] != c.ID || g["status"] != c.Status || g["charge"] != c.Charge || g["pcn"] != c.PCN || g["payer_id"] != c.PayerID {
			t.Errorf("row %d: %v, the API's %+v", i, g, c)
		}
	}
	screenshot(t, ctx, "claims")

	// One claim: its timeline, lines, payments and files.
	id := list.Claims[0].ID
	var detail struct {
		Status, Charge string
		History        []struct {
			To, Kind, File, Transaction string
			Position                    int
		}
		Payments []struct {
			Paid        string
			Adjustments []struct{ Reason, Amount string }
		}
		Files []struct {
			FileID string `json:"file_id"`
		}
	}
	s.api("/v1/claims/"+id, &detail)
	do(t, ctx, "a claim's page", chromedp.Click(chromedp.CSS(`#claims tbody tr[data-claim-id="`+id+`"] a`)), chromedp.WaitVisible(chromedp.ID("history")))
	if st := eval[string](t, ctx, `document.getElementById("claim-status").textContent`); st != detail.Status {
		t.Errorf("status %q, the API's %q", st, detail.Status)
	}
	if ch := eval[string](t, ctx, `document.getElementById("claim-charge").textContent`); ch != detail.Charge {
		t.Errorf("charge %q, the API's %q", ch, detail.Charge)
	}
	history := rows(t, ctx, "#history", "data-field", "")
	if len(history) != len(detail.History) {
		t.Fatalf("%d changes on the page, %d from the API", len(history), len(detail.History))
	}
	for i, h := range detail.History {
		g := history[i]
		file := h.File
		if len(file) == 64 {
			file = file[:12] + "…"
		}
		if g["to"] != h.To || g["kind"] != h.Kind || g["file"] != file || g["transaction"] != h.Transaction || g["position"] != strconv.Itoa(h.Position) {
			t.Errorf("change %d: %v, the API's %+v", i, g, h)
		}
	}
	paid := eval[[]string](t, ctx, `[...document.querySelectorAll(".payment [data-field=paid]")].map(e => e.textContent)`)
	if len(paid) != len(detail.Payments) || len(paid) == 0 || paid[0] != detail.Payments[0].Paid {
		t.Errorf("paid on the page %v, the API's %+v", paid, detail.Payments)
	}
	amounts := eval[[]string](t, ctx, `[...document.querySelectorAll(".payment .adjustments [data-field=amount]")].map(e => e.textContent)`)
	var want []string
	for _, p := range detail.Payments {
		for _, a := range p.Adjustments {
			want = append(want, a.Amount)
		}
	}
	if strings.Join(amounts, ",") != strings.Join(want, ",") {
		t.Errorf("adjustments on the page %v, the API's %v", amounts, want)
	}
	files := eval[[]string](t, ctx, `[...document.querySelectorAll("#claim-files tr[data-file-id]")].map(e => e.dataset.fileId)`)
	if len(files) != len(detail.Files) || files[0] != detail.Files[0].FileID {
		t.Errorf("837 files on the page %v, the API's %+v", files, detail.Files)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#claim-payer-files tr[data-sha256]").length`); n < 3 {
		t.Errorf("%d payer files touched the paid claim, want its 999, 277CA and 835", n)
	}
	// The member ID is on the claim's own page, and on no list.
	member := eval[string](t, ctx, `document.getElementById("member-id").textContent`)
	if member == "" {
		t.Error("no member ID on the claim's page")
	}
	do(t, ctx, "the claims list again", chromedp.Navigate(s.base+"/claims"), chromedp.WaitVisible(chromedp.ID("claims")))
	if body := eval[string](t, ctx, `document.body.textContent`); strings.Contains(body, member) {
		t.Errorf("the member ID %s is on the claims list", member)
	}
	do(t, ctx, "a claim's page", chromedp.Navigate(s.base+"/claims/"+id), chromedp.WaitVisible(chromedp.ID("history")))
	screenshot(t, ctx, "claim")
}

// The 837 files and the payer files, listed and each on its page, as the
// API lists them.
func TestBrowserFiles(t *testing.T) {
	ctx := browser(t)
	s := demoSite(t)
	s.signIn(t, ctx)
	var files struct {
		Files []struct {
			ID, Status       string
			Claims, Attempts int
			ISA13            int64
		}
	}
	s.api("/v1/files?limit=50", &files)
	do(t, ctx, "837 files", chromedp.Navigate(s.base+"/files"), chromedp.WaitVisible(chromedp.ID("files")))
	got := rows(t, ctx, "#files", "data-field", "data-file-id")
	if len(got) != len(files.Files) || len(got) == 0 {
		t.Fatalf("%d files on the page, %d from the API", len(got), len(files.Files))
	}
	for i, f := range files.Files {
		g := got[i]
		if g["key"] != f.ID || g["status"] != f.Status || g["claims"] != strconv.Itoa(f.Claims) || g["attempts"] != strconv.Itoa(f.Attempts) || g["isa13"] != strconv.FormatInt(f.ISA13, 10) {
			t.Errorf("file %d: %v, the API's %+v", i, g, f)
		}
	}
	screenshot(t, ctx, "files")
	var file struct {
		Claims []struct {
			ClaimID string `json:"claim_id"`
		}
	}
	s.api("/v1/files/"+files.Files[0].ID, &file)
	do(t, ctx, "a file's page", chromedp.Click(chromedp.CSS(`#files tr[data-file-id="`+files.Files[0].ID+`"] a`)), chromedp.WaitVisible(chromedp.ID("file-claims")))
	claims := eval[[]string](t, ctx, `[...document.querySelectorAll("#file-claims tr[data-claim-id]")].map(e => e.dataset.claimId)`)
	if len(claims) != len(file.Claims) || claims[0] != file.Claims[0].ClaimID {
		t.Errorf("the file's claims on the page %v, the API's %+v", claims, file.Claims)
	}
	screenshot(t, ctx, "file")

	var inbound struct {
		Files []struct {
			SHA256, Kind, Status string
			Errors               int
		} `json:"inbound_files"`
	}
	s.api("/v1/inbound-files?limit=50", &inbound)
	do(t, ctx, "payer files", chromedp.Navigate(s.base+"/inbound"), chromedp.WaitVisible(chromedp.ID("inbound")))
	in := rows(t, ctx, "#inbound", "data-field", "data-sha256")
	if len(in) != len(inbound.Files) || len(in) == 0 {
		t.Fatalf("%d payer files on the page, %d from the API", len(in), len(inbound.Files))
	}
	kinds := map[string]bool{}
	for i, f := range inbound.Files {
		g := in[i]
		kinds[f.Kind] = true
		if g["key"] != f.SHA256 || g["kind"] != f.Kind || g["status"] != f.Status || g["errors"] != strconv.Itoa(f.Errors) {
			t.Errorf("payer file %d: %v, the API's %+v", i, g, f)
		}
	}
	if !kinds["999"] || !kinds["277CA"] || !kinds["835"] {
		t.Errorf("kinds of payer files: %v", kinds)
	}
	sha := inbound.Files[0].SHA256
	var one struct{ Problems []string }
	s.api("/v1/inbound-files/"+sha, &one)
	do(t, ctx, "a payer file's page", chromedp.Click(chromedp.CSS(`#inbound tr[data-sha256="`+sha+`"] a`)), chromedp.WaitVisible(chromedp.ID("inbound-file")))
	if n := eval[int](t, ctx, `+document.getElementById("inbound-errors").dataset.count`); n != len(one.Problems) {
		t.Errorf("%d problems on the page, %d from the API", n, len(one.Problems))
	}
	screenshot(t, ctx, "payer-file")
}

// The finance pages' tables are the API's reports, their charts drawn from
// them, and their CSV downloads the API's CSV, byte for byte.
func TestBrowserFinance(t *testing.T) {
	ctx := browser(t)
	s := demoSite(t)
	s.signIn(t, ctx)
	var payments struct {
		Payments []struct {
			Trace      string `json:"trace_number"`
			Amount     string
			Difference string
			Balanced   bool
		}
	}
	s.api("/v1/recon/payments?limit=50", &payments)
	do(t, ctx, "payments", chromedp.Navigate(s.base+"/finance"), chromedp.WaitVisible(chromedp.ID("report-payments")))
	got := rows(t, ctx, "#report-payments", "data-col", "")
	if len(got) != len(payments.Payments) || len(got) == 0 {
		t.Fatalf("%d payments on the page, %d from the API", len(got), len(payments.Payments))
	}
	for i, p := range payments.Payments {
		if g := got[i]; g["trace_number"] != p.Trace || g["amount"] != p.Amount || g["difference"] != p.Difference || g["balanced"] != strconv.FormatBool(p.Balanced) {
			t.Errorf("payment %d: %v, the API's %+v", i, g, p)
		}
	}
	screenshot(t, ctx, "finance-payments")
	for _, r := range []struct {
		name, key string
		cols      []string
	}{
		{"aging", "aging", []string{"payer_id", "bucket:days", "claims", "charge"}},
		{"denials", "denials", []string{"payer_id", "group_code", "carc", "rarc", "count", "claims", "amount"}},
		{"rejections", "rejections", []string{"payer_id", "source_kind", "reason", "claims", "charge"}},
		{"daily", "days", []string{"date", "claims_submitted", "billed", "paid", "patient_responsibility:patient_resp", "adjusted"}},
	} {
		var rep map[string]json.RawMessage
		s.api("/v1/recon/"+r.name, &rep)
		var want []map[string]any
		if err := json.Unmarshal(rep[r.key], &want); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, r.name, chromedp.Navigate(s.base+"/finance/"+r.name), chromedp.WaitVisible(chromedp.ID("report-"+r.name)))
		got := rows(t, ctx, "#report-"+r.name, "data-col", "")
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows on the page, %d from the API", r.name, len(got), len(want))
		}
		for i, w := range want {
			for _, col := range r.cols {
				key, column, _ := strings.Cut(col, ":")
				if column == "" {
					column = key
				}
				if fmt.Sprint(w[key]) != got[i][column] {
					t.Errorf("%s row %d %s: %q on the page, %v from the API", r.name, i, column, got[i][column], w[key])
				}
			}
		}
		if len(want) > 0 && eval[int](t, ctx, `document.querySelectorAll("#chart-`+r.name+` rect[data-value]").length`) == 0 {
			t.Errorf("%s: no chart", r.name)
		}
		csv := eval[string](t, ctx, `fetch(document.getElementById("csv-`+r.name+`").href).then(r => r.text())`)
		if apiCSV := s.apiBody("/v1/recon/" + r.name + "?format=csv"); csv != apiCSV {
			t.Errorf("%s: the page's CSV\n%s\nthe API's\n%s", r.name, csv, apiCSV)
		}
		screenshot(t, ctx, "finance-"+r.name)
	}
}

// A manual match from the exception's page: refused in words when the
// payer's item does not fit the claim, made when forced with a reason; the
// claim moves (the API says so). A POST without the page's CSRF token is
// refused.
func TestBrowserMatch(t *testing.T) {
	ctx := browser(t)
	s := demoSite(t)
	// A reversal of a paid claim's payment, under a patient control number
	// no claim has: the gateway parks it as an exception.
	var paid struct{ Claims []struct{ ID string } }
	s.api("/v1/claims?status=paid&limit=1", &paid)
	if len(paid.Claims) == 0 {
		t.Fatal("no paid claim")
	}
	id := paid.Claims[0].ID
	var c struct {
		Charge           string
		PayerClaimNumber string `json:"payer_claim_number"`
		Payments         []struct {
			Paid        string
			PatientResp string `json:"patient_responsibility"`
			Adjustments []struct{ Group, Reason, Amount string }
		}
	}
	s.api("/v1/claims/"+id, &c)
	p := c.Payments[0]
	clp := []string{fmt.Sprintf("CLP*WEBNOSUCH1*22*-%s*-%s*-%s*12*%s*11*1", c.Charge, p.Paid, p.PatientResp, c.PayerClaimNumber), "NM1*QC*1*DOE*JOHN****MI*XJH123456789"}
	for _, a := range p.Adjustments {
		clp = append(clp, fmt.Sprintf("CAS*%s*%s*-%s", a.Group, a.Reason, a.Amount))
	}
	body := gatewaytest.Remittance("WEBREV1", "", [][]string{clp})
	body[0] = strings.Replace(body[0], "BPR*I*-"+p.Paid+"*C*", "BPR*I*"+p.Paid+"*D*", 1)
	file := gatewaytest.Interchange("HP", "005010X221A1", "835", body)
	out := filepath.Join(running.dir, "payer", payersim.OutboundDir)
	tmp := filepath.Join(running.dir, "payer", "webtest.835.tmp")
	if err := os.WriteFile(tmp, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(out, "WEBTEST_REVERSAL.835")); err != nil {
		t.Fatal(err)
	}
	var excID int64
	for deadline := time.Now().Add(30 * time.Second); excID == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the reversal was not parked as an exception in 30 s")
		}
		var open struct {
			Exceptions []struct {
				ID  int64
				PCN string
			}
		}
		s.api("/v1/exceptions?status=open&limit=500", &open)
		for _, e := range open.Exceptions {
			if e.PCN == "WEBNOSUCH1" {
				excID = e.ID
			}
		}
	}
	s.signIn(t, ctx)
	page := s.base + "/exceptions/" + strconv.FormatInt(excID, 10)
	do(t, ctx, "the exceptions queue", chromedp.Navigate(s.base+"/exceptions"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-exception-id="%d"]`, excID))))
	screenshot(t, ctx, "exceptions")

	// Without the page's CSRF token, a POST is refused, and nothing moves.
	status := eval[int](t, ctx, `fetch("/exceptions/`+strconv.FormatInt(excID, 10)+`/match", {method: "POST",
		body: new URLSearchParams({claim_id: "`+id+`", actor: "mallory", force: "on", reason: "no token"})}).then(r => r.status)`)
	if status != http.StatusForbidden {
		t.Errorf("a POST without the CSRF token: %d, want 403", status)
	}

	do(t, ctx, "match without force", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("match-form")),
		chromedp.SendKeys(chromedp.ID("match-claim"), id), chromedp.SendKeys(chromedp.ID("match-actor"), "alice"),
		chromedp.Click(chromedp.ID("match-button")), chromedp.WaitVisible(chromedp.ID("refusal")))
	refusal := eval[string](t, ctx, `document.getElementById("refusal").textContent`)
	code := eval[string](t, ctx, `document.getElementById("refusal").dataset.code`)
	if code != "mismatch" || !strings.Contains(refusal, `patient control number "WEBNOSUCH1" is not the claim's`) {
		t.Errorf("refusal %s: %q", code, refusal)
	}
	screenshot(t, ctx, "match-refused")
	var still struct{ Status string }
	s.api("/v1/claims/"+id, &still)
	if still.Status != "paid" {
		t.Errorf("after a refused match the claim is %s", still.Status)
	}

	do(t, ctx, "match forced", chromedp.Click(chromedp.ID("match-force")), chromedp.SendKeys(chromedp.ID("match-reason"), "the payer mistyped the PCN"),
		chromedp.Click(chromedp.ID("match-button")), chromedp.WaitVisible(chromedp.ID("resolved")))
	if by := eval[string](t, ctx, `document.getElementById("resolved-by").textContent`); by != "operator (alice)" {
		t.Errorf("resolved by %q", by)
	}
	screenshot(t, ctx, "matched")
	var moved struct {
		Status  string
		History []struct{ To, Kind, Actor string }
	}
	s.api("/v1/claims/"+id, &moved)
	if moved.Status != "reversed" {
		t.Errorf("after the match the claim is %s, want reversed: %+v", moved.Status, moved.History)
	}
	var e struct{ Status, Resolution, ClaimID string }
	s.api("/v1/exceptions/"+strconv.FormatInt(excID, 10), &e)
	if e.Status != "resolved" || e.Resolution != "matched" {
		t.Errorf("the exception: %+v", e)
	}
}
