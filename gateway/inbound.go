package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/ack"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/sets"
	"github.com/claimsgw/claimsgw/x12/status"
)

func (g *Gateway) inboundWorker() *queue.Worker {
	return g.worker(queue.StreamFilesIn, "inbound", g.processInbound)
}

// processInbound applies one payer file to the ledger: every change it
// makes and the file's processed mark commit together, so a redelivered
// message or a file picked up twice changes nothing.
func (g *Gateway) processInbound(ctx context.Context, m *queue.Message) error {
	sha := string(m.Data)
	in, err := g.led.InboundContent(ctx, sha)
	if errors.Is(err, ledger.ErrNotFound) {
		return queue.Permanent(err)
	}
	if err != nil {
		return err
	}
	doc, err := x12.ReadFileWith(bytes.NewReader(in.Content), sets.Decoders())
	if err != nil {
		return err
	}
	var a *applier
	err = g.led.ApplyInbound(ctx, sha, func(tx *ledger.Tx) error {
		a = &applier{g: g, tx: tx, file: in}
		return a.apply(doc)
	})
	if errors.Is(err, ledger.ErrProcessed) {
		return nil
	}
	if err != nil {
		return err
	}
	g.log.Info().Str("payer", in.PayerID).Str("file", in.Name).Str("kind", in.Kind).Str("sha256", sha).
		Int("changes", len(a.events)).Int("unmatched", a.unmatched).Int("errors", len(doc.Errors)).Msg("payer file applied")
	g.publishEvents(ctx, a.events)
	return nil
}

// applier matches one payer file's content to claims within one ledger
// transaction and collects the events to publish once it commits.
type applier struct {
	g         *Gateway
	tx        *ledger.Tx
	file      *ledger.InboundFile
	events    []Event
	unmatched int
}

