package ack

import (
	"bytes"
	"strconv"

	"github.com/claimsgw/claimsgw/x12"
)

// Error codes the decoder reports, beside x12.CodeSyntax for a number that
// does not parse.
const (
	CodeMissingSegment    = "missing_segment"    // a segment the guide requires is absent
	CodeUnexpectedSegment = "unexpected_segment" // a segment where it cannot be, or unknown to the set
	CodeCodeValue         = "code_value"         // an acknowledgment code that is not in its list
	CodeAckCount          = "ack_count"          // AK9 counts that disagree with the AK2 loops (999)
)

// Decoder decodes one 999 or 997 transaction set; it is an x12.Decoder.
type Decoder struct {
	ack     *Acknowledgment
	tx      *Transaction // open AK2 loop
	seg     *Error       // open IK3 loop
	segUsed bool         // seg already holds an IK4: the next one makes a new Error
	el      *ElementError
	ctl     x12.Control
	last    x12.Position
	lastID  string
	noAK1   bool // missing AK1 reported
	errs    []*x12.Error
}

// NewDecoder returns a Decoder for one transaction set.
func NewDecoder() *Decoder { return &Decoder{} }

// Segment implements x12.Decoder.
func (d *Decoder) Segment(r *x12.Reader, s *x12.Segment) {
	p := r.Position(s)
	if s.ID() == "ST" { // the control numbers stay those of the set
		d.ctl.Interchange, d.ctl.Group, d.ctl.Transaction = r.Control()
	}
	d.last, d.lastID = p, s.ID()
	if d.ack == nil {
		d.ack = &Acknowledgment{Pos: p, Transactions: []*Transaction{}}
	}
	switch s.ID() {
	case "ST":
		d.ack.Type, d.ack.Implementation = s.Str(1), s.Str(3)
	case "AK1":
		if d.ack.Group != nil {
			d.errorf(p, "AK1", 0, 0, CodeUnexpectedSegment, "a second AK1 in the set")
			return
		}
		d.ack.Group = &Group{Pos: p, FunctionalID: s.Str(1), ControlNumber: s.Str(2), Version: s.Str(3)}
	case "AK2":
		d.endTransaction()
		d.needAK1(p, "AK2")
		d.tx = &Transaction{Pos: p, TransactionID: s.Str(1), ControlNumber: s.Str(2), Implementation: s.Str(3)}
		d.ack.Transactions = append(d.ack.Transactions, d.tx)
	case "IK3", "AK3":
		if d.tx == nil || d.tx.Code != "" {
			d.errorf(p, s.ID(), 0, 0, CodeUnexpectedSegment, "%s outside an AK2 loop", s.ID())
			return
		}
		d.seg = &Error{Pos: p, SegmentID: s.Str(1), Position: d.int(p, s, 2, 0), Loop: s.Str(3), Code: s.Str(4)}
		d.segUsed, d.el = false, nil
		d.checkCode(p, s, 4, segmentErrors)
		d.tx.Errors = append(d.tx.Errors, d.seg)
	case "IK4", "AK4":
		if d.seg == nil {
			d.errorf(p, s.ID(), 0, 0, CodeUnexpectedSegment, "%s without the %s3 it belongs to", s.ID(), s.ID()[:2])
			return
		}
		d.el = &ElementError{
			Pos: p, ElementPosition: d.int(p, s, 1, 1), ComponentPosition: d.int(p, s, 1, 2), RepeatPosition: d.int(p, s, 1, 3),
			ElementReference: s.Str(2), ElementCode: s.Str(3), BadValue: s.Str(4),
		}
		d.checkCode(p, s, 3, elementErrors)
		if d.segUsed {
			e := *d.seg
			d.seg = &e
			d.tx.Errors = append(d.tx.Errors, d.seg)
		}
		d.seg.ElementError, d.segUsed = d.el, true
	case "CTX":
		c := d.context(p, s)
		switch {
		case d.el != nil:
			d.el.ElementContexts = append(d.el.ElementContexts, c)
		case d.seg != nil:
			d.seg.Contexts = append(d.seg.Contexts, c)
		default:
			d.errorf(p, "CTX", 0, 0, CodeUnexpectedSegment, "CTX outside an IK3 loop")
		}
	case "IK5", "AK5":
		if d.tx == nil || d.tx.Code != "" {
			d.errorf(p, s.ID(), 0, 0, CodeUnexpectedSegment, "%s outside an AK2 loop, or a second one in it", s.ID())
			return
		}
		d.tx.ResponsePos, d.tx.Code, d.tx.ErrorCodes = p, s.Str(1), codes(s, 2, 6)
		d.checkCode(p, s, 1, transactionCodes)
		d.seg, d.el = nil, nil
	case "AK9":
		d.endTransaction()
		d.tx = nil
		d.needAK1(p, "AK9")
		g := d.ack.Group
		if g == nil {
			return
		}
		if g.TrailerPos.Index != 0 {
			d.errorf(p, "AK9", 0, 0, CodeUnexpectedSegment, "a second AK9 in the set")
			return
		}
		g.TrailerPos, g.Code, g.ErrorCodes = p, s.Str(1), codes(s, 5, 9)
		g.Included, g.Received, g.Accepted = d.int(p, s, 2, 0), d.int(p, s, 3, 0), d.int(p, s, 4, 0)
		d.checkCode(p, s, 1, groupCodes)
		if d.ack.Type == "999" {
			d.checkCounts(p, g)
		}
	case "SE":
	default:
		d.errorf(p, s.ID(), 0, 0, CodeUnexpectedSegment, "segment %s is not part of a %s", s.ID(), d.ack.Type)
	}
}

