package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// Exceptions: the queue, one exception's page, and matching one to a
// claim by hand with the rules and refusals of
// POST /v1/exceptions/{id}/match (the same Resolver, the same checks).

type exceptionsData struct {
	Status     string // open, resolved, all
	After      int64
	Exceptions []ledger.ExceptionInfo
	Next       int64
}

func (s *server) exceptions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := exceptionsData{Status: q.Get("status")}
	status := d.Status
	switch d.Status {
	case "":
		d.Status, status = "open", "open"
	case "all":
		status = ""
	case "open", "resolved":
	default:
		s.badQuery(w, r, "status: want open, resolved or all")
		return
	}
	if v := q.Get("after"); v != "" {
		var err error
		if d.After, err = strconv.ParseInt(v, 10, 64); err != nil || d.After < 0 {
			s.badQuery(w, r, "after: want the next of the previous page")
			return
		}
	}
	var err error
	if d.Exceptions, err = s.ledger.Exceptions(r.Context(), ledger.ExceptionFilter{Status: status, After: d.After, Limit: pageSize + 1}); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(d.Exceptions) > pageSize {
		d.Exceptions, d.Next = d.Exceptions[:pageSize], d.Exceptions[pageSize-1].ID
	}
	s.render(w, r, http.StatusOK, "exceptions", "Exceptions", "exceptions", d)
}

// matchForm is what the match form was sent with, shown again with why it
// was refused.
type matchForm struct {
	ClaimID, Actor, Reason string
	Force                  bool
	Refusal                string // in words
	Code                   string // the API's error code for it
	Matched                bool
}

type exceptionData struct {
	*ledger.ExceptionInfo
	CanMatch bool
	Form     matchForm
}

func (s *server) exception(w http.ResponseWriter, r *http.Request) {
	s.showException(w, r, http.StatusOK, matchForm{Matched: r.URL.Query().Get("matched") == "1"})
}

func (s *server) showException(w http.ResponseWriter, r *http.Request, status int, form matchForm) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.fail(w, r, ledger.ErrNotFound)
		return
	}
	e, err := s.ledger.Exception(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "exception", "Exception "+strconv.FormatInt(id, 10), "exceptions",
		exceptionData{ExceptionInfo: e, CanMatch: s.opts.Resolver != nil && e.Status == "open", Form: form})
}

// match matches an exception to a claim from the form: the claim, who
// (with tokens, the caller's name and the actor after it, as the API
// records it), force and why. A refusal is shown on the page, in words,
// with the API's status (409 or 422).
func (s *server) match(w http.ResponseWriter, r *http.Request) {
	form := matchForm{ClaimID: strings.TrimSpace(r.PostFormValue("claim_id")), Actor: strings.TrimSpace(r.PostFormValue("actor")),
		Reason: strings.TrimSpace(r.PostFormValue("reason")), Force: r.PostFormValue("force") == "on"}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.fail(w, r, ledger.ErrNotFound)
		return
	}
	if s.opts.Resolver == nil {
		form.Refusal, form.Code = "resolving exceptions is not available here", "unavailable"
		s.showException(w, r, http.StatusServiceUnavailable, form)
		return
	}
	actor := api.Actor(sessionOf(r).caller, form.Actor)
	if lack := api.CheckMatch(form.ClaimID, actor, form.Reason, form.Force); lack != "" {
		form.Refusal, form.Code = strings.Replace(lack, "claim_id", "the claim", 1), "bad_body"
		s.showException(w, r, http.StatusBadRequest, form)
		return
	}
	_, err = s.opts.Resolver.MatchException(r.Context(), id, inbound.Match{ClaimID: form.ClaimID, Actor: actor, Force: form.Force, Reason: form.Reason})
	if err != nil {
		status, code, msg, ok := api.Refusal(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		form.Refusal, form.Code = msg, code
		s.showException(w, r, status, form)
		return
	}
	http.Redirect(w, r, "/exceptions/"+strconv.FormatInt(id, 10)+"?matched=1", http.StatusSeeOther)
}
