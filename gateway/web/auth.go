package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/gateway/api"
)

// Authentication, as the API's: without tokens the pages are open (the
// daemon listens on loopback then, or a proxy in front authenticates);
// with tokens a person signs in once with one, and gets a session cookie
// (HttpOnly, SameSite=Strict, Secure over TLS) that names the token's
// caller and ends with the token (it is keyed by the token's SHA-256, so
// every replica reads it, and a token removed from the file ends its
// sessions). A page asked for without a session goes to the sign-in page.
//
// Every POST must come from a page of the dashboard: its Origin (when the
// browser sends one, as browsers do for a POST) is this host, and its form
// holds the session's CSRF token, an HMAC of the session cookie that a
// page of another site can neither read nor make. Without tokens a
// browser gets a session of its own for that, keyed by this process.

const (
	cookieName = "claimsgw_session"
	sessionFor = 12 * time.Hour
	maxForm    = 64 << 10
)

// session is who a request comes from and its forms' CSRF token.
type session struct {
	caller string // the token's name; "" for a session without a token
	csrf   string
}

type sessionKey struct{}

func sessionOf(r *http.Request) session {
	s, _ := r.Context().Value(sessionKey{}).(session)
	return s
}

func newKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

func mac(key []byte, parts ...string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// userKey keys the sessions of a caller: from its token's SHA-256, so
// that they end with the token. ok is false for a caller without a token.
func (s *server) userKey(caller string) ([]byte, bool) {
	sum, ok := s.tokens.Sum(caller)
	if !ok {
		return nil, false
	}
	k := sha256.Sum256(append([]byte("claimsgw dashboard session\x00"), sum[:]...))
	return k[:], true
}

// session reads the request's session cookie: "user.NAME.EXPIRY.MAC" for
// a signed-in caller, "anon.NONCE.MAC" for a browser without a token.
func (s *server) session(r *http.Request) (session, bool) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return session{}, false
	}
	parts := strings.Split(c.Value, ".")
	switch {
	case len(parts) == 4 && parts[0] == "user":
		name, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			return session{}, false
		}
		key, ok := s.userKey(string(name))
		exp, err := strconv.ParseInt(parts[2], 10, 64)
		if !ok || err != nil || time.Unix(exp, 0).Before(s.opts.Now()) || !equal(parts[3], mac(key, parts[:3]...)) {
			return session{}, false
		}
		return session{caller: string(name), csrf: mac(key, "csrf", c.Value)}, true
	case len(parts) == 3 && parts[0] == "anon":
		if !equal(parts[2], mac(s.key, parts[:2]...)) {
			return session{}, false
		}
		return session{csrf: mac(s.key, "csrf", c.Value)}, true
	}
	return session{}, false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// setCookie sets the session cookie: for a whole browser session when
// maxAge is 0, removed when it is negative.
func setCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"})
}

// anonymous starts a session without a token, and sets its cookie.
func (s *server) anonymous(w http.ResponseWriter, r *http.Request) session {
	nonce := make([]byte, 16)
	rand.Read(nonce)
	v := "anon." + base64.RawURLEncoding.EncodeToString(nonce)
	v += "." + mac(s.key, strings.Split(v, ".")...)
	setCookie(w, r, v, 0)
	return session{csrf: mac(s.key, "csrf", v)}
}

// authenticated lets a request through with a session, when the
// dashboard has tokens, and every POST only from its own pages.
func (s *server) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin") // not "no-referrer": with it a browser sends its POSTs with Origin: null
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		sess, ok := s.session(r)
		signingIn := r.URL.Path == "/sign-in"
		if !ok && (len(s.tokens) == 0 || signingIn) {
			sess = s.anonymous(w, r) // a POST with it fails its CSRF check below
		}
		ctx := context.WithValue(r.Context(), sessionKey{}, sess)
		r = r.WithContext(ctx)
		if len(s.tokens) > 0 && sess.caller == "" && !signingIn {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/sign-in?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
				return
			}
			s.problem(w, r, http.StatusForbidden, "Forbidden", "Sign in first.")
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if !sameOrigin(r) || !equal(r.PostFormValue("csrf"), sess.csrf) {
				s.problem(w, r, http.StatusForbidden, "Forbidden",
					"The form did not come from this dashboard's page, or the page is older than the session: open the page again and resend it.")
				return
			}
		}
		api.SetCaller(w, sess.caller)
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether a POST may come from this dashboard's own
// page: the browser says it is not cross-site, and its Origin, when it
// sends one, is this host.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true // an older browser or a script: the CSRF token decides
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Host == r.Host || u.Host == r.Header.Get("X-Forwarded-Host")
}

// localPath is where a sign-in goes next: a path of this dashboard, else /.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

type signInData struct {
	Next    string
	Message string
}

func (s *server) signInPage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if len(s.tokens) == 0 {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signin", "Sign in", "", signInData{Next: next})
}

// signIn takes a token from the sign-in form: a session for its caller.
func (s *server) signIn(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.PostFormValue("next"))
	if len(s.tokens) == 0 {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	caller := s.tokens.Caller(strings.TrimSpace(r.PostFormValue("token")))
	key, ok := s.userKey(caller)
	if caller == "" || !ok {
		s.render(w, r, http.StatusUnauthorized, "signin", "Sign in", "", signInData{Next: next, Message: "That is not one of the gateway's API tokens."})
		return
	}
	v := "user." + base64.RawURLEncoding.EncodeToString([]byte(caller)) + "." + strconv.FormatInt(s.opts.Now().Add(sessionFor).Unix(), 10)
	v += "." + mac(key, strings.Split(v, ".")...)
	setCookie(w, r, v, int(sessionFor.Seconds()))
	s.opts.Log.Info().Str("caller", caller).Msg("dashboard sign-in")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *server) signOut(w http.ResponseWriter, r *http.Request) {
	setCookie(w, r, "", -1)
	http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
}
