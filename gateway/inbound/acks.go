package inbound

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/ack"
)

// Acknowledgments: a TA1 answers an interchange, a 999 or 997 each
// transaction set of a group. A claim's change names the 837 set
// answered (answered), which is what its history is read for: the
// position is the answer's, in the 999 (0 for a TA1, in no set).

// answered names the 837 set of a claim as the 837 carries its control
// numbers: ISA13/GS06/ST02 ("000000001/1/0001").
func answered(fc ledger.FileClaim) string {
	return fmt.Sprintf("%09d/%d/%04d", fc.ISA13, fc.GS06, fc.ST02)
}

// ta1 rejects every claim of the interchange a TA1 R names; n is its
// ordinal among the file's TA1s, an exception's position (a TA1 is in no
// transaction set).
func (a *applier) ta1(t *x12.TA1, n int) error {
	if t.Code != "R" {
		return nil
	}
	isa13, _ := strconv.ParseInt(t.ControlNumber, 10, 64)
	claims, err := a.tx.ClaimsInInterchange(a.file.PayerID, isa13)
	if err != nil {
		return err
	}
	if len(claims) == 0 {
		return a.exception("TA1", "", x12.Position{Offset: t.Offset, Position: n}, "", "TA1 names an interchange the gateway did not send: "+t.ControlNumber)
	}
	return a.moveCurrent(claims, ledger.StatusRejected, ledger.Source{Kind: "TA1", Reason: "TA1 R note " + payerCode(t.NoteCode)})
}

// ack applies a 999 or 997: each transaction set it answers is
// acknowledged (A, E) or rejected (R, M, W, X) with its reasons; a group
// rejected whole (AK9 R without AK2) rejects every set of it. Only the
// claims whose latest file the answer is for move (moveCurrent).
func (a *applier) ack(t *x12.Transaction, k *ack.Acknowledgment) error {
	if k.Group == nil {
		return a.exception(k.Type, t.ControlNumber, k.Pos, "", "the acknowledgment has no AK1: it names no group the gateway sent")
	}
	gs06, _ := strconv.ParseInt(k.Group.ControlNumber, 10, 64)
	if len(k.Transactions) == 0 && rejectCodes[k.Group.Code] {
		claims, err := a.tx.ClaimsInGroup(a.file.PayerID, gs06)
		if err != nil {
			return err
		}
		if len(claims) == 0 {
			return a.exception(k.Type, t.ControlNumber, k.Group.Pos, "", fmt.Sprintf("rejects GS06 %d, which the gateway did not send", gs06))
		}
		src := ledger.Source{Kind: k.Type, Position: k.Group.TrailerPos.Position, Reason: k.Type + " group " + payerCode(k.Group.Code)}
		return a.moveCurrent(claims, ledger.StatusRejected, src)
	}
	for _, set := range k.Transactions {
		st02, _ := strconv.ParseInt(set.ControlNumber, 10, 64)
		claims, err := a.tx.ClaimsInSet(a.file.PayerID, gs06, st02)
		if err != nil {
			return err
		}
		if len(claims) == 0 {
			if _, err := a.item(k.Type, t.ControlNumber, set.Pos, "", fmt.Sprintf("acknowledges GS06 %d ST02 %d, which the gateway did not send", gs06, st02)); err != nil {
				return err
			}
			continue
		}
		switch {
		case set.Code == "A" || set.Code == "E":
			src := ledger.Source{Kind: k.Type, Position: set.Pos.Position, Reason: k.Type + " " + set.Code}
			if err := a.moveCurrent(claims, ledger.StatusAcknowledged, src); err != nil {
				return err
			}
		case rejectCodes[set.Code]:
			if err := a.rejectSet(k, t, set, claims); err != nil {
				return err
			}
		default:
			if _, err := a.item(k.Type, t.ControlNumber, set.Pos, "", fmt.Sprintf("answers GS06 %d ST02 %d with code %q, which is neither an acceptance nor a rejection", gs06, st02, payerCode(set.Code))); err != nil {
				return err
			}
		}
	}
	return nil
}

