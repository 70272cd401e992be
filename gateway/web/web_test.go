package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/gateway/web"
	"github.com/claimsgw/claimsgw/x12/remit"
)

// Plain HTTP tests of the pages, the sign-in, the session cookie and the
// CSRF checks, on a ledger of SeedRecon's claims; the browser tests are in
// browser_test.go.

const token = "0123456789abcdef0123456789abcdef"

// fakeResolver records the matches it is given; claim "C6" matches, any
// other is refused as an unknown claim.
type fakeResolver struct {
	mu      sync.Mutex
	matches []inbound.Match
}

func (f *fakeResolver) MatchException(ctx context.Context, id int64, m inbound.Match) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.matches = append(f.matches, m)
	if m.ClaimID != "C6" {
		return false, ledger.ErrUnknownClaim
	}
	return true, nil
}

type fixture struct {
	srv      *httptest.Server
	resolver *fakeResolver
	log      *bytes.Buffer
	seed     ledgertest.Recon
}

func newFixture(t *testing.T, tokens []config.Token, tls bool) *fixture {
	t.Helper()
	return newFixtureOn(t, ledgertest.SQLite(t), tokens, tls)
}

func newFixtureOn(t *testing.T, l *ledger.Ledger, tokens []config.Token, tls bool) *fixture {
	t.Helper()
	f := &fixture{resolver: &fakeResolver{}, log: &bytes.Buffer{}, seed: ledgertest.SeedRecon(t, l)}
	h, err := web.New(l, web.Options{Resolver: f.resolver, Tokens: tokens, Payers: []string{"SIMPAYER", "OTHER"}, Log: zerolog.New(f.log),
		CARC: remit.ReasonCodes{"45": "Charge exceeds fee schedule"}, RARC: remit.ReasonCodes{"M15": "Separately billed services have been bundled"}})
	if err != nil {
		t.Fatal(err)
	}
	if tls {
		f.srv = httptest.NewTLSServer(h)
	} else {
		f.srv = httptest.NewServer(h)
	}
	t.Cleanup(f.srv.Close)
	return f
}

// client is a browser of the fixture's server: it keeps cookies, and
// follows no redirect.
func (f *fixture) client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := *f.srv.Client() // a copy: the server's client is shared
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// post sends a form as the dashboard's own page does (Origin: the server).
func post(t *testing.T, c *http.Client, u string, form url.Values, origin string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field in the page:\n%s", page)
	}
	return m[1]
}

// Every page renders from the ledger, with the ids the browser tests read,
// on each database.
func TestPages(t *testing.T) {
	ledgertest.Each(t, testPages)
}

