// Package inbound is the payer-file processor: each file the poller picked
// up is decoded and applied to the claims in one ledger transaction. TA1s
// and 999s acknowledge or reject what was sent (acks.go), 277CAs and 277s
// accept, pend or reject claims (status.go), 835s post payments and
// denials (remit.go), each matched to its claim (match.go); what matches no
// claim becomes an exception, which a person can match by hand
// (manual.go).
package inbound

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/ack"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/status"
)

// payerFileTimeout bounds applying one payer file. A file is one ledger
// transaction, and a large 835 takes long (the README's speed table has
// what one of 100,000 CLPs takes). While it runs the worker keeps the
// message (in-progress reports every 10 s), so another replica does not
// take it.
const payerFileTimeout = 15 * time.Minute

// Processor is the inbound stage.
type Processor struct{ o gateway.Options }

// New returns the processor.
func New(o gateway.Options) (*Processor, error) {
	o, err := o.Defaults()
	return &Processor{o: o}, err
}

// Run applies the payer files the poller hands over until ctx ends.
//
// A payer file is delivered until it is applied: a file is never given
// up on for its count of deliveries (a ledger outage, or a crash in the
// middle of its last delivery, would lose a payment). Once it has waited
// the OrderWait since it was handed over, a CLP that cannot be posted is
// an exception instead of a reason to wait (notYet); errors (the ledger's,
// a deadlock) are retried with backoff, and use up no tries: the wait is
// counted in time, not deliveries. Only a file the ledger does not have
// is parked.
func (p *Processor) Run(ctx context.Context) error {
	w := p.o.Worker(queue.StreamFilesIn, "inbound", p.Process)
	w.Timeout = payerFileTimeout
	w.MaxDeliver = queue.Unlimited
	return w.Run(ctx)
}

// errNotDelivered is returned while a payer file answers claims whose
// file the deliverer has not yet marked delivered: the payer can answer
// between the upload's rename and the ledger's commit. Nothing of the file
// is applied; the message comes back after a backoff and is applied then.
var errNotDelivered = errors.New("the payer answered claims whose file is not marked delivered yet")

// notYet is returned, while a payer file has waited less than the
// OrderWait, for a CLP that cannot be posted (RefusedError): payer files
// can be applied out of order (two replicas, one poll that picks up
// several, a file whose apply a crash or a database restart put off), and
// the payment a reversal undoes, or the reversal a correction follows, may
// be in a file not applied yet. Nothing of the file is applied; it comes
// back after a backoff. After the wait the CLP goes to the exceptions
// instead.
type notYet struct{ *RefusedError }

func (e notYet) Error() string {
	return e.RefusedError.Error() + " (yet: the file is applied again later, in case another file comes first)"
}

// Process applies one payer file to the ledger: every change it
// makes and the file's processed mark commit together, so a redelivered
// message or a file picked up twice changes nothing.
func (p *Processor) Process(ctx context.Context, m *queue.Message) error {
	sha := string(m.Data)
	in, err := p.o.Ledger.InboundContent(ctx, sha)
	if errors.Is(err, ledger.ErrNotFound) {
		return queue.Permanent(err)
	}
	if err != nil {
		return err
	}
	f, err := readPayerFile(in.Content)
	if err != nil {
		return err
	}
	var a *applier
	err = p.o.Ledger.ApplyInbound(ctx, sha, func(tx *ledger.Tx) error {
		a = &applier{tx: tx, file: in, read: f, route: senders(p.o.Payer(in.PayerID)),
			waited: !m.Published.IsZero() && p.o.Now().Sub(m.Published) >= p.o.OrderWait}
		return a.apply()
	})
	if errors.Is(err, ledger.ErrProcessed) {
		return nil
	}
	if err != nil {
		return err
	}
	p.o.Log.Info().Str("payer", in.PayerID).Str("file", in.Name).Str("kind", in.Kind).Str("sha256", sha).
		Int("changes", a.moved).Int("unmatched", a.unmatched).Int("errors", len(f.doc.Errors)).Msg("payer file applied")
	p.o.Events.Nudge()
	return nil
}