// Finish implements x12.Decoder.
func (d *Decoder) Finish() (any, []*x12.Error) {
	if d.ack == nil {
		return nil, nil
	}
	d.endTransaction()
	d.needAK1(d.last, d.lastID)
	if d.ack.Group != nil && d.ack.Group.TrailerPos.Index == 0 {
		d.errorf(d.last, d.lastID, 0, 0, CodeMissingSegment, "the set has no AK9")
	}
	return d.ack, d.errs
}

// endTransaction closes the open AK2 loop.
func (d *Decoder) endTransaction() {
	if d.tx != nil && d.tx.Code == "" {
		d.errorf(d.tx.Pos, "AK2", 0, 0, CodeMissingSegment, "the AK2 loop has no IK5")
	}
	d.tx, d.seg, d.el = nil, nil, nil
}

func (d *Decoder) needAK1(p x12.Position, id string) {
	if d.ack.Group == nil && !d.noAK1 {
		d.noAK1 = true
		d.errorf(p, id, 0, 0, CodeMissingSegment, "the set has no AK1 before %s", id)
	}
}

// checkCounts compares AK9 with the AK2 loops of a 999, which has one for
// every set of the group acknowledged.
func (d *Decoder) checkCounts(p x12.Position, g *Group) {
	accepted := 0
	for _, tx := range d.ack.Transactions {
		if tx.Code == "A" || tx.Code == "E" {
			accepted++
		}
	}
	if n := len(d.ack.Transactions); g.Included != n {
		d.errorf(p, "AK9", 2, 0, CodeAckCount, "AK902 says %d sets included but there are %d AK2 loops", g.Included, n)
	}
	if g.Accepted != accepted {
		d.errorf(p, "AK9", 4, 0, CodeAckCount, "AK904 says %d sets accepted but %d IK5 accept (A or E)", g.Accepted, accepted)
	}
}

func (d *Decoder) context(p x12.Position, s *x12.Segment) *Context {
	c := &Context{
		Pos: p, Kind: "business_unit", SegmentID: s.Str(2), Position: d.int(p, s, 3, 0), Loop: s.Str(4),
		ElementPosition: d.int(p, s, 5, 1), ComponentPosition: d.int(p, s, 5, 2), RepeatPosition: d.int(p, s, 5, 3),
		ElementReference: string(s.Component(6, 1)),
	}
	comp := []byte{s.Delimiters().Component}
	for i := 1; ; i++ {
		rep := s.Repetition(1, i)
		if rep == nil {
			break
		}
		name, ref, _ := bytes.Cut(rep, comp)
		c.IDs = append(c.IDs, ContextID{Name: string(name), Reference: string(ref)})
	}
	if len(c.IDs) > 0 && c.IDs[0].Name == "SITUATIONAL TRIGGER" {
		c.Kind = "segment"
	}
	return c
}

// int reads element n (component c when c > 0) as a count or position; an
// absent value is 0, one that is not a number is reported.
func (d *Decoder) int(p x12.Position, s *x12.Segment, n, c int) int {
	v := s.Element(n)
	if c > 0 {
		v = s.Component(n, c)
	}
	if len(v) == 0 {
		return 0
	}
	i, err := strconv.Atoi(string(v))
	if err != nil || i < 0 {
		d.errorf(p, s.ID(), n, c, x12.CodeSyntax, "%s%02d is not a number", s.ID(), n)
		return 0
	}
	return i
}

// checkCode reports element n when it is set to a code not in table.
func (d *Decoder) checkCode(p x12.Position, s *x12.Segment, n int, table map[string]string) {
	if v := s.Element(n); len(v) > 0 && table[string(v)] == "" {
		d.errorf(p, s.ID(), n, 0, CodeCodeValue, "%s%02d is not a known code", s.ID(), n)
	}
}

// codes returns the non-empty elements from..to.
func codes(s *x12.Segment, from, to int) []string {
	var out []string
	for n := from; n <= to; n++ {
		if v := s.Str(n); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (d *Decoder) errorf(p x12.Position, id string, elem, comp int, code, format string, args ...any) {
	d.errs = append(d.errs, d.ctl.Errorf(p, id, elem, comp, x12.SeverityError, code, format, args...))
}

// ErrorsSoFar are the problems found so far, for a checker reading beside
// the decoder to give them their loop (package sets).
func (d *Decoder) ErrorsSoFar() []*x12.Error { return d.errs }
