package payersim

import (
	"bytes"
	"cmp"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/ack"
)

// Payer is the simulated payer's behaviour: what it answers to an 837
// file. It is deterministic: the same seed and the same files give the
// same answers, byte for byte (but for the dates, from Now).
//
// For each 837 interchange it sends a TA1 when the interchange cannot be
// read (or when ISA14 asks for one), a 999 with one answer per transaction
// set (rejecting the sets the x12 reader finds envelope or syntax errors
// in), a 277CA for the claims of the accepted sets, and 835s for the
// claims it accepted: see Outcome for who gets paid how. It reads 837P,
// 837I and 837D claims alike (SV1, SV2, SV3; an 837D's date of service
// may be its 2300 DTP*472), and its 835s name each line's procedure with
// the qualifier it came with (SVC01-1 HC, AD for CDT codes). An 837D
// predetermination of benefits (CLM19 PB) gets an 835 CLP02 25,
// predetermination pricing only: nothing paid, the payer's anticipated
// payment OA-101, the rest CO-45.
//
// It answers a claim as the claim's 2000B SBR01 says it is: a primary (P,
// or any other code) by Outcome; a secondary or tertiary (S, T) after the
// prior payers' adjudication the 837 carries (2320/2430), and a claim
// crossed over to it by a primary (CrossOver) the same way: the rule is
// secondary.go's. A void (CLM05-3 8) is answered as void.go says.
type Payer struct {
	Seed  uint64
	ID    string // its ISA/GS ID and payer ID (2010BB, REF*2U)
	Name  string
	TaxID string // TRN03 and BPR10: 1 + its nine-digit tax id
	Now   func() time.Time
	// MinAge leaves an uploaded file unanswered until it is this old (by
	// its modification time), as a payer that answers later than at once.
	MinAge time.Duration
	// Lenient checks an 837 for syntax and envelopes only, not for the
	// implementation guide's rules (package guide) a strict payer applies:
	// for answering 837s written elsewhere (the corpus's), whatever their
	// defects.
	Lenient bool
	// Codes, when set, are the code sets the payer adjudicates codes by:
	// what an edit would have caught at the gateway is denied (codes.go).
	Codes *codeset.Bundle
	// Crossover, when set, is called for each claim the payer forwards to
	// the secondary payer the claim lists (CLP02 19), after Answer has
	// made the 835 that says so: a secondary Payer's CrossOver takes it.
	Crossover func(CrossedOver)
	mu        sync.Mutex
	ctl       int           // last control number sent (ISA13, GS06 and ST02 alike)
	seq       int           // last answer file sequence
	crossed   []CrossedOver // claims crossed over to this payer, not yet answered
}

// Answer is one file the payer sends back.
type Answer struct {
	Name string
	Kind string // TA1, 999, 277CA, 835
	Data []byte
}

// Outcome is what the payer does with an accepted claim, decided by a
// hash of the seed and the patient control number.
type Outcome string

// Outcomes and their shares.
const (
	Paid          Outcome = "paid"           // 60%: CO-45 contractual, PR-3 copay or PR-2 coinsurance
	PartiallyPaid Outcome = "partially_paid" // 12%: the last line denied CO-97 (claims of two or more lines)
	Denied        Outcome = "denied"         // 10%: CLP02 4, CO-50 on every line, remark N130
	Split         Outcome = "split"          // 6%: two CLPs, lines divided (two or more lines)
	Reversed      Outcome = "reversed"       // 6%: paid, then reversed (CLP02 22) and paid again higher, with interest
	Forwarded     Outcome = "forwarded"      // 25% of the claims listing a secondary payer, none of the others: paid as primary and forwarded to it (CLP02 19, NM1*TT)
)

// RejectedMember reports whether the 277CA rejects a claim for its member
// ID: those ending in "99" are "not found" (STC A7:164:IL).
func RejectedMember(memberID string) bool { return strings.HasSuffix(memberID, "99") }

