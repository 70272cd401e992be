package payersim

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/claimsgw/claimsgw/x12"
)

// Payer is the simulated payer's behaviour: what it answers to an 837
// file. It is deterministic: the same seed and the same files give the
// same answers, byte for byte (but for the dates, from Now).
//
// For each 837 interchange it sends a TA1 when the interchange cannot be
// read (or when ISA14 asks for one), a 999 with one answer per transaction
// set (rejecting the sets the x12 reader finds envelope or syntax errors
// in), a 277CA for the claims of the accepted sets, and 835s for the
// claims it accepted: see Outcome for who gets paid how.
type Payer struct {
	Seed  uint64
	ID    string // its ISA/GS ID and payer ID (2010BB, REF*2U)
	Name  string
	TaxID string // TRN03 and BPR10: 1 + its nine-digit tax id
	Now   func() time.Time
	// MinAge leaves an uploaded file unanswered until it is this old (by
	// its modification time), as a payer that answers later than at once.
	MinAge time.Duration
	mu     sync.Mutex
	ctl    int // last control number sent (ISA13, GS06 and ST02 alike)
	seq    int // last answer file sequence
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
	Forwarded     Outcome = "forwarded"      // 6%: paid as primary and forwarded to a secondary (CLP02 19, NM1*TT)
)

// RejectedMember reports whether the 277CA rejects a claim for its member
// ID: those ending in "99" are "not found" (STC A7:164:IL).
func RejectedMember(memberID string) bool { return strings.HasSuffix(memberID, "99") }

// OutcomeOf returns what the payer does with a claim it accepts.
func (p *Payer) OutcomeOf(pcn string, lines int) Outcome {
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
		return Forwarded
	}
}

// Answer reads one 837 file and returns the files the payer sends back,
// in the order they must be read (their names sort in that order).
//
// An error means the payer could not write an answer (data in the 837
// that its delimiters cannot carry): the gateway's file was not answered.
func (p *Payer) Answer(name string, data []byte) ([]Answer, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rcv := read837(data)
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
			b, e := p.ta1(rcv, "R", ta1Note(rcv))
			add("TA1", b, e)
		}
		return out, err
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
		return out, err
	}
	b, e = p.ack277(rcv, accepted)
	add("277CA", b, e)
	var pay []*recvClaim
	for _, c := range accepted {
		if !RejectedMember(c.MemberID) {
			pay = append(pay, c)
		}
	}
	if len(pay) > 0 {
		b, e := p.remit(rcv, pay, false)
		add("835", b, e)
		var again []*recvClaim
		for _, c := range pay {
			if p.OutcomeOf(c.PCN, len(c.Lines)) == Reversed {
				again = append(again, c)
			}
		}
		if len(again) > 0 {
			b, e := p.remit(rcv, again, true)
			add("835", b, e)
		}
	}
	return out, err
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
	w.Segment("TA1", rcv.ISA13, now.Format("060102"), now.Format("1504"), code, note)
	w.EndInterchange()
	err := w.Flush()
	return buf.Bytes(), err
}

// ta1Note is the TA105 note code of an interchange the payer rejects:
// what its first error says.
func ta1Note(rcv *received) string {
	for _, e := range rcv.Errors {
		switch e.Code {
		case x12.CodeControlNumber:
			return "001" // interchange control numbers in header and trailer do not match
		case x12.CodeGroupCount:
			return "021" // invalid number of included groups value
		case x12.CodeMissingTrailer, x12.CodeUnterminated:
			return "023" // premature end of file
		}
	}
	return "024" // invalid interchange content (a GS that cannot be read, no group)
}

// ack999 answers each group and transaction set: R with IK3/IK4 for the
// sets with errors, A for the others. A group whose trailer is wrong is
// rejected whole: AK9 R with its AK905 code, and no AK2.
func (p *Payer) ack999(rcv *received) ([]byte, error) {
	var buf bytes.Buffer
	w := p.writer(&buf, rcv, "FA", "005010X231A1")
	for i, g := range rcv.Groups {
		// ST02 is unique in the group: one 999 set per group answered.
		w.BeginTransaction("999", i+1, "005010X231A1")
		w.Segment("AK1", g.FunctionalID, g.GS06, g.Version)
		if len(g.Errors) > 0 {
			n := strconv.Itoa(len(g.Sets))
			w.Segment("AK9", "R", n, n, "0", ak905(g.Errors[0]))
			w.EndTransaction()
			continue
		}
		accepted := 0
		for _, s := range g.Sets {
			w.Segment("AK2", "837", s.ST02, g.Version)
			if len(s.Errors) == 0 {
				accepted++
				w.Segment("IK5", "A")
				continue
			}
			for _, e := range s.Errors {
				id, pos := e.SegmentID, e.SegmentIndex-s.Index+1
				if e.Code == x12.CodeMissingTrailer {
					// The SE is missing: it was due where the next
					// header came, or after the last segment.
					if id == "" {
						pos++
					}
					id = "SE"
				}
				w.Segment("IK3", id, strconv.Itoa(pos), "", ik3Code(e))
				if e.Element > 0 {
					w.Segment("IK4", strconv.Itoa(e.Element), "", "7")
				}
			}
			w.Segment("IK5", "R", "5")
		}
		code := "A"
		switch {
		case accepted == 0:
			code = "R"
		case accepted < len(g.Sets):
			code = "P"
		}
		n := strconv.Itoa(len(g.Sets))
		w.Segment("AK9", code, n, n, strconv.Itoa(accepted))
		w.EndTransaction()
	}
	w.EndGroup()
	w.EndInterchange()
	err := w.Flush()
	return buf.Bytes(), err
}

// ak905 is the AK905 code of a group's error.
func ak905(e *x12.Error) string {
	switch e.Code {
	case x12.CodeControlNumber:
		return "4" // group control number in header and trailer do not agree
	case x12.CodeTransactionCnt:
		return "5" // number of included transaction sets does not match actual count
	}
	return "3" // group trailer missing
}

// ik3Code maps a reader error to an IK304 syntax error code.
func ik3Code(e *x12.Error) string {
	switch e.Code {
	case x12.CodeMissingTrailer:
		return "3" // required segment missing: the SE
	case x12.CodeSegmentCount, x12.CodeControlNumber:
		return "8" // segment has data element errors: the trailer's
	case x12.CodeOutsideEnvelope:
		return "2" // unexpected segment
	}
	return "8"
}