// applier matches one payer file's content to claims within one ledger
// transaction.
type applier struct {
	tx     *ledger.Tx
	file   *ledger.InboundFile
	read   *payerFile // the file's content, as read
	route  *route     // who the file must come from, nil when its payer has no route
	waited bool       // the file has waited the OrderWait: a CLP refused now is an exception (see notYet)
	// byHand posts an 835 that does not balance: an operator said so
	// (PostException); nil otherwise.
	byHand    *byHand
	byPayerNo payerNumbers // the claims the file's CLPs were posted to, by CLP07, for PLB references
	cob       cobPosted    // what a transaction set posted to claims with a payer after them (billNext)
	moved     int          // claims moved (each with its event, in the ledger's outbox)
	unmatched int
	reasons   map[string]*reasonItems // by reason class: the items parked (item)
	groups    []*grouped              // as their first item came
	class     []byte                  // the reason class of the last item
}

func (a *applier) apply() error {
	doc := a.read.doc
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
	if len(doc.Interchanges) > 0 {
		// Every interchange is checked before any is applied: nothing is
		// posted from a file cut short, not even the interchanges before
		// the cut (see cut).
		if why, at := cut(doc); why != "" {
			return a.exception(a.file.Kind, "", x12.Position{Position: -at}, "", why)
		}
	}
	refs := setRefs(doc)
	applied, ta1s := 0, 0
	for i, ic := range doc.Interchanges {
		if why := a.foreign(ic); why != "" {
			if err := a.exception(a.file.Kind, "", x12.Position{Position: -(i + 1)}, "", why); err != nil {
				return err
			}
			continue
		}
		for _, t := range ic.TA1 {
			ta1s++
			applied++
			if err := a.ta1(t, ta1s); err != nil {
				return err
			}
		}
		for _, grp := range ic.Groups {
			for _, t := range grp.Transactions {
				t := withRef(t, refs[t])
				if why := whole(doc, ic, grp, t); why != "" {
					if err := a.exception(a.file.Kind, t.ControlNumber, x12.Position{}, "", why); err != nil {
						return err
					}
					continue
				}
				var err error
				switch c := t.Content().(type) {
				case *ack.Acknowledgment:
					err = a.ack(t, c)
				case *status.ClaimStatus:
					err = a.status(t, c)
				case *remit.Remittance:
					err = a.remit(grp, t, c)
				default:
					err = a.exception(a.file.Kind, t.ControlNumber, x12.Position{}, "", "transaction set "+payerCode(t.Type)+
						" is not one the gateway applies (TA1, 999, 997, 277CA, 277, 835): not applied; the file is kept")
				}
				if err != nil {
					return err
				}
				applied++
			}
		}
	}
	if err := a.addGrouped(); err != nil {
		return err
	}
	if len(doc.Interchanges) == 0 || applied == 0 && a.unmatched == 0 {
		return a.exception(a.file.Kind, "", x12.Position{}, "", "the file holds nothing the gateway can read and apply ("+
			errorCodes(doc.Errors, nil)+"): not applied; it is kept with its errors")
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
	if !ledger.Allowed(c.Status, to, src.Kind) {
		return nil
	}
	src.File, src.Actor, src.Paid = a.file.SHA256, "processor", paid
	if _, err := a.tx.Transition(claimID, to, src); err != nil {
		return err
	}
	a.moved++
	return nil
}

func (a *applier) exception(kind, st02 string, pos x12.Position, pcn, reason string) error {
	a.unmatched++
	return a.tx.AddException(ledger.Exception{InboundSHA256: a.file.SHA256, Kind: kind, ST02: st02, Position: pos.Position, PCN: pcn, Reason: reason})
}

// A payer file's exceptions are bounded (issue 17: an 835 that repeated
// one CLP 204,281 times opened 204,280 exceptions, one a CLP refused as
// paid before): the items of its transaction sets (CLPs, 277 claims, a
// 999's answers to sets) failing for the same reason are exceptions of
// their own up to perReason, which an operator matches one by one, and
// the rest one exception more, which counts them and lists the first
// listedItems. The exceptions table grows by the reasons, not the items.
const (
	perReason   = 100
	listedItems = 1000
)

// reasonItems are the items of a payer file parked for one reason.
type reasonItems struct {
	own   int      // as exceptions of their own
	group *grouped // past perReason, nil before
}

// grouped is the exception that stands for the items of a payer file past
// the first perReason failing for one reason.
type grouped struct {
	kind, reason string // of the first item
	count        int
	items        []ledger.ExceptionItem // the first listedItems
	noted        map[string]bool        // the claims whose history says that one of them names them
}

// item parks a payer's item that cannot be applied as an exception of its
// own, or, past the first perReason of the file for its reason, in the
// exception that groups the rest, which it returns (nil for one of its
// own).
func (a *applier) item(kind, st02 string, pos x12.Position, pcn, reason string) (*grouped, error) {
	a.class = appendReasonClass(a.class[:0], kind, reason)
	r := a.reasons[string(a.class)]
	if r == nil {
		if a.reasons == nil {
			a.reasons = map[string]*reasonItems{}
		}
		r = &reasonItems{}
		a.reasons[string(a.class)] = r
	}
	if r.own < perReason {
		r.own++
		return nil, a.exception(kind, st02, pos, pcn, reason)
	}
	a.unmatched++
	g := r.group
	if g == nil {
		g = &grouped{kind: kind, reason: reason, noted: map[string]bool{}}
		r.group = g
		a.groups = append(a.groups, g)
	}
	g.count++
	if len(g.items) < listedItems {
		g.items = append(g.items, ledger.ExceptionItem{ST02: st02, Position: pos.Position, PCN: pcn})
	}
	return g, nil
}

// addGrouped adds the exceptions that group items (item), once all the
// file's items are seen. Each is at the place of its first item, which has
// no exception of its own; a group of one item is that item's exception.
func (a *applier) addGrouped() error {
	for _, g := range a.groups {
		first := g.items[0]
		if g.count == 1 {
			// One item past perReason is an exception of its own, as those
			// before it: one claim's, which can be matched.
			if err := a.tx.AddException(ledger.Exception{InboundSHA256: a.file.SHA256, Kind: g.kind, ST02: first.ST02, Position: first.Position,
				PCN: first.PCN, Reason: g.reason}); err != nil {
				return err
			}
			continue
		}
		reason := fmt.Sprintf("%d more %s for the same reason as the %d exceptions of their own before them, the first of which says: %s. "+
			"Nothing of them is applied; items lists the first %d (ST02, position, PCN). This exception cannot be matched to one claim: dismiss it once they are dealt with",
			g.count, itemsOf(g.kind), perReason, g.reason, len(g.items))
		if err := a.tx.AddException(ledger.Exception{InboundSHA256: a.file.SHA256, Kind: g.kind, ST02: first.ST02, Position: first.Position, PCN: first.PCN,
			Reason: reason, Count: g.count, Items: g.items}); err != nil {
			return err
		}
	}
	return nil
}

// itemsOf names the items of a payer file of a kind, as a grouped
// exception counts them.
func itemsOf(kind string) string {
	switch kind {
	case "835":
		return "CLPs"
	case "277CA", "277":
		return "claims"
	}
	return "answers to transaction sets"
}

// appendReasonClass appends to b what a payer file's items that cannot be
// applied are grouped by: their kind and their reason without its numbers
// (amounts, counts, line and control numbers), so that "line 1 was
// adjudicated before" and "line 2 was adjudicated before" are one reason.
func appendReasonClass(b []byte, kind, reason string) []byte {
	b = append(append(b, kind...), ' ')
	for i := 0; i < len(reason); i++ {
		if c := reason[i]; c < '0' || c > '9' {
			b = append(b, c)
		} else if i == 0 || reason[i-1] < '0' || reason[i-1] > '9' {
			b = append(b, '#')
		}
	}
	return b
}

// noMatch parks a payer's item no claim took as an exception, and notes
// in the history of each claim it could not tell apart that it names it
// (their status unchanged): a payer's answer is never silently lost. Of
// the items an exception groups, a claim gets one note.
func (a *applier) noMatch(kind string, t *x12.Transaction, pos x12.Position, pcn string, m matched) error {
	g, err := a.item(kind, t.ControlNumber, pos, pcn, m.warning)
	if err != nil {
		return err
	}
	for _, id := range m.tied {
		if g != nil {
			if g.noted[id] {
				continue
			}
			g.noted[id] = true
		}
		src := ledger.Source{Kind: kind, File: a.file.SHA256, Transaction: t.ControlNumber, Position: pos.Position, Actor: "processor",
			Reason: fmt.Sprintf("the %s names this claim, but also %d other claims it cannot be told from: nothing applied; an exception is open", kind, len(m.tied)-1)}
		if err := a.tx.Note(id, src); err != nil {
			return err
		}
	}
	return nil
}

// moveCurrent moves the claims a file's answer (a TA1 or 999) names whose
// latest file it is: a claim sent again in another file since is left to
// that file's answers. Each change names the 837 set answered (answered).
func (a *applier) moveCurrent(claims []ledger.FileClaim, to ledger.Status, src ledger.Source) error {
	for _, fc := range claims {
		if !fc.Current {
			continue
		}
		src.Transaction = answered(fc)
		if err := a.move(fc.ClaimID, to, src, 0); err != nil {
			return err
		}
	}
	return nil
}