func testPages(t *testing.T, l *ledger.Ledger) {
	f := newFixtureOn(t, l, nil, false)
	c := f.client(t)
	for _, p := range []struct{ path, want string }{
		{"/", `id="count-paid" data-count="3"`},
		{"/", `id="open-exceptions" data-count="1"`},
		{"/", `id="chart-throughput"`},
		{"/", `data-payer="SIMPAYER"`},
		{"/claims", `data-claim-id="C1"`},
		{"/claims?status=rejected", `data-claim-id="C8"`},
		{"/claims?payer=OTHER", `data-claim-id="C7"`},
		{"/claims?pcn=PCN-C5", `data-claim-id="C5"`},
		{"/claims?billing_npi=1234567893", `data-claim-id="C2"`},
		{"/claims/C2", `id="claim-charge">200.00<`},
		{"/claims/C2", `Charge exceeds fee schedule`},
		{"/claims/C2", `Separately billed services have been bundled`},
		{"/claims/C2", `contractual obligations`},
		{"/files", `id="files"`},
		{"/inbound", `id="inbound"`},
		// A payer file's page: the claims it moved, each with its change.
		{"/inbound/" + f.seed.SHA1, `id="inbound-moved" data-count="5"`},
		{"/inbound/" + f.seed.SHA1, `<tr data-claim-id="C2"><td><a href="/claims/C2">C2</a></td><td>submitted</td><td>partially_paid</td><td>0001</td><td class="num">20</td>`},
		{"/inbound/" + f.seed.SHA1, `None read: the file is not X12.`},
		{"/exceptions", `data-exception-id="`},
		{"/exceptions/" + itoa(f.seed.ExceptionID), `id="match-form"`},
		{"/finance", `<td data-col="trace_number" >TRACE1</td>`},
		{"/finance", `id="chart-payments"`},
		{"/finance/aging", `id="report-aging"`},
		{"/finance/denials", `<td data-col="carc" >97</td>`},
		{"/finance/rejections", `A7:164:IL`},
		{"/finance/daily", `id="chart-daily"`},
	} {
		resp, body := get(t, c, f.srv.URL+p.path)
		if resp.StatusCode != 200 || !strings.Contains(body, p.want) {
			t.Errorf("GET %s: %d, want 200 with %s:\n%s", p.path, resp.StatusCode, p.want, body)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q", p.path, cc)
		}
	}
	for _, p := range []struct {
		path   string
		status int
	}{{"/claims/NOSUCH", 404}, {"/claims?status=nope", 400}, {"/claims?from=11/20", 400}, {"/exceptions/x", 404}, {"/finance/nope", 404}, {"/nope", 404}} {
		if resp, _ := get(t, c, f.srv.URL+p.path); resp.StatusCode != p.status {
			t.Errorf("GET %s: %d, want %d", p.path, resp.StatusCode, p.status)
		}
	}
	// The CSV is the CLI's: the report's rows.
	resp, body := get(t, c, f.srv.URL+"/finance/denials/csv?payer=SIMPAYER")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(body, "payer_id,group_code,carc,rarc,count,claims,amount\n") {
		t.Errorf("denials CSV: %d %q\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	// Nothing of a query or a page is logged: the route's pattern only.
	get(t, c, f.srv.URL+"/claims?pcn=PCN-C5")
	if log := f.log.String(); strings.Contains(log, "PCN-C5") || !strings.Contains(log, `"pattern":"GET /claims"`) {
		t.Errorf("the log:\n%s", log)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Without tokens the pages are open, as the API is; a POST still needs
// the page's CSRF token and the page's origin.
func TestOpenPagesCheckPosts(t *testing.T) {
	f := newFixture(t, nil, false)
	c := f.client(t)
	exc := f.srv.URL + "/exceptions/" + itoa(f.seed.ExceptionID)
	resp, page := get(t, c, exc)
	if resp.StatusCode != 200 {
		t.Fatalf("GET exception: %d", resp.StatusCode)
	}
	cookie := resp.Header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") || strings.Contains(cookie, "Secure") {
		t.Errorf("session cookie: %s", cookie)
	}
	csrf := csrfOf(t, page)
	form := url.Values{"claim_id": {"C6"}, "actor": {"alice"}}
	for _, bad := range []struct {
		name   string
		form   url.Values
		origin string
		client *http.Client
	}{
		{"no CSRF token", form, f.srv.URL, c},
		{"a wrong CSRF token", with(form, "csrf", csrf+"x"), f.srv.URL, c},
		{"another site's origin", with(form, "csrf", csrf), "https://evil.example", c},
		{"a browser without the session", with(form, "csrf", csrf), f.srv.URL, f.client(t)},
	} {
		if resp, _ := post(t, bad.client, exc+"/match", bad.form, bad.origin); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", bad.name, resp.StatusCode)
		}
	}
	if len(f.resolver.matches) != 0 {
		t.Fatalf("refused posts reached the resolver: %+v", f.resolver.matches)
	}
	// Refused by the resolver: the API's words, with its status.
	resp, page = post(t, c, exc+"/match", with(url.Values{"claim_id": {"NOSUCH"}, "actor": {"alice"}}, "csrf", csrf), f.srv.URL)
	if resp.StatusCode != 422 || !strings.Contains(page, `data-code="unknown_claim">Refused: no claim with that id`) {
		t.Errorf("unknown claim: %d\n%s", resp.StatusCode, page)
	}
	// A forced match needs a reason, as in the API.
	resp, page = post(t, c, exc+"/match", with(url.Values{"claim_id": {"C6"}, "actor": {"alice"}, "force": {"on"}}, "csrf", csrf), f.srv.URL)
	if resp.StatusCode != 400 || !strings.Contains(page, "reason is required to force a match") {
		t.Errorf("forced without a reason: %d\n%s", resp.StatusCode, page)
	}
	resp, _ = post(t, c, exc+"/match", with(url.Values{"claim_id": {"C6"}, "actor": {"alice"}}, "csrf", csrf), "")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/exceptions/"+itoa(f.seed.ExceptionID)+"?matched=1" {
		t.Errorf("match: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := len(f.resolver.matches); n != 2 || f.resolver.matches[1] != (inbound.Match{ClaimID: "C6", Actor: "alice"}) {
		t.Errorf("matches: %+v", f.resolver.matches)
	}
}

func with(v url.Values, key, value string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	out.Set(key, value)
	return out
}

// With tokens a page without a session goes to the sign-in page; a token
// signs in, its caller is who matched; the session cookie is Secure over
// TLS and ends with its token.
func TestSignIn(t *testing.T) {
	tokens := []config.Token{{Name: "finance-app", Value: token}}
	f := newFixture(t, tokens, true)
	c := f.client(t)
	resp, _ := get(t, c, f.srv.URL+"/claims?status=paid")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sign-in?next=%2Fclaims%3Fstatus%3Dpaid" {
		t.Fatalf("a page without a session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := post(t, c, f.srv.URL+"/exceptions/1/match", url.Values{"claim_id": {"C6"}}, f.srv.URL); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a POST without a session: %d", resp.StatusCode)
	}
	resp, page := get(t, c, f.srv.URL+"/sign-in?next=%2Fclaims%3Fstatus%3Dpaid")
	if resp.StatusCode != 200 || !strings.Contains(page, `id="sign-in"`) {
		t.Fatalf("sign-in page: %d\n%s", resp.StatusCode, page)
	}
	csrf := csrfOf(t, page)
	if resp, _ := post(t, c, f.srv.URL+"/sign-in", url.Values{"token": {token}, "next": {"/claims"}}, f.srv.URL); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in without the form's CSRF token: %d", resp.StatusCode)
	}
	resp, page = post(t, c, f.srv.URL+"/sign-in", url.Values{"token": {"wrong" + token}, "csrf": {csrf}}, f.srv.URL)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "That is not one of the gateway&#39;s API tokens.") {
		t.Errorf("a wrong token: %d", resp.StatusCode)
	}
	resp, _ = post(t, c, f.srv.URL+"/sign-in", url.Values{"token": {token}, "csrf": {csrf}, "next": {"/claims?status=paid"}}, f.srv.URL)
	cookie := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/claims?status=paid" ||
		!strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") || !strings.Contains(cookie, "Secure") {
		t.Fatalf("sign-in: %d %s; cookie %s", resp.StatusCode, resp.Header.Get("Location"), cookie)
	}
	if strings.Contains(f.log.String(), token) {
		t.Errorf("the token is in the log:\n%s", f.log)
	}
	resp, page = get(t, c, f.srv.URL+"/exceptions/"+itoa(f.seed.ExceptionID))
	if resp.StatusCode != 200 || !strings.Contains(page, `<span id="caller">finance-app</span>`) {
		t.Fatalf("signed in: %d\n%s", resp.StatusCode, page)
	}
	csrf = csrfOf(t, page)
	resp, _ = post(t, c, f.srv.URL+"/exceptions/"+itoa(f.seed.ExceptionID)+"/match", url.Values{"claim_id": {"C6"}, "actor": {"alice"}, "csrf": {csrf}}, f.srv.URL)
	if resp.StatusCode != http.StatusSeeOther || len(f.resolver.matches) != 1 || f.resolver.matches[0].Actor != "finance-app (alice)" {
		t.Errorf("match signed in: %d, %+v", resp.StatusCode, f.resolver.matches)
	}
	// next is a path of the dashboard only.
	resp, _ = post(t, c, f.srv.URL+"/sign-in", url.Values{"token": {token}, "csrf": {csrf}, "next": {"//evil.example/"}}, f.srv.URL)
	if resp.Header.Get("Location") != "/" {
		t.Errorf("sign-in to another site: %s", resp.Header.Get("Location"))
	}

	// The same cookie on a dashboard whose tokens changed: signed out.
	u, _ := url.Parse(f.srv.URL)
	var session *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		session = ck
	}
	other := newFixture(t, []config.Token{{Name: "finance-app", Value: "another-token-another-token-0123"}}, true)
	req, _ := http.NewRequest(http.MethodGet, other.srv.URL+"/", nil)
	req.AddCookie(session)
	oc := other.client(t)
	resp, err := oc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a cookie of another token: %d", resp.StatusCode)
	}

	// Signing out needs the CSRF token too, then ends the session.
	if resp, _ := post(t, c, f.srv.URL+"/sign-out", url.Values{}, f.srv.URL); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-out without CSRF: %d", resp.StatusCode)
	}
	if resp, _ := post(t, c, f.srv.URL+"/sign-out", url.Values{"csrf": {csrf}}, f.srv.URL); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-out: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, f.srv.URL+"/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", resp.StatusCode)
	}
}

