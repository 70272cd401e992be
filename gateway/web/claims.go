package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12/remit"
)

// Claims: a search, a page at a time, and a claim's own page, the one page
// with the patient's name and member ID.

type claimsData struct {
	Status, Payer, BillingNPI, PCN, From, To, After string
	Statuses                                        []ledger.Status
	Claims                                          []ledger.Claim
	Next                                            string
}

func (s *server) claims(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := claimsData{Status: q.Get("status"), Payer: strings.TrimSpace(q.Get("payer")), BillingNPI: strings.TrimSpace(q.Get("billing_npi")),
		PCN: strings.TrimSpace(q.Get("pcn")), From: q.Get("from"), To: q.Get("to"), After: q.Get("after"), Statuses: ledger.Statuses}
	f := ledger.ClaimFilter{Status: ledger.Status(d.Status), PayerID: d.Payer, PCN: d.PCN, BillingNPI: d.BillingNPI, After: d.After, Limit: pageSize + 1}
	if f.Status != "" && !slices.Contains(ledger.Statuses, f.Status) {
		s.badQuery(w, r, "status: unknown status")
		return
	}
	var err error
	if f.From, err = date(d.From); err != nil {
		s.badQuery(w, r, "from: want a date YYYY-MM-DD")
		return
	}
	to, err := date(d.To)
	if err != nil {
		s.badQuery(w, r, "to: want a date YYYY-MM-DD")
		return
	}
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // to is inclusive, as in the API
	}
	if d.Claims, err = s.ledger.ListClaims(r.Context(), f); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(d.Claims) > pageSize {
		d.Claims, d.Next = d.Claims[:pageSize], d.Claims[pageSize-1].ID
	}
	s.render(w, r, http.StatusOK, "claims", "Claims", "claims", d)
}

// person is who a claim is for, from its encounter: PHI, on the claim's
// page only.
type person struct {
	MemberID  string `json:"member_id"`
	LastName  string `json:"last_name"`
	FirstName string `json:"first_name"`
}

type payerFile struct {
	SHA256, Name, Kind string
}

type paymentView struct {
	ledger.Payment
	Adjustments []adjustmentView
	Remarks     []remarkView
}

type adjustmentView struct {
	ledger.Adjustment
	GroupDescription, ReasonDescription string
}

type remarkView struct {
	ledger.Remark
	Description string
}

type claimData struct {
	*ledger.ClaimDetail
	Subscriber  person
	Patient     *person
	Payments    []paymentView
	PayerFiles  []payerFile
	ProblemList []encounter.Problem
}

func (s *server) claim(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.ledger.ClaimDetail(ctx, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := claimData{ClaimDetail: c}
	json.Unmarshal(c.Problems, &d.ProblemList)
	if e, err := s.ledger.Encounter(ctx, c.EncounterID); err == nil {
		var parties struct {
			Subscriber  person  `json:"subscriber"`
			Patient     *person `json:"patient"`
			OtherPayers []struct {
				Responsibility string `json:"responsibility"`
				Relationship   string `json:"relationship"`
				Subscriber     person `json:"subscriber"`
			} `json:"other_payers"`
		}
		if json.Unmarshal(e.Raw, &parties) == nil {
			d.Subscriber, d.Patient = parties.Subscriber, parties.Patient
			// A claim to a payer after the first names that payer's
			// subscriber (its 2010BA), and the patient unless the patient
			// is that subscriber, as the 837 does (encounter.ToClaimFor).
			for _, o := range parties.OtherPayers {
				if o.Responsibility != c.Responsibility {
					continue
				}
				first := parties.Subscriber
				d.Subscriber = o.Subscriber
				switch {
				case o.Relationship == "18":
					d.Patient = nil
				case d.Patient == nil:
					d.Patient = &person{LastName: first.LastName, FirstName: first.FirstName}
				}
			}
		}
	}
	for _, p := range c.Payments {
		v := paymentView{Payment: p}
		for _, a := range p.Adjustments {
			v.Adjustments = append(v.Adjustments, adjustmentView{a, remit.AdjustmentGroup(a.Group), s.opts.CARC.Describe(a.Reason)})
		}
		for _, rm := range p.Remarks {
			v.Remarks = append(v.Remarks, remarkView{rm, s.opts.RARC.Describe(rm.Code)})
		}
		d.Payments = append(d.Payments, v)
	}
	// The payer files that touched it: those its history and payments name.
	seen := map[string]bool{}
	var shas []string
	for _, h := range c.History {
		if h.File != "" && len(h.File) == 64 && !seen[h.File] {
			seen[h.File] = true
			shas = append(shas, h.File)
		}
	}
	for _, p := range c.Payments {
		if !seen[p.InboundSHA256] && p.InboundSHA256 != "" {
			seen[p.InboundSHA256] = true
			shas = append(shas, p.InboundSHA256)
		}
	}
	for _, sha := range shas {
		f, err := s.ledger.Inbound(ctx, sha)
		if err != nil {
			continue // an outbound file's id of 64 characters, or a file not archived
		}
		d.PayerFiles = append(d.PayerFiles, payerFile{f.SHA256, f.Name, f.Kind})
	}
	s.render(w, r, http.StatusOK, "claim", "Claim "+c.ID, "claims", d)
}
