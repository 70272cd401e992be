package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/report"
)

// The exceptions, and what a person does with one: match it to a claim,
// post a payment that did not balance anyway, dismiss it.

// exceptionStatus reads the status of the exceptions listed (open,
// resolved or all, "" for both), answering 400 when it is another.
func exceptionStatus(w http.ResponseWriter, r *http.Request) (string, bool) {
	status := r.URL.Query().Get("status")
	switch status {
	case "all":
		status = ""
	case "", "open", "resolved":
	default:
		writeError(w, http.StatusBadRequest, "bad_query", "status: want open, resolved or all")
		return "", false
	}
	return status, true
}

// action is the body of a POST that acts on an exception or a file: who
// (with tokens, the caller's name, and the actor after it when one is
// given: "finance-app (alice)"; without, the actor is required) and why.
type action struct {
	ClaimID string `json:"claim_id"` // match
	Force   bool   `json:"force"`    // match
	Actor   string `json:"actor"`
	Reason  string `json:"reason"`
}

// readAction reads an action's body (the check of what it needs is the
// action's): false when it answered already.
func readAction(w http.ResponseWriter, r *http.Request) (action, bool) {
	var a action
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		writeError(w, http.StatusBadRequest, "bad_json", `the body must be one JSON object such as {"actor": "...", "reason": "..."}`)
		return a, false
	}
	a.ClaimID, a.Actor, a.Reason = strings.TrimSpace(a.ClaimID), strings.TrimSpace(a.Actor), strings.TrimSpace(a.Reason)
	a.Actor = Actor(callerName(r.Context()), a.Actor)
	return a, true
}

// Actor is who did an action: the caller's name (the token's, "" without
// tokens) and the actor the person gave after it, "finance-app (alice)".
func Actor(caller, actor string) string {
	switch {
	case caller == "" || actor == caller:
		return actor
	case actor == "":
		return caller
	}
	return caller + " (" + actor + ")"
}

// needsReason is an action's check that it says who and why.
func needsReason(a action) string {
	if a.Actor == "" || a.Reason == "" {
		return "actor and reason are required"
	}
	return ""
}

// resolving serves one of the Resolver's actions on the exception in the
// path: check says what the body lacks ("" when nothing), do acts; the
// answer is the exception as it stands after it.
func (s *server) resolving(check func(a action) string, do func(r *http.Request, id int64, a action) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			writeError(w, http.StatusNotFound, "not_found", "not found")
			return
		}
		a, ok := readAction(w, r)
		if !ok {
			return
		}
		if lack := check(a); lack != "" {
			writeError(w, http.StatusBadRequest, "bad_body", lack)
			return
		}
		if s.opts.Resolver == nil {
			writeError(w, http.StatusServiceUnavailable, "unavailable", "resolving exceptions is not available here")
			return
		}
		if err := do(r, id, a); err != nil {
			if status, code, msg, ok := Refusal(err); ok {
				writeError(w, status, code, msg)
			} else {
				s.fail(w, r, err)
			}
			return
		}
		e, err := s.ledger.Exception(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, report.NewException(*e))
	}
}

// Refusal is what the API answers for an error of a Resolver's action
// that refuses it (status 409 or 422, the error code and a message in
// words); ok is false for any other error (500). The dashboard shows the
// same words.
func Refusal(err error) (status int, code, message string, ok bool) {
	var mismatch *inbound.MismatchError
	switch {
	case errors.Is(err, ledger.ErrResolved):
		return http.StatusConflict, "already_resolved", "the exception is already resolved", true
	case errors.Is(err, ledger.ErrUnknownClaim):
		return http.StatusUnprocessableEntity, "unknown_claim", "no claim with that id", true
	case errors.Is(err, ledger.ErrOtherPayer):
		return http.StatusUnprocessableEntity, "other_payer", "the claim belongs to another payer than the exception's file", true
	case errors.As(err, &mismatch):
		return http.StatusUnprocessableEntity, "mismatch", err.Error(), true
	case errors.As(err, new(*inbound.RefusedError)), errors.Is(err, inbound.ErrNotPostable):
		return http.StatusUnprocessableEntity, "not_postable", err.Error(), true
	case errors.Is(err, inbound.ErrGrouped):
		return http.StatusUnprocessableEntity, "grouped", err.Error(), true
	}
	return 0, "", "", false
}

// CheckMatch says what a manual match lacks ("" when nothing): a claim
// and who, and a reason when forced.
func CheckMatch(claimID, actor, reason string, force bool) string {
	switch {
	case claimID == "" || actor == "":
		return "claim_id and actor are required"
	case force && reason == "":
		return "reason is required to force a match"
	}
	return ""
}

// matchException matches an exception to a claim:
// {"claim_id", "actor", "force", "reason"}; a CLP that does not fit the
// claim is 422 mismatch unless forced, with a reason; an exception that
// groups many items 422 grouped.
func (s *server) matchException() http.HandlerFunc {
	return s.resolving(func(a action) string { return CheckMatch(a.ClaimID, a.Actor, a.Reason, a.Force) }, func(r *http.Request, id int64, a action) error {
		_, err := s.opts.Resolver.MatchException(r.Context(), id, inbound.Match{ClaimID: a.ClaimID, Actor: a.Actor, Force: a.Force, Reason: a.Reason})
		return err
	})
}

// postException posts a payment held back because it did not balance:
// {"actor", "reason"}.
func (s *server) postException() http.HandlerFunc {
	return s.resolving(needsReason, func(r *http.Request, id int64, a action) error {
		return s.opts.Resolver.PostException(r.Context(), id, a.Actor, a.Reason)
	})
}

// dismissException closes an exception, applying nothing:
// {"actor", "reason"}.
func (s *server) dismissException() http.HandlerFunc {
	return s.resolving(needsReason, func(r *http.Request, id int64, a action) error {
		return s.opts.Resolver.DismissException(r.Context(), id, a.Actor, a.Reason)
	})
}

// getException serves one exception, as GET /v1/exceptions lists it.
func (s *server) getException(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		writeError(w, http.StatusNotFound, "not_found", "not found")
		return
	}
	e, err := s.ledger.Exception(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, report.NewException(*e))
}
