package inbound

import (
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/status"
)

// status applies a 277CA or 277: each claim, found by its patient control
// number (TRN02), is accepted or rejected as its first STC says.
func (a *applier) status(t *x12.Transaction, cs *status.ClaimStatus) error {
	kind := "277"
	if t.Implementation == "005010X214" || cs.Implementation == "005010X214" {
		kind = "277CA"
	}
	pcns := make([]string, len(cs.Claims))
	for i, c := range cs.Claims {
		pcns[i] = c.PatientControlNumber
	}
	if err := a.tx.Prefetch(a.file.PayerID, pcns); err != nil {
		return err
	}
	for _, c := range cs.Claims {
		var npi, taxID string
		if bp := c.BillingProvider; bp != nil {
			npi, taxID = bp.NPI, bp.TaxID
		}
		var charge money.Cents
		if c.Charge != nil {
			charge = *c.Charge
		}
		m, err := a.matchClaim(claimRef{pcn: c.PatientControlNumber, npi: npi, taxID: taxID, charge: charge, payerNo: c.PayerClaimControlNumber})
		if err != nil {
			return err
		}
		if m.id == "" {
			if err := a.noMatch(kind, t, c.Pos, c.PatientControlNumber, m); err != nil {
				return err
			}
			continue
		}
		id, warning := m.id, m.warning
		if len(c.Statuses) == 0 {
			continue
		}
		st := c.Statuses[0]
		to, ok := statusOf(st.Category)
		if !ok {
			continue
		}
		snap, err := a.tx.Snapshot(id)
		if err != nil {
			return err
		}
		if c.PayerClaimControlNumber != "" && (snap.PayerClaimNumber == "" || ledger.Allowed(snap.Status, to, kind)) {
			// A late 277 does not change the number a payment gave.
			if err := a.tx.SetPayerClaimNumber(id, c.PayerClaimControlNumber); err != nil {
				return err
			}
		}
		reason := statusText(st)
		for _, l := range c.ServiceLines { // line statuses, by their REF*FJ line item control number
			if l.LineItemControlNumber == "" || len(l.Statuses) == 0 {
				continue
			}
			no := "?" // not a line of the claim: the payer's control number is not repeated
			for _, cl := range snap.Lines {
				if cl.LineID == l.LineItemControlNumber {
					no = strconv.Itoa(cl.No)
				}
			}
			reason += "; line " + no + " " + statusText(l.Statuses[0])
		}
		if warning != "" {
			reason += "; " + warning
		}
		src := ledger.Source{Kind: kind, Transaction: t.ControlNumber, Position: c.Pos.Position, Reason: reason}
		if err := a.move(id, to, src, 0); err != nil {
			return err
		}
	}
	return nil
}

// statusOf is where a claim status category (STC01-1) moves a claim:
// A1, A2 and A5 accept it; A3, A4, A6, A7 and A8 reject it; a pending
// category the guide has (P0 to P5) holds it. Any other moves nothing.
func statusOf(category string) (ledger.Status, bool) {
	switch {
	case category == "A1" || category == "A2" || category == "A5":
		return ledger.StatusAccepted, true
	case category == "A3" || category == "A4" || category == "A6" || category == "A7" || category == "A8":
		return ledger.StatusRejected, true
	case strings.HasPrefix(category, "P") && status.CategoryDescription(category) != "":
		return ledger.StatusPending, true
	}
	return "", false
}