// OutcomeOf returns what the payer does, as primary, with a claim it
// accepts: listsSecondary says whether the claim lists a secondary payer
// (a 2320 with SBR01 S). Only such a claim is forwarded, 25% of them; the
// others have the shares above, the 6% share of Forwarded being Paid.
func (p *Payer) OutcomeOf(pcn string, lines int, listsSecondary bool) Outcome {
	if listsSecondary && p.hashPct(pcn, "crossover") < crossoverPct {
		return Forwarded
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", p.Seed, pcn)
	switch n := h.Sum64() % 100; {
	case n < 60:
		return Paid
	case n < 72:
		if lines >= 2 {
			return PartiallyPaid
		}
		return Paid
	case n < 82:
		return Denied
	case n < 88:
		if lines >= 2 {
			return Split
		}
		return Paid
	case n < 94:
		return Reversed
	default:
		return Paid // the share once forwarded whatever the claim
	}
}

// reversedLater reports whether the payer reverses its payment of the
// claim in a second 835 (Outcome Reversed) and pays it again.
func (p *Payer) reversedLater(c *recvClaim) bool {
	return !c.secondary() && c.Frequency != "8" && !c.Predetermination && !p.codingDenials(c).any() &&
		p.OutcomeOf(c.PCN, len(c.Lines), c.listedSecondary() != nil) == Reversed
}

// crossesOver reports whether the payer, as primary, forwards the claim
// to the secondary payer it lists.
func (p *Payer) crossesOver(c *recvClaim) bool {
	return !c.secondary() && c.Frequency != "8" && !c.Predetermination && !p.codingDenials(c).any() &&
		c.listedSecondary() != nil && p.OutcomeOf(c.PCN, len(c.Lines), true) == Forwarded
}

// Answer reads one 837 file and returns the files the payer sends back,
// in the order they must be read (their names sort in that order).
//
// An error means the payer could not write an answer (data in the 837
// that its delimiters cannot carry): the gateway's file was not answered.
func (p *Payer) Answer(name string, data []byte) ([]Answer, error) {
	out, crossed, err := p.answer(name, data)
	// The hook is called unlocked: the secondary may be this payer.
	if p.Crossover != nil && err == nil {
		for _, c := range crossed {
			p.Crossover(c)
		}
	}
	return out, err
}

func (p *Payer) answer(name string, data []byte) ([]Answer, []CrossedOver, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rcv := read837(data, !p.Lenient)
	base := strings.TrimSuffix(name, ".837")
	var out []Answer
	var err error
	add := func(kind string, data []byte, werr error) {
		if werr != nil {
			err = fmt.Errorf("payersim: %s answer to %s: %w", kind, name, werr)
			return
		}
		p.seq++
		out = append(out, Answer{Name: fmt.Sprintf("%06d_%s.%s", p.seq, base, kind), Kind: kind, Data: data})
	}
	if rcv.Fatal || rcv.ISA13 == "" || len(rcv.Errors) > 0 || len(rcv.Groups) == 0 {
		if rcv.ISA13 != "" {
			b, e := p.ta1(rcv, "R", cmp.Or(ack.TA1Note(&x12.Interchange{ControlNumber: rcv.ISA13}, rcv.Errors), "024"))
			add("TA1", b, e)
		}
		return out, nil, err
	}
	if rcv.AckRequested {
		b, e := p.ta1(rcv, "A", "000")
		add("TA1", b, e)
	}
	b, e := p.ack999(rcv)
	add("999", b, e)
	var accepted []*recvClaim
	for _, g := range rcv.Groups {
		if len(g.Errors) > 0 {
			continue // rejected whole
		}
		for _, s := range g.Sets {
			if len(s.Errors) == 0 {
				accepted = append(accepted, s.Claims...)
			}
		}
	}
	if len(accepted) == 0 || err != nil {
		return out, nil, err
	}
	b, e = p.ack277(rcv, accepted)
	add("277CA", b, e)
	var pay []*recvClaim
	for _, c := range accepted {
		if _, rejected := p.rejection(c); !rejected {
			pay = append(pay, c)
		}
	}
	var crossed []CrossedOver
	if len(pay) > 0 {
		b, e := p.remit(rcv, pay, false)
		add("835", b, e)
		var again []*recvClaim
		for _, c := range pay {
			if p.reversedLater(c) {
				again = append(again, c)
			}
			if p.crossesOver(c) {
				crossed = append(crossed, p.crossedOver(rcv, c, p.remitClaims(c, false)[0]))
			}
		}
		if len(again) > 0 {
			b, e := p.remit(rcv, again, true)
			add("835", b, e)
		}
	}
	return out, crossed, err
}

// writer starts an interchange from the payer back to the sender of rcv.
func (p *Payer) writer(buf *bytes.Buffer, rcv *received, functionalID, version string) *x12.Writer {
	w := x12.NewWriter(buf, x12.Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~', Suffix: "\n"})
	p.ctl++
	w.BeginInterchange(x12.InterchangeHeader{
		SenderQualifier: rcv.RecvQual, SenderID: rcv.RecvID, ReceiverQualifier: rcv.SenderQual, ReceiverID: rcv.SenderID,
		Time: p.now(), ControlNumber: p.ctl, Usage: usage(rcv.Usage),
	})
	if functionalID != "" {
		w.BeginGroup(x12.GroupHeader{FunctionalID: functionalID, SenderCode: p.ID, ReceiverCode: rcv.SenderID, Time: p.now(), ControlNumber: p.ctl, Version: version})
	}
	return w
}

func usage(u string) byte {
	if u == "P" {
		return 'P'
	}
	return 'T'
}

func (p *Payer) now() time.Time {
	if p.Now != nil {
		return p.Now().UTC()
	}
	return time.Now().UTC()
}

func (p *Payer) ta1(rcv *received, code, note string) ([]byte, error) {
	var buf bytes.Buffer
	w := p.writer(&buf, rcv, "", "")
	now := p.now()
	ack.WriteTA1(w, rcv.ISA13, now, code, note)
	w.EndInterchange()
	err := w.Flush()
	return buf.Bytes(), err
}

// ack999 answers each group and transaction set, with package ack's
// writer, as a strict payer would (ack.For): R with IK3/IK4 for the sets
// with errors, A for the others; a group whose trailer is wrong is
// rejected whole (AK9 R with its AK905 code, and no AK2).
func (p *Payer) ack999(rcv *received) ([]byte, error) {
	var buf bytes.Buffer
	w := p.writer(&buf, rcv, "FA", "005010X231A1")
	for i, g := range rcv.Groups {
		xg := &x12.Group{FunctionalID: g.FunctionalID, ControlNumber: g.GS06, Version: g.Version}
		errs := g.Errors
		for _, s := range g.Sets {
			xg.Transactions = append(xg.Transactions, &x12.Transaction{Type: "837", ControlNumber: s.ST02, Implementation: g.Version, Index: s.Index, Claims: s})
			errs = append(errs, s.Errors...)
		}
		// ST02 is unique in the group: one 999 set per group answered.
		ack.Write(w, i+1, ack.For(xg, errs))
	}
	w.EndGroup()
	w.EndInterchange()
	err := w.Flush()
	return buf.Bytes(), err
}
