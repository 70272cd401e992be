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
		id, warning, err := a.matchClaim(c.PatientControlNumber, npi, taxID, charge, c.PayerClaimControlNumber)
		if err != nil {
			return err
		}
		if id == "" {
			if err := a.exception(kind, t.ControlNumber, c.Pos, c.PatientControlNumber, warning); err != nil {
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
		case strings.HasPrefix(cat, "P") && status.CategoryDescription(cat) != "":
			to = ledger.StatusPending
		default:
			continue
		}
		if cur, err := a.tx.Claim(id); err != nil {
			return err
		} else if c.PayerClaimControlNumber != "" && (cur.PayerClaimNumber == "" || ledger.Allowed(cur.Status, to, kind)) {
			// A late 277 does not change the number a payment gave.
			if err := a.tx.SetPayerClaimNumber(id, c.PayerClaimControlNumber); err != nil {
				return err
			}
		}
		reason := statusText(st)
		lines, err := a.tx.ClaimLines(id)
		if err != nil {
			return err
		}
		for _, l := range c.ServiceLines { // line statuses, by their REF*FJ line item control number
			if l.LineItemControlNumber == "" || len(l.Statuses) == 0 {
				continue
			}
			no := "?" // not a line of the claim: the payer's control number is not repeated
			for _, cl := range lines {
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
