package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/ack"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/sets"
	"github.com/claimsgw/claimsgw/x12/status"
)

// payerFileTimeout bounds applying one payer file. A file is one ledger
// transaction, and a large 835 takes long: 100,000 CLPs about 11 s on a
// 2-core machine with SQLite. While it runs the worker keeps the message
// (in-progress reports every 10 s), so another replica does not take it.
const payerFileTimeout = 15 * time.Minute

func (g *Gateway) inboundWorker() *queue.Worker {
	w := g.worker(queue.StreamFilesIn, "inbound", g.processInbound)
	w.Timeout = payerFileTimeout
	return w
}

// errNotDelivered is returned while a payer file answers claims whose
// file the deliverer has not yet marked delivered: the payer can answer
// between the upload's rename and the ledger's commit. Nothing of the file
// is applied; the message comes back after a backoff and is applied then.
var errNotDelivered = errors.New("the payer answered claims whose file is not marked delivered yet")

// notYet is returned, before a payer file's last delivery, for a CLP that
// cannot be posted (RefusedError): payer files can be applied out of
// order (two replicas, one poll that picks up several), and the payment a
// reversal undoes, or the reversal a correction follows, may be in a file
// not applied yet. Nothing of the file is applied; it comes back after a
// backoff. On its last delivery the CLP goes to the exceptions instead.
type notYet struct{ *RefusedError }

