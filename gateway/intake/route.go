package intake

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// RouteProblems adds to a scrubbed encounter's problems those of its
// payers' routes (route finds one by payer id, nil when none has it):
// unknown_payer, claim_type_not_accepted (for the encounter's payer and
// each other payer, which the gateway bills when the payer before leaves
// a balance), and not_writable when the 837 writer refuses what the
// scrubber passed. It returns the 837 claim when there is no error.
// `claimsgw claim check --config` checks with it as intake does.
func RouteProblems(route func(payerID string) *config.Payer, e *encounter.Encounter, probs []encounter.Problem) ([]encounter.Problem, *claim.Claim) {
	p := route(e.PayerID)
	for i, o := range e.OtherPayers {
		if o == nil || o.PayerID == "" {
			continue
		}
		path := fmt.Sprintf("other_payers[%d]", i)
		switch r := route(o.PayerID); {
		case r == nil:
			probs = append(probs, encounter.Problem{Path: path + ".payer_id", Code: "unknown_payer", Message: "no trading partner route has this payer_id", Severity: encounter.SeverityError})
		case !slices.Contains(r.ClaimTypes, e.ClaimType):
			probs = append(probs, encounter.Problem{Path: path + ".payer_id", Code: "claim_type_not_accepted", Message: "the payer's route does not take " + string(e.ClaimType) + " claims", Severity: encounter.SeverityError})
		}
	}
	switch {
	case p == nil && e.PayerID != "":
		probs = append(probs, encounter.Problem{Path: "payer_id", Code: "unknown_payer", Message: "no trading partner route has this payer_id", Severity: encounter.SeverityError})
	case p != nil && !slices.Contains(p.ClaimTypes, e.ClaimType):
		probs = append(probs, encounter.Problem{Path: "claim_type", Code: "claim_type_not_accepted", Message: "the payer's route does not take " + string(e.ClaimType) + " claims", Severity: encounter.SeverityError})
	case p != nil && !encounter.HasErrors(probs):
		// What the scrubber passes, the 837 writer must take: a claim it
		// refused later would hold up the payer's batch.
		// It is the claim toClaim makes from the stored encounter.
		c := encounter.ToClaim(e, claim.Payer{Name: p.Name, ID: p.PayerID})
		if _, err := claim.Write(io.Discard, probeBatch(p.Delimiters.Delimiters), []claim.Claim{c}); err != nil {
			probs = append(probs, encounter.Problem{Path: "", Code: "not_writable", Message: err.Error(), Severity: encounter.SeverityError})
			return probs, nil
		}
		return probs, &c
	}
	return probs, nil
}

// probeBatch is an envelope for writing one claim to see whether the
// writer takes it, with the route's delimiters.
func probeBatch(d x12.Delimiters) claim.Batch {
	return claim.Batch{
		SenderQualifier: "ZZ", SenderID: "PROBE", ReceiverQualifier: "ZZ", ReceiverID: "PROBE", Usage: 'T',
		Delimiters: d, Time: time.Unix(0, 0), InterchangeControlNumber: 1, GroupControlNumber: 1, TransactionControlNumber: 1,
		ReferenceID: "PROBE", Submitter: claim.Submitter{Name: "PROBE", ID: "PROBE", ContactName: "PROBE", Phone: "0000000000"},
		Receiver: claim.Receiver{Name: "PROBE", ID: "PROBE"},
	}
}
