// Package api is the gateway's HTTP API: encounters in, claims, files,
// dead letters and counts out, plus health, readiness and metrics.
//
// Responses are JSON with snake_case names, RFC 3339 UTC times and money as
// strings ("80.00"). Errors are {"error": {"code": ..., "message": ...}}.
// Request bodies and query values are never logged: they may hold PHI.
package api

import (
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/report"
)

// Intake takes an encounter as received (one JSON object) and queues it.
// duplicate is true when its id was seen before.
type Intake interface {
	// CheckEncounter scrubs an encounter as the intake stage will, against
	// its payer's route, and says whether its id's claim can take it.
	CheckEncounter(ctx context.Context, raw []byte) (id string, problems []encounter.Problem, err error)
	SubmitEncounter(ctx context.Context, raw []byte) (id string, duplicate bool, err error)
}

// Resolver resolves exceptions by hand: the inbound processor, which
// posts what it resolves as it would have, and publishes the claims'
// events.
type Resolver interface {
	MatchException(ctx context.Context, id int64, m inbound.Match) (posted bool, err error)
	PostException(ctx context.Context, id int64, actor, reason string) error
	DismissException(ctx context.Context, id int64, actor, reason string) error
}

// Resender sends a failed file's claims again: the deliverer.
type Resender interface {
	Resend(ctx context.Context, fileID, actor, reason string) (queued []string, err error)
}

// Options are the parts of the API outside the ledger and the intake.
type Options struct {
	// Resolver serves POST /v1/exceptions/{id}/match, post and dismiss;
	// Resender POST /v1/files/{id}/resend. nil answers 503.
	Resolver Resolver
	Resender Resender
	Ready    func(ctx context.Context) error // nil error: ready; nil func: always ready
	Metrics  http.Handler                    // served at /metrics when set
	Log      zerolog.Logger
	// Tokens, when given, are the API's callers: each request needs
	// "Authorization: Bearer <token>" with one of them, and is logged with
	// the caller's name. Health, readiness and metrics stay open.
	Tokens []config.Token
	// Dashboard, when set, serves every path outside the API's (/v1/...,
	// /healthz, /readyz, /metrics): the operators' pages (gateway/web),
	// which authenticate their requests themselves, with the same tokens.
	Dashboard http.Handler
}

// maxBody is the largest encounter accepted: the contract's limit, which
// intake holds encounters from NATS to as well. A body over it is refused
// before it is read whole.
const maxBody = encounter.MaxBytes

type server struct {
	ledger *ledger.Ledger
	intake Intake
	opts   Options
	tokens Tokens
}

// Tokens are the callers' tokens, each kept as its SHA-256 and compared
// in constant time.
type Tokens []tokenHash

type tokenHash struct {
	name string
	sum  [sha256.Size]byte
}

// NewTokens keeps the tokens of a configuration.
func NewTokens(tokens []config.Token) Tokens {
	var out Tokens
	for _, t := range tokens {
		out = append(out, tokenHash{t.Name, sha256.Sum256([]byte(t.Value))})
	}
	return out
}

// Caller is the name of the token given, "" when it is none of them.
// Every token is compared, in constant time.
func (ts Tokens) Caller(token string) string {
	if token == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(token))
	name := ""
	for _, t := range ts {
		if subtle.ConstantTimeCompare(sum[:], t.sum[:]) == 1 {
			name = t.name
		}
	}
	return name
}

// Sum is the SHA-256 of the token of a caller, false for an unknown name:
// what the dashboard keys its session cookies with, so that a cookie ends
// with its token.
func (ts Tokens) Sum(name string) ([sha256.Size]byte, bool) {
	for _, t := range ts {
		if t.name == name {
			return t.sum, true
		}
	}
	return [sha256.Size]byte{}, false
}