func (e notYet) Error() string {
	return e.RefusedError.Error() + " (yet: the file is applied again later, in case another file comes first)"
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
	maxDeliver := g.o.MaxDeliver
	if maxDeliver <= 0 {
		maxDeliver = queue.DefaultMaxDeliver
	}
	var a *applier
	err = g.led.ApplyInbound(ctx, sha, func(tx *ledger.Tx) error {
		a = &applier{now: g.o.Now, tx: tx, file: in, lastTry: m.Deliveries >= uint64(maxDeliver)}
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
	now       func() time.Time
	tx        *ledger.Tx
	file      *ledger.InboundFile
	lastTry   bool              // the file's last delivery: a CLP refused now is an exception (see notYet)
	byPayerNo map[string]string // CLP07 → the claim a CLP of the file paid, for PLB references
	events    []Event
	unmatched int
}

func (a *applier) apply(doc *x12.File) error {
	if len(doc.Errors) > 0 {
		var b strings.Builder
		for _, e := range doc.Errors {
			b.WriteString(e.Error())
			b.WriteByte('\n')
		}
		if err := a.tx.SetInboundErrors(a.file.SHA256, b.String()); err != nil {
			return err
		}
	}
	if len(doc.Interchanges) == 0 {
		return a.exception(a.file.Kind, "", x12.Position{}, "", "the file is not readable X12; its errors are kept with it")
	}
	refs := setRefs(doc)
	ta1s := 0
	for _, ic := range doc.Interchanges {
		for _, t := range ic.TA1 {
			ta1s++
			if err := a.ta1(t, ta1s); err != nil {
				return err
			}
		}
		for _, grp := range ic.Groups {
			for _, t := range grp.Transactions {
				t := withRef(t, refs[t])
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

// setRefs names each transaction set of a file uniquely within it, as
// the ledger keys what a set recorded (its payment, its exceptions, the
// history it wrote): by its ST02, which is unique only within its group,
// so by GS06/ST02 when another group of the file has the same ST02, and by
// ISA13/GS06/ST02 when another interchange has both.
func setRefs(doc *x12.File) map[*x12.Transaction]string {
	type set struct {
		t    *x12.Transaction
		keys [3]string
	}
	var sets []set
	seen := [3]map[string]int{{}, {}, {}}
	for _, ic := range doc.Interchanges {
		for _, g := range ic.Groups {
			for _, t := range g.Transactions {
				st := set{t, [3]string{t.ControlNumber, g.ControlNumber + "/" + t.ControlNumber, ic.ControlNumber + "/" + g.ControlNumber + "/" + t.ControlNumber}}
				for i, k := range st.keys {
					seen[i][k]++
				}
				sets = append(sets, st)
			}
		}
	}
	refs := make(map[*x12.Transaction]string, len(sets))
	for _, st := range sets {
		refs[st.t] = st.keys[2]
		for i, k := range st.keys[:2] {
			if seen[i][k] == 1 {
				refs[st.t] = k
				break
			}
		}
	}
	return refs
}

// withRef is t named by ref instead of its ST02 (see setRefs).
func withRef(t *x12.Transaction, ref string) *x12.Transaction {
	if ref == t.ControlNumber {
		return t
	}
	c := *t
	c.ControlNumber = ref
	return &c
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
	if c.Status == ledger.StatusBatched {
		return errNotDelivered
	}
	if !allowed(c.Status, to, src.Kind) {
		return nil
	}
	src.File, src.Actor = a.file.SHA256, "processor"
	from, err := a.tx.Transition(claimID, to, src)
	if err != nil {
		return err
	}
	a.events = append(a.events, newEvent(a.now(), c, from, to, src, paid))
	return nil
}

// allowed says which statuses a payer's answer of a kind (TA1, 999, 277CA,
// 835 ...) may move a claim from: an acknowledgment never undoes a
// payment, a late TA1 or 999 never undoes a 277CA.
func allowed(from, to ledger.Status, kind string) bool {
	sent := []ledger.Status{ledger.StatusSubmitted, ledger.StatusAcknowledged}
	switch to {
	case ledger.StatusQueued: // sent again after a 999 rejected another claim of its set
		return slices.Contains(sent, from)
	case ledger.StatusAcknowledged:
		return from == ledger.StatusSubmitted
	case ledger.StatusAccepted:
		return slices.Contains(sent, from) || from == ledger.StatusPending
	case ledger.StatusRejected:
		fromStatus := kind == "277CA" || kind == "277" // a later status answer may reject what it accepted or held
		return slices.Contains(sent, from) || fromStatus && (from == ledger.StatusAccepted || from == ledger.StatusPending)
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

// moveCurrent moves the claims a file's answer names whose latest file it
// is: a claim sent again in another file since is left to that file's
// answers.
func (a *applier) moveCurrent(claims []ledger.FileClaim, to ledger.Status, src ledger.Source) error {
	for _, fc := range claims {
		if !fc.Current {
			continue
		}
		if err := a.move(fc.ClaimID, to, src, 0); err != nil {
			return err
		}
	}
	return nil
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
		src := ledger.Source{Kind: k.Type, Transaction: t.ControlNumber, Position: k.Group.TrailerPos.Position, Reason: k.Type + " group " + payerCode(k.Group.Code)}
		return a.moveCurrent(claims, ledger.StatusRejected, src)
	}
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
		switch {
		case set.Code == "A" || set.Code == "E":
			src := ledger.Source{Kind: k.Type, Transaction: t.ControlNumber, Position: set.Pos.Position, Reason: k.Type + " " + set.Code}
			if err := a.moveCurrent(claims, ledger.StatusAcknowledged, src); err != nil {
				return err
			}
		case rejectCodes[set.Code]:
			if err := a.rejectSet(k, t, set, claims); err != nil {
				return err
			}
		default:
			if err := a.exception(k.Type, t.ControlNumber, set.Pos, "", fmt.Sprintf("answers GS06 %d ST02 %d with code %q, which is neither an acceptance nor a rejection", gs06, st02, payerCode(set.Code))); err != nil {
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
		src := ledger.Source{Kind: k.Type, Transaction: t.ControlNumber, Position: set.Pos.Position, Reason: base}
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

// ik3Text describes one IK3 (and its IK4) without the bad data, which may
// be PHI.
func ik3Text(e *ack.Error) string {
	s := fmt.Sprintf("%s at position %d: %s", payerCode(e.SegmentID), e.Position, ack.SegmentErrorDescription(e.Code))
	if e.ElementError != nil {
		s += fmt.Sprintf(", element %d: %s", e.ElementPosition, ack.ElementErrorDescription(e.ElementCode))
	}
	return s
}

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
		} else if c.PayerClaimControlNumber != "" && (cur.PayerClaimNumber == "" || allowed(cur.Status, to, kind)) {
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

// statusText is an STC status composite as a claim's history and events
// give it: category:code:entity.
func statusText(st *status.Status) string {
	return strings.Trim(payerCode(st.Category)+":"+payerCode(st.Code)+":"+payerCode(st.Entity), ":")
}

// payerCode is a code value from a payer file as a claim's history and its
// events may carry it. The codes they quote (TA1 note codes, 999 segment
// IDs and IK5 codes, STC categories, status and entity codes, CLP02) have
// one to three letters and digits; anything else is not a code but data in
// the wrong place, which may be PHI (a name, a member ID), and becomes "?".
func payerCode(s string) string {
	if len(s) > 3 {
		return "?"
	}
	for i := range len(s) {
		if c := s[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return "?"
		}
	}
	return s
}