// A finance page keeps a report read whole for ReportsFor: younger, it
// shows it as read; older, it shows it still while reading it again in
// the background, and the next page has the new one.
func TestReportsKept(t *testing.T) {
	l := ledgertest.SQLite(t)
	ledgertest.SeedRecon(t, l)
	var mu sync.Mutex
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	h, err := web.New(l, web.Options{Log: zerolog.Nop(), Now: clock, ReportsFor: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	readAt := regexp.MustCompile(`id="read-at">Read at ([^;]+);`)
	at := func() string {
		_, page := get(t, srv.Client(), srv.URL+"/finance/denials")
		m := readAt.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no read-at:\n%s", page)
		}
		return m[1]
	}
	if got := at(); got != "2026-11-23 12:00:00Z" {
		t.Fatalf("first read at %s", got)
	}
	advance(30 * time.Second)
	if got := at(); got != "2026-11-23 12:00:00Z" {
		t.Errorf("30 s later: read at %s, want the one kept", got)
	}
	advance(time.Minute)
	if got := at(); got != "2026-11-23 12:00:00Z" {
		t.Errorf("90 s later: read at %s, want the one kept while it is read again", got)
	}
	for deadline := time.Now().Add(10 * time.Second); at() != "2026-11-23 12:01:30Z"; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the report was not read again")
		}
	}
}