// New returns the API's handler.
func New(l *ledger.Ledger, in Intake, opts Options) http.Handler {
	s := &server{ledger: l, intake: in, opts: opts, tokens: NewTokens(opts.Tokens)}
	mux := http.NewServeMux()
	for pattern, h := range map[string]http.HandlerFunc{
		"POST /v1/encounters":              s.submitEncounter,
		"GET /v1/claims":                   s.listClaims,
		"GET /v1/claims/{id}":              s.getClaim,
		"GET /v1/claims/{id}/history":      s.getHistory,
		"GET /v1/files":                    s.listFiles,
		"GET /v1/files/{id}":               s.getFile,
		"GET /v1/files/{id}/content":       s.getFileContent,
		"POST /v1/files/{id}/resend":       s.resendFile,
		"GET /v1/inbound-files":            s.listInbound,
		"GET /v1/inbound-files/{sha256}":   s.getInbound,
		"GET /v1/dead-letters":             s.listDeadLetters,
		"GET /v1/stats":                    s.stats,
		"GET /v1/exceptions/{id}":          s.getException,
		"POST /v1/exceptions/{id}/match":   s.matchException(),
		"POST /v1/exceptions/{id}/post":    s.postException(),
		"POST /v1/exceptions/{id}/dismiss": s.dismissException(),
		"GET /healthz":                     func(w http.ResponseWriter, r *http.Request) { text(w, http.StatusOK, "ok") },
		"GET /readyz":                      s.readyz,
	} {
		mux.HandleFunc(pattern, h)
	}
	for name, e := range report.Reports {
		mux.HandleFunc(cmp.Or(reportPaths[name], "GET /v1/recon/"+name), s.serve(e))
	}
	if opts.Metrics != nil {
		mux.Handle("GET /metrics", opts.Metrics)
	}
	h := Logged(s.opts.Log, mux, s.authenticated(mux))
	if opts.Dashboard == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsAPIPath(r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		opts.Dashboard.ServeHTTP(w, r)
	})
}

// IsAPIPath reports whether a path is the API's: under /v1/, or health,
// readiness and metrics. The dashboard has the others.
func IsAPIPath(path string) bool {
	return path == "/v1" || strings.HasPrefix(path, "/v1/") || openPaths[path]
}

// Logged logs each request: method, the route's pattern in mux (not the
// path, nor the query: they may hold PHI), the caller's name (SetCaller),
// status, size and duration. The pattern is the mux's own answer, not the
// request's: a handler in between (authenticated) hands the mux a copy of
// the request. The dashboard's pages are logged so too.
func Logged(log zerolog.Logger, mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		_, pattern := mux.Handler(r)
		ev := log.Info().Str("method", r.Method).Str("pattern", pattern)
		if rec.caller != "" {
			ev = ev.Str("caller", rec.caller)
		}
		ev.Int("status", rec.status).Int("bytes", rec.bytes).Dur("duration", time.Since(start)).Msg("http request")
	})
}

// SetCaller names the caller of a request that Logged logs.
func SetCaller(w http.ResponseWriter, name string) {
	if rec, ok := w.(*recorder); ok {
		rec.caller = name
	}
}

// openPaths need no token: they hold no PHI, and probes and Prometheus
// reach them.
var openPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// authenticated lets a request through only with a known token, when
// there are tokens, unless its path is open; and tells the handler and the
// log who called.
func (s *server) authenticated(next http.Handler) http.Handler {
	if len(s.tokens) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if openPaths[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		name := s.caller(r.Header.Get("Authorization"))
		if name == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="claimsgw"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "a valid API token is required: Authorization: Bearer <token>")
			return
		}
		SetCaller(w, name)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, name)))
	})
}

// caller returns the name of the token an Authorization header carries,
// or "".
func (s *server) caller(header string) string {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return s.tokens.Caller(strings.TrimSpace(token))
}

type callerKey struct{}

// callerName is the name of the token the request came with: "" when the
// API takes requests without tokens.
func callerName(ctx context.Context) string {
	name, _ := ctx.Value(callerKey{}).(string)
	return name
}

// recorder remembers the status and size of a response, and the caller.
type recorder struct {
	http.ResponseWriter
	status, bytes int
	caller        string
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.opts.Ready != nil {
		if err := s.opts.Ready(r.Context()); err != nil {
			text(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
			return
		}
	}
	text(w, http.StatusOK, "ok")
}

func text(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(msg + "\n"))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var b errorBody
	b.Error.Code, b.Error.Message = code, msg
	writeJSON(w, status, b)
}

// fail answers a ledger or intake error: 404 for ErrNotFound, else 500
// with the details logged, not sent.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ledger.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", "not found")
		return
	}
	s.opts.Log.Error().Err(err).Str("method", r.Method).Str("pattern", r.Pattern).Msg("http request failed")
	writeError(w, http.StatusInternalServerError, "internal", "internal error")
}
