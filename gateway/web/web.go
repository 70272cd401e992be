// Package web is the gateway's dashboard for operators and finance: pages
// served by the daemon beside the HTTP API, on the same listener
// (api.Options.Dashboard), with Go templates and a little plain
// JavaScript, embedded; nothing is fetched from elsewhere.
//
// The pages show what the API serves an authenticated caller, from the
// same ledger queries and reports: the pipeline now (now.go), claims
// (claims.go), outbound and payer files (files.go), exceptions and manual
// matching (exceptions.go), and finance (finance.go). Authentication is
// the API's tokens, given once on a sign-in page that sets a session
// cookie, and every POST is checked against cross-site forgery (auth.go).
// Requests are logged by route pattern, never by path or query: those
// may hold PHI. Money is integer cents throughout.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
)

//go:embed templates/*.html static/*
var files embed.FS

// Resolver matches exceptions by hand: the inbound processor, as for
// POST /v1/exceptions/{id}/match.
type Resolver interface {
	MatchException(ctx context.Context, id int64, m inbound.Match) (posted bool, err error)
}

// Options are what the dashboard needs beside the ledger.
type Options struct {
	Resolver Resolver // nil: matching by hand is not offered
	// Tokens are the API's: with any, every page needs a signed-in
	// session; without, the pages are open, as the API is.
	Tokens []config.Token
	Payers []string // the payer routes the Now page shows
	// CARC and RARC describe adjustment reason and remark codes (the
	// operator's files, code_sets.carc and code_sets.rarc); nil shows the
	// codes alone.
	CARC, RARC remit.ReasonCodes
	Log        zerolog.Logger
	Now        func() time.Time // nil: time.Now
	// ReportsFor is how long the finance pages show a report read whole
	// (aging, denials, rejections, daily) before reading it again, in the
	// background while the page shows the one read before: 0 means a
	// minute, a negative value reads it for every page. The CSV downloads
	// are always read then.
	ReportsFor time.Duration
}

// pageSize is the rows of a list page.
const pageSize = 50

type server struct {
	ledger  *ledger.Ledger
	opts    Options
	tokens  api.Tokens
	key     []byte // this process's key for sessions without a token
	pages   map[string]*template.Template
	mux     *http.ServeMux
	reports *reportCache
}

// New returns the dashboard's handler.
func New(l *ledger.Ledger, o Options) (http.Handler, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ReportsFor == 0 {
		o.ReportsFor = time.Minute
	}
	s := &server{ledger: l, opts: o, tokens: api.NewTokens(o.Tokens), key: newKey(), pages: map[string]*template.Template{}, mux: http.NewServeMux(),
		reports: newReportCache(o.ReportsFor, o.Now, o.Log)}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if name == "templates/layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", name)
		if err != nil {
			return nil, err
		}
		s.pages[strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")] = t
	}
	static, _ := fs.Sub(files, "static")
	for pattern, h := range map[string]http.HandlerFunc{
		"GET /{$}":                    s.now,
		"GET /sign-in":                s.signInPage,
		"POST /sign-in":               s.signIn,
		"POST /sign-out":              s.signOut,
		"GET /claims":                 s.claims,
		"GET /claims/{id}":            s.claim,
		"GET /files":                  s.files,
		"GET /files/{id}":             s.file,
		"GET /inbound":                s.inboundFiles,
		"GET /inbound/{sha256}":       s.inboundFile,
		"GET /exceptions":             s.exceptions,
		"GET /exceptions/{id}":        s.exception,
		"POST /exceptions/{id}/match": s.match,
		"GET /finance":                s.finance,
		"GET /finance/{report}":       s.finance,
		"GET /finance/{report}/csv":   s.financeCSV,
	} {
		s.mux.HandleFunc(pattern, h)
	}
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	return api.Logged(s.opts.Log, s.mux, s.authenticated(s.mux)), nil
}

// page is what every template gets: the page's own data, and the
// session's caller and CSRF token for its forms.
type page struct {
	Title  string
	Nav    string // the menu entry of the page
	Caller string
	CSRF   string
	Open   bool // no tokens: no sign-out
	Data   any
}

// render writes a page. Pages are not cached by the browser: they hold
// PHI (a claim's page) and change by the second.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name, title, nav string, data any) {
	sess := sessionOf(r)
	p := page{Title: title, Nav: nav, Caller: sess.caller, CSRF: sess.csrf, Open: len(s.tokens) == 0, Data: data}
	var b strings.Builder
	if err := s.pages[name].Execute(&b, p); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

// fail answers a ledger error: a page saying not found for ErrNotFound,
// else 500 with the details logged, not shown.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ledger.ErrNotFound) {
		s.problem(w, r, http.StatusNotFound, "Not found", "There is nothing with that id.")
		return
	}
	_, pattern := s.mux.Handler(r)
	s.opts.Log.Error().Err(err).Str("method", r.Method).Str("pattern", pattern).Msg("http request failed")
	s.problem(w, r, http.StatusInternalServerError, "Internal error", "The page could not be read; the log says why.")
}

// problem answers a page that says what went wrong.
func (s *server) problem(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	s.render(w, r, status, "problem", title, "", struct {
		Status  int
		Message string
	}{status, message})
}

// badQuery answers 400 for a query value that is not valid.
func (s *server) badQuery(w http.ResponseWriter, r *http.Request, message string) {
	s.problem(w, r, http.StatusBadRequest, "Bad query", message)
}

var funcs = template.FuncMap{
	"money": func(c money.Cents) string { return c.String() },
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"ago":   func(t time.Time) string { return ago(t, time.Now()) },
	"query": func(kv ...string) template.URL { return template.URL(queryOf(kv...)) },
	"short": func(s string) string {
		if len(s) > 12 {
			return s[:12] + "…"
		}
		return s
	},
	"itoa":        strconv.Itoa,
	"list":        func(s ...string) []string { return s },
	"claimStatus": remit.ClaimStatus,
	"group":       remit.AdjustmentGroup,
}

// queryOf is a query string of the keys and values given, those with a
// value.
func queryOf(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	return q.Encode()
}

// ago says how long before now t was, roughly: "3 s ago", "5 min ago".
func ago(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + " s ago"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + " h ago"
	}
	return strconv.Itoa(int(d.Hours()/24)) + " days ago"
}

// date parses a YYYY-MM-DD query value, "" as the zero time.
func date(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, v)
}