func (a *applier) apply(doc *x12.File) error {
	for _, ic := range doc.Interchanges {
		for _, t := range ic.TA1 {
			if err := a.ta1(t); err != nil {
				return err
			}
		}
		for _, grp := range ic.Groups {
			for _, t := range grp.Transactions {
				var err error
				switch c := content(t).(type) {
				case *ack.Acknowledgment:
					err = a.ack(t, c)
				case *status.ClaimStatus:
					err = a.status(t, c)
				case *remit.Remittance:
					err = a.remit(t, c)
				}
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func content(t *x12.Transaction) any {
	switch {
	case t.Acknowledgment != nil:
		return t.Acknowledgment
	case t.ClaimStatus != nil:
		return t.ClaimStatus
	}
	return t.Remittance
}

// move changes a claim's status when the lifecycle allows it from where
// the claim stands, and records the event.
func (a *applier) move(claimID string, to ledger.Status, src ledger.Source, paid money.Cents) error {
	c, err := a.tx.Claim(claimID)
	if err != nil {
		return err
	}
	if !allowed(c.Status, to) {
		return nil
	}
	src.File, src.Actor = a.file.SHA256, "processor"
	from, err := a.tx.Transition(claimID, to, src)
	if err != nil {
		return err
	}
	a.events = append(a.events, a.g.claimEvent(c, from, to, src, paid))
	return nil
}

// allowed says which statuses a payer's answer may move a claim from: an
// acknowledgment never undoes a payment, a late 999 never undoes a 277CA.
func allowed(from, to ledger.Status) bool {
	sent := []ledger.Status{ledger.StatusSubmitted, ledger.StatusAcknowledged}
	switch to {
	case ledger.StatusAcknowledged:
		return from == ledger.StatusSubmitted
	case ledger.StatusAccepted:
		return slices.Contains(sent, from)
	case ledger.StatusRejected:
		return slices.Contains(append(sent, ledger.StatusAccepted), from)
	case ledger.StatusPending:
		return slices.Contains(append(sent, ledger.StatusAccepted), from)
	case ledger.StatusPaid, ledger.StatusPartiallyPaid, ledger.StatusDenied, ledger.StatusReversed, ledger.StatusForwarded:
		return !slices.Contains([]ledger.Status{ledger.StatusReceived, ledger.StatusInvalid, ledger.StatusQueued, ledger.StatusBatched, ledger.StatusClosed}, from)
	}
	return false
}

func (a *applier) exception(kind, st02 string, pos x12.Position, pcn, reason string) error {
	a.unmatched++
	return a.tx.AddException(ledger.Exception{InboundSHA256: a.file.SHA256, Kind: kind, ST02: st02, Position: pos.Position, PCN: pcn, Reason: reason})
}

// ta1 rejects every claim of the interchange a TA1 R names.
func (a *applier) ta1(t *x12.TA1) error {
	if t.Code != "R" {
		return nil
	}
	isa13, _ := strconv.ParseInt(t.ControlNumber, 10, 64)
	claims, err := a.tx.ClaimsInInterchange(a.file.PayerID, isa13)
	if err != nil {
		return err
	}
	if len(claims) == 0 {
		return a.exception("TA1", "", x12.Position{Offset: t.Offset}, "", "TA1 names an interchange the gateway did not send: "+t.ControlNumber)
	}
	for _, fc := range claims {
		if err := a.move(fc.ClaimID, ledger.StatusRejected, ledger.Source{Kind: "TA1", Reason: "TA1 R note " + t.NoteCode}, 0); err != nil {
			return err
		}
	}
	return nil
}

// ack applies a 999 or 997: each transaction set it answers is
// acknowledged (A, E) or rejected (R, M, W, X) with its reasons.
func (a *applier) ack(t *x12.Transaction, k *ack.Acknowledgment) error {
	if k.Group == nil {
		return nil
	}
	gs06, _ := strconv.ParseInt(k.Group.ControlNumber, 10, 64)
	for _, set := range k.Transactions {
		st02, _ := strconv.ParseInt(set.ControlNumber, 10, 64)
		claims, err := a.tx.ClaimsInSet(a.file.PayerID, gs06, st02)
		if err != nil {
			return err
		}
		if len(claims) == 0 {
			if err := a.exception(k.Type, t.ControlNumber, set.Pos, "", fmt.Sprintf("acknowledges GS06 %d ST02 %d, which the gateway did not send", gs06, st02)); err != nil {
				return err
			}
			continue
		}
		to, reason := ledger.StatusAcknowledged, k.Type+" "+set.Code
		switch set.Code {
		case "A", "E":
		default:
			to = ledger.StatusRejected
			var why []string
			for _, e := range set.Errors {
				why = append(why, fmt.Sprintf("%s at %d code %s", e.SegmentID, e.Position, e.Code))
			}
			if len(set.ErrorCodes) > 0 {
				why = append(why, "IK5 "+strings.Join(set.ErrorCodes, ","))
			}
			if len(why) > 0 {
				reason += ": " + strings.Join(why, "; ")
			}
		}
		for _, fc := range claims {
			src := ledger.Source{Kind: k.Type, Transaction: t.ControlNumber, Position: set.Pos.Position, Reason: reason}
			if err := a.move(fc.ClaimID, to, src, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// status applies a 277CA or 277: each claim, found by its patient control
// number (TRN02), is accepted or rejected as its first STC says.
func (a *applier) status(t *x12.Transaction, cs *status.ClaimStatus) error {
	kind := "277"
	if t.Implementation == "005010X214" || cs.Implementation == "005010X214" {
		kind = "277CA"
	}
	for _, c := range cs.Claims {
		id, err := a.findClaim(c.PatientControlNumber)
		if err != nil {
			return err
		}
		if id == "" {
			if err := a.exception(kind, t.ControlNumber, c.Pos, c.PatientControlNumber, "no claim with this patient control number"); err != nil {
				return err
			}
			continue
		}
		if len(c.Statuses) == 0 {
			continue
		}
		st := c.Statuses[0]
		var to ledger.Status
		switch cat := st.Category; {
		case cat == "A1" || cat == "A2" || cat == "A5":
			to = ledger.StatusAccepted
		case cat == "A3" || cat == "A4" || cat == "A6" || cat == "A7" || cat == "A8":
			to = ledger.StatusRejected
		case strings.HasPrefix(cat, "P"):
			to = ledger.StatusPending
		default:
			continue
		}
		if c.PayerClaimControlNumber != "" {
			if err := a.tx.SetPayerClaimNumber(id, c.PayerClaimControlNumber); err != nil {
				return err
			}
		}
		src := ledger.Source{Kind: kind, Transaction: t.ControlNumber, Position: c.Pos.Position,
			Reason: strings.Trim(st.Category+":"+st.Code+":"+st.Entity, ":")}
		if err := a.move(id, to, src, 0); err != nil {
			return err
		}
	}
	return nil
}

// findClaim returns the payer's newest sent claim with a patient control
// number, "" when there is none.
func (a *applier) findClaim(pcn string) (string, error) {
	claims, err := a.tx.ClaimsByPCN(a.file.PayerID, pcn)
	if err != nil {
		return "", err
	}
	for _, c := range claims {
		switch c.Status {
		case ledger.StatusReceived, ledger.StatusInvalid, ledger.StatusQueued, ledger.StatusBatched:
			continue
		}
		return c.ID, nil
	}
	return "", nil
}

// remit applies an 835: each CLP is recorded as a payment of its claim,
// and the claim's status follows from CLP02 and what has been paid.
func (a *applier) remit(t *x12.Transaction, r *remit.Remittance) error {
	for _, clp := range r.Claims {
		id, err := a.findClaim(clp.PatientControlNumber)
		if err != nil {
			return err
		}
		if id == "" {
			if err := a.exception("835", t.ControlNumber, clp.Position, clp.PatientControlNumber, "no claim with this patient control number"); err != nil {
				return err
			}
			continue
		}
		c, err := a.tx.Claim(id)
		if err != nil {
			return err
		}
		if npi := r.Payee.NPI; npi != "" && c.BillingNPI != "" && npi != c.BillingNPI {
			if err := a.exception("835", t.ControlNumber, clp.Position, clp.PatientControlNumber, "the payee NPI is not the claim's billing provider"); err != nil {
				return err
			}
			continue
		}
		adj, _ := json.Marshal(struct {
			Claim []remit.Adjustment   `json:"claim,omitempty"`
			Lines []*remit.ServiceLine `json:"lines,omitempty"`
		}{clp.Adjustments, clp.ServiceLines})
		if err := a.tx.AddPayment(ledger.Payment{
			ClaimID: id, InboundSHA256: a.file.SHA256, ST02: t.ControlNumber, Position: clp.Position.Position,
			TraceNumber: r.Payment.TraceNumber, PaymentDate: r.Payment.Date, StatusCode: clp.StatusCode,
			Charge: clp.Charge, Paid: clp.Paid, PatientResp: clp.PatientResponsibility,
			PayerClaimNumber: clp.PayerClaimControlNumber, Adjustments: adj,
		}); err != nil {
			return err
		}
		if clp.PayerClaimControlNumber != "" {
			if err := a.tx.SetPayerClaimNumber(id, clp.PayerClaimControlNumber); err != nil {
				return err
			}
		}
		paid, _, err := a.tx.PaidTotals(id)
		if err != nil {
			return err
		}
		to := paymentStatus(clp, paid)
		src := ledger.Source{Kind: "835", Transaction: t.ControlNumber, Position: clp.Position.Position,
			Reason: "CLP02 " + clp.StatusCode + " trace " + r.Payment.TraceNumber}
		if err := a.move(id, to, src, paid); err != nil {
			return err
		}
	}
	return nil
}

// paymentStatus is where a CLP leaves its claim, given all paid on it so
// far.
func paymentStatus(clp *remit.Claim, paidSoFar money.Cents) ledger.Status {
	switch clp.StatusCode {
	case "22":
		return ledger.StatusReversed
	case "4":
		return ledger.StatusDenied
	case "19", "20", "21":
		return ledger.StatusForwarded
	}
	if paidSoFar == 0 {
		return ledger.StatusDenied
	}
	for _, l := range clp.ServiceLines {
		if l.Paid == 0 && l.Charge > 0 {
			return ledger.StatusPartiallyPaid
		}
	}
	return ledger.StatusPaid
}
