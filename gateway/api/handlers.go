package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// Page sizes of the listings.
const (
	defaultLimit = 100
	maxLimit     = 500
)

func (s *server) submitEncounter(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusBadRequest, "body_too_large", "the encounter is larger than 1 MiB")
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "bad_body", "the body could not be read")
		return
	}
	if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) == 0 || t[0] != '{' || !json.Valid(raw) {
		writeError(w, http.StatusBadRequest, "bad_json", "the body must be one JSON object")
		return
	}
	id, problems, err := s.intake.CheckEncounter(r.Context(), raw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if encounter.HasErrors(problems) {
		var b struct {
			errorBody
			ID       string              `json:"id"`
			Problems []encounter.Problem `json:"problems"`
		}
		b.Error.Code, b.Error.Message = "invalid_encounter", "the encounter has errors (every one is in problems); nothing was queued"
		b.ID, b.Problems = encounter.ShownID(id), problems
		writeJSON(w, http.StatusUnprocessableEntity, b)
		return
	}
	id, dup, err := s.intake.SubmitEncounter(r.Context(), raw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, struct {
		ID        string              `json:"id"`
		Status    string              `json:"status"`
		Duplicate bool                `json:"duplicate"`
		URL       string              `json:"url"`
		Problems  []encounter.Problem `json:"problems,omitempty"` // warnings and notes
	}{id, "queued", dup, "/v1/claims/" + url.PathEscape(id), problems})
}

// history is a claim's history as the API gives it: never null.
func history(h []ledger.Change) []ledger.Change {
	if h == nil {
		return []ledger.Change{}
	}
	return h
}

// listClaims serves a page of claims. next is the cursor (the last id) to
// pass as after for the next page, "" on the last page.
func (s *server) listClaims(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := ledger.ClaimFilter{
		Status:     ledger.Status(q.Get("status")),
		PayerID:    q.Get("payer"),
		PCN:        q.Get("pcn"),
		BillingNPI: q.Get("billing_npi"),
		After:      q.Get("after"),
	}
	if f.Status != "" && !slices.Contains(ledger.Statuses, f.Status) {
		writeError(w, http.StatusBadRequest, "bad_query", "status: unknown status")
		return
	}
	var err error
	if f.From, err = date(q.Get("from")); err != nil {
		writeError(w, http.StatusBadRequest, "bad_query", "from: want a date YYYY-MM-DD")
		return
	}
	to, err := date(q.Get("to"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_query", "to: want a date YYYY-MM-DD")
		return
	}
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // to is inclusive
	}
	limit, ok := pageLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	f.Limit = limit + 1 // one more tells whether there is a next page
	claims, err := s.ledger.ListClaims(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	claims, next := pageOf(claims, limit, func(c ledger.Claim) string { return c.ID })
	writeJSON(w, http.StatusOK, struct {
		Claims []ledger.Claim `json:"claims"`
		Next   string         `json:"next"`
	}{claims, next})
}

// date parses a YYYY-MM-DD as midnight UTC; "" is the zero time.
func date(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, v)
}

// pageOf cuts the rows read (one more than limit, to tell whether there
// is a next page) to a page, never null, and returns the cursor of the
// next page, "" on the last.
func pageOf[T any](rows []T, limit int, cursor func(T) string) ([]T, string) {
	if len(rows) > limit {
		return rows[:limit], cursor(rows[limit-1])
	}
	return append([]T{}, rows...), ""
}

// pageLimit reads a limit query value, answering 400 when it is bad.
func pageLimit(w http.ResponseWriter, v string) (int, bool) {
	if v == "" {
		return defaultLimit, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		writeError(w, http.StatusBadRequest, "bad_query", "limit: want a number from 1 to "+strconv.Itoa(maxLimit))
		return 0, false
	}
	return n, true
}