// rejectCodes are the IK501/AK901 codes that reject.
var rejectCodes = map[string]bool{"R": true, "M": true, "W": true, "X": true}

// rejectSet applies a rejected transaction set. Each IK3 is traced through
// the segment ranges the 837 writer recorded to the claim it falls in:
// those claims are rejected with the errors found in them, and the other
// claims of the set go back to the queue, to be sent again in a new file
// with new control numbers (errorClaim). When no IK3 is traced to a claim
// (an error in the set's header, or none given), every claim of the set is
// rejected. Claims sent again in another file since (not Current) do not
// move.
func (a *applier) rejectSet(k *ack.Acknowledgment, t *x12.Transaction, set *ack.Transaction, claims []ledger.FileClaim) error {
	why := map[string][]string{} // claim id → the errors in it
	for _, e := range set.Errors {
		id, err := a.errorClaim(e, claims)
		if err != nil {
			return err
		}
		if id != "" {
			why[id] = append(why[id], ik3Text(e))
		}
	}
	base := k.Type + " " + set.Code
	if len(set.ErrorCodes) > 0 {
		codes := make([]string, len(set.ErrorCodes))
		for i, c := range set.ErrorCodes {
			codes[i] = payerCode(c)
		}
		base += " (IK5 " + strings.Join(codes, ",") + ")"
	}
	for _, fc := range claims {
		if !fc.Current {
			continue
		}
		src := ledger.Source{Kind: k.Type, Transaction: answered(fc), Position: set.Pos.Position, Reason: base}
		to := ledger.StatusRejected
		switch errs := why[fc.ClaimID]; {
		case len(why) == 0:
			var all []string
			for _, e := range set.Errors {
				all = append(all, ik3Text(e))
			}
			if len(all) > 0 {
				src.Reason += ": " + strings.Join(all, "; ")
			}
		case len(errs) > 0:
			src.Reason += ": " + strings.Join(errs, "; ")
		default:
			to, src.Reason = ledger.StatusQueued, base+": set rejected for another claim; sent again"
		}
		if err := a.move(fc.ClaimID, to, src, 0); err != nil {
			return err
		}
	}
	return nil
}

// errorClaim traces an IK3 to the claim of the set it is about: the
// claim whose segments (CLM to its last line) hold its position; else the
// claim a CTX names by its CLM01; else, for a segment of the loops that
// lead to a claim (billing provider, subscriber, patient: an invalid
// member ID in 2010BA, say), the first claim after it. "" when none: an
// error in the set's header concerns them all.
func (a *applier) errorClaim(e *ack.Error, claims []ledger.FileClaim) (string, error) {
	for _, fc := range claims {
		if e.Position >= fc.FirstPos && e.Position <= fc.LastPos {
			return fc.ClaimID, nil
		}
	}
	for _, ctx := range e.Contexts {
		for _, id := range ctx.IDs {
			if ctx.Kind != "business_unit" || id.Name != "CLM01" || id.Reference == "" {
				continue
			}
			for _, fc := range claims {
				c, err := a.tx.Claim(fc.ClaimID)
				if err != nil {
					return "", err
				}
				if c.PCN == id.Reference {
					return fc.ClaimID, nil
				}
			}
		}
	}
	if claimLoops[e.Loop] {
		next := ""
		for _, fc := range claims { // in segment order
			if fc.FirstPos > e.Position {
				next = fc.ClaimID
				break
			}
		}
		return next, nil
	}
	return "", nil
}

// claimLoops are the 837 loops between the header and a claim's 2300.
var claimLoops = map[string]bool{
	"2000A": true, "2010AA": true, "2010AB": true, "2010AC": true,
	"2000B": true, "2010BA": true, "2010BB": true, "2000C": true, "2010CA": true,
}
