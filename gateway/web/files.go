package web

import (
	"bytes"
	"net/http"
	"slices"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
)

// Files: the 837 files built for payers and the files payers sent back,
// newest first, a page at a time (the ledger queries of GET /v1/files and
// GET /v1/inbound-files), and each one's page.

var fileStatuses = []ledger.FileStatus{ledger.FileBuilt, ledger.FileSubmitted, ledger.FileDeliveryFailed, ledger.FileResent}

type filesData struct {
	Payer, Status, Before string
	Statuses              []ledger.FileStatus
	Files                 []ledger.FileInfo
	Next                  string
}

func (s *server) files(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := filesData{Payer: q.Get("payer"), Status: q.Get("status"), Before: q.Get("before"), Statuses: fileStatuses}
	if d.Status != "" && !slices.Contains(fileStatuses, ledger.FileStatus(d.Status)) {
		s.badQuery(w, r, "status: want built, submitted, delivery_failed or resent")
		return
	}
	var err error
	d.Files, err = s.ledger.ListFiles(r.Context(), ledger.FileFilter{PayerID: d.Payer, Status: ledger.FileStatus(d.Status), Before: d.Before, Limit: pageSize + 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(d.Files) > pageSize {
		d.Files, d.Next = d.Files[:pageSize], d.Files[pageSize-1].ID
	}
	s.render(w, r, http.StatusOK, "files", "837 files", "files", d)
}

func (s *server) file(w http.ResponseWriter, r *http.Request) {
	f, err := s.ledger.FileByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "file", "837 file "+f.ID, "files", struct {
		*ledger.File
		Size int
	}{f, len(f.Content)})
}

type inboundData struct {
	Payer, Kind, Status, Before string
	Kinds                       []string
	Files                       []ledger.InboundInfo
	Next                        string
}

var inboundKinds = []string{"TA1", "999", "997", "277CA", "277", "835", "unknown"}

func (s *server) inboundFiles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := inboundData{Payer: q.Get("payer"), Kind: q.Get("kind"), Status: q.Get("status"), Before: q.Get("before"), Kinds: inboundKinds}
	switch d.Status {
	case "", "received", "processed", "failed":
	default:
		s.badQuery(w, r, "status: want received, processed or failed")
		return
	}
	var err error
	d.Files, err = s.ledger.ListInbound(r.Context(), ledger.InboundFilter{PayerID: d.Payer, Kind: d.Kind, Status: d.Status, Before: d.Before, Limit: pageSize + 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(d.Files) > pageSize {
		d.Files, d.Next = d.Files[:pageSize], d.Files[pageSize-1].SHA256
	}
	s.render(w, r, http.StatusOK, "inbound", "Payer files", "inbound", d)
}

func (s *server) inboundFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sha := r.PathValue("sha256")
	f, err := s.ledger.Inbound(ctx, sha)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	es, err := s.ledger.ExceptionsOfFile(ctx, sha)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	changes, moved, err := s.ledger.ChangesOfFile(ctx, sha, changesShown)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	content, err := s.ledger.InboundContent(ctx, sha)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "inboundfile", "Payer file "+f.Name, "inbound", struct {
		*ledger.InboundInfo
		Envelopes  []envelope
		Exceptions []ledger.ExceptionInfo
		Changes    []ledger.FileChange
		Moved      int
	}{f, envelopesOf(content.Content), es, changes, moved})
}

// changesShown are the claim changes a file's page lists (it counts all).
const changesShown = 500

// envelope is an interchange of a file, with its groups' and sets'
// control numbers: what a payer's support desk asks for.
type envelope struct {
	ISA13, Sender, Date string
	Groups              []envelopeGroup
}

type envelopeGroup struct {
	GS06, FunctionalID, Version string
	Sets                        []string // ST01 ST02
}

// envelopesOf reads the envelopes of a file: nothing where it is no X12.
func envelopesOf(content []byte) []envelope {
	f, err := x12.ReadFile(bytes.NewReader(content))
	if err != nil || f == nil {
		return nil
	}
	var out []envelope
	for _, ic := range f.Interchanges {
		e := envelope{ISA13: ic.ControlNumber, Sender: ic.SenderID, Date: ic.Date}
		for _, g := range ic.Groups {
			eg := envelopeGroup{GS06: g.ControlNumber, FunctionalID: g.FunctionalID, Version: g.Version}
			for _, t := range g.Transactions {
				eg.Sets = append(eg.Sets, t.Type+" "+t.ControlNumber)
			}
			e.Groups = append(e.Groups, eg)
		}
		out = append(out, e)
	}
	return out
}