func (s *server) getClaim(w http.ResponseWriter, r *http.Request) {
	c, err := s.ledger.ClaimDetail(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *server) getHistory(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	h, err := s.ledger.History(r.Context(), id)
	if err == nil && len(h) == 0 {
		// Every claim has at least its intake change: none means no claim.
		_, err = s.ledger.Claim(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		ClaimID string          `json:"claim_id"`
		History []ledger.Change `json:"history"`
	}{id, history(h)})
}

// getFile serves an outbound file's metadata and claims, never its content.
func (s *server) getFile(w http.ResponseWriter, r *http.Request) {
	f, err := s.ledger.FileByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := struct {
		ID          string             `json:"id"`
		PayerID     string             `json:"payer_id"`
		Usage       string             `json:"usage"`
		ISA13       int64              `json:"isa13"`
		Name        string             `json:"name"`
		SHA256      string             `json:"sha256"`
		Size        int                `json:"size"`
		Status      string             `json:"status"`
		Attempts    int                `json:"attempts"`
		LastError   string             `json:"last_error"`
		CreatedAt   time.Time          `json:"created_at"`
		DeliveredAt *time.Time         `json:"delivered_at"`
		FirstFailed *time.Time         `json:"first_failed_at,omitempty"` // when its attempts began failing
		ResentBy    string             `json:"resent_by,omitempty"`
		ResentAt    *time.Time         `json:"resent_at,omitempty"`
		Claims      []ledger.FileClaim `json:"claims"`
	}{
		ID: f.ID, PayerID: f.PayerID, Usage: f.Usage, ISA13: f.ISA13, Name: f.Name, SHA256: f.SHA256,
		Size: len(f.Content), Status: string(f.Status), Attempts: f.Attempts, LastError: f.LastError,
		CreatedAt: f.CreatedAt, DeliveredAt: orNil(f.DeliveredAt), FirstFailed: orNil(f.FirstFailedAt), ResentBy: f.ResentBy, ResentAt: orNil(f.ResentAt),
		Claims: append([]ledger.FileClaim{}, f.Claims...),
	}
	writeJSON(w, http.StatusOK, out)
}

// getFileContent serves the 837 itself.
func (s *server) getFileContent(w http.ResponseWriter, r *http.Request) {
	f, err := s.ledger.FileByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/edi-x12")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Content)))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(f.Content)
}

// listDeadLetters serves a page of dead letters, newest first, without
// their data. next is the id to pass as before for the next page.
func (s *server) listDeadLetters(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var before int64
	if v := q.Get("before"); v != "" {
		var err error
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before < 1 {
			writeError(w, http.StatusBadRequest, "bad_query", "before: want a dead letter id")
			return
		}
	}
	limit, ok := pageLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	dls, err := s.ledger.DeadLetterInfos(r.Context(), before, limit+1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dls, next := pageOf(dls, limit, func(d ledger.DeadLetterInfo) string { return strconv.FormatInt(d.ID, 10) })
	writeJSON(w, http.StatusOK, struct {
		DeadLetters []ledger.DeadLetterInfo `json:"dead_letters"`
		Next        string                  `json:"next"`
	}{dls, next})
}

// stats serves the number of claims in each status, every status listed.
func (s *server) stats(w http.ResponseWriter, r *http.Request) {
	counts, err := s.ledger.CountByStatus(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := struct {
		Claims      map[ledger.Status]int `json:"claims_by_status"`
		ClaimsTotal int                   `json:"claims_total"`
	}{Claims: map[ledger.Status]int{}}
	for _, st := range ledger.Statuses {
		out.Claims[st] = 0
	}
	for st, n := range counts {
		out.Claims[st] = n
		out.ClaimsTotal += n
	}
	writeJSON(w, http.StatusOK, out)
}

// resendFile sends a failed file's claims again, in a new file:
// {"actor", "reason"} (the reason is optional, recorded in each claim's
// history when given); 409 not_failed for a file that is not delivery_failed.
func (s *server) resendFile(w http.ResponseWriter, r *http.Request) {
	a, ok := readAction(w, r)
	if !ok {
		return
	}
	if a.Actor == "" {
		writeError(w, http.StatusBadRequest, "bad_body", "actor is required")
		return
	}
	if s.opts.Resender == nil {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "resending files is not available here")
		return
	}
	id := r.PathValue("id")
	switch queued, err := s.opts.Resender.Resend(r.Context(), id, a.Actor, a.Reason); {
	case errors.Is(err, ledger.ErrNotFailed):
		writeError(w, http.StatusConflict, "not_failed", "the file is not delivery_failed: only a failed file is resent, once")
	case err != nil:
		s.fail(w, r, err)
	default:
		writeJSON(w, http.StatusOK, resent{FileID: id, Status: ledger.FileResent, Queued: append([]string{}, queued...)})
	}
}

// resent is the answer to a resend: the failed file, now resent, and its
// claims queued again.
type resent struct {
	FileID string            `json:"file_id"`
	Status ledger.FileStatus `json:"status"`
	Queued []string          `json:"queued"`
}

// orNil is t, or nil for the zero time (JSON null: never).
func orNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// fileRow is an outbound file as GET /v1/files lists it: never its
// content.
type fileRow struct {
	ID          string            `json:"id"`
	PayerID     string            `json:"payer_id"`
	ISA13       int64             `json:"isa13"`
	Name        string            `json:"name"`
	Status      ledger.FileStatus `json:"status"`
	Attempts    int               `json:"attempts"`
	LastError   string            `json:"last_error"`
	CreatedAt   time.Time         `json:"created_at"`
	DeliveredAt *time.Time        `json:"delivered_at"`
	Claims      int               `json:"claims"`
}

var fileStatuses = []ledger.FileStatus{ledger.FileBuilt, ledger.FileSubmitted, ledger.FileDeliveryFailed, ledger.FileResent}

// listFiles serves a page of outbound files, newest first. next is the id
// to pass as before for the next page, "" on the last page.
func (s *server) listFiles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := ledger.FileFilter{PayerID: q.Get("payer"), Status: ledger.FileStatus(q.Get("status")), Before: q.Get("before")}
	if f.Status != "" && !slices.Contains(fileStatuses, f.Status) {
		writeError(w, http.StatusBadRequest, "bad_query", "status: want built, submitted, delivery_failed or resent")
		return
	}
	limit, ok := pageLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	f.Limit = limit + 1
	files, err := s.ledger.ListFiles(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	files, next := pageOf(files, limit, func(f ledger.FileInfo) string { return f.ID })
	out := []fileRow{}
	for _, f := range files {
		out = append(out, fileRow{f.ID, f.PayerID, f.ISA13, f.Name, f.Status, f.Attempts, f.LastError, f.CreatedAt.UTC(), orNil(f.DeliveredAt.UTC()), f.Claims})
	}
	writeJSON(w, http.StatusOK, struct {
		Files []fileRow `json:"files"`
		Next  string    `json:"next"`
	}{out, next})
}

// inboundRow is a payer file as GET /v1/inbound-files lists it: never its
// content; its problems counted.
type inboundRow struct {
	SHA256      string     `json:"sha256"`
	PayerID     string     `json:"payer_id"`
	Name        string     `json:"name"`
	Kind        string     `json:"kind"`
	Status      string     `json:"status"`
	ReceivedAt  time.Time  `json:"received_at"`
	ProcessedAt *time.Time `json:"processed_at"`
	Size        int        `json:"size"`
	Errors      int        `json:"errors"`
}

func newInboundRow(f ledger.InboundInfo) inboundRow {
	return inboundRow{f.SHA256, f.PayerID, f.Name, f.Kind, f.Status, f.ReceivedAt.UTC(), orNil(f.ProcessedAt.UTC()), f.Size, len(f.Errors)}
}

// listInbound serves a page of payer files, newest first. next is the
// sha256 to pass as before for the next page, "" on the last page.
func (s *server) listInbound(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := ledger.InboundFilter{PayerID: q.Get("payer"), Kind: q.Get("kind"), Status: q.Get("status"), Before: q.Get("before")}
	switch f.Status {
	case "", "received", "processed", "failed":
	default:
		writeError(w, http.StatusBadRequest, "bad_query", "status: want received, processed or failed")
		return
	}
	limit, ok := pageLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	f.Limit = limit + 1
	files, err := s.ledger.ListInbound(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	files, next := pageOf(files, limit, func(f ledger.InboundInfo) string { return f.SHA256 })
	out := []inboundRow{}
	for _, f := range files {
		out = append(out, newInboundRow(f))
	}
	writeJSON(w, http.StatusOK, struct {
		Files []inboundRow `json:"inbound_files"`
		Next  string       `json:"next"`
	}{out, next})
}

// openedException is an exception as a payer file's detail names it.
type openedException struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	ST02     string `json:"st02"`
	Position int    `json:"position"`
	Reason   string `json:"reason"`
	Status   string `json:"status"`
}

// getInbound serves a payer file: as listed, with the problems found in it
// (positions and codes, never element data) and the exceptions it opened.
func (s *server) getInbound(w http.ResponseWriter, r *http.Request) {
	sha := r.PathValue("sha256")
	f, err := s.ledger.Inbound(r.Context(), sha)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	es, err := s.ledger.ExceptionsOfFile(r.Context(), sha)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := struct {
		inboundRow
		Problems   []string          `json:"problems"`
		Exceptions []openedException `json:"exceptions"`
	}{newInboundRow(*f), append([]string{}, f.Errors...), []openedException{}}
	for _, e := range es {
		out.Exceptions = append(out.Exceptions, openedException{e.ID, e.Kind, e.ST02, e.Position, e.Reason, e.Status})
	}
	writeJSON(w, http.StatusOK, out)
}
