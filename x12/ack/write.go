package ack

import (
	"slices"
	"strconv"
	"time"

	"github.com/claimsgw/claimsgw/x12"
)

// Write writes a 999 transaction set (ST to SE) for an acknowledgment of
// one functional group: AK1, an AK2 loop per transaction set answered
// (IK3 for each segment in error, IK4 for each element, IK5), AK9. A
// group rejected whole (a.Group.Code R with error codes) may answer no set.
// st02 is the set's control number, unique in the 999's group.
func Write(w *x12.Writer, st02 int, a *Acknowledgment) {
	w.BeginTransaction("999", st02, "005010X231A1")
	g := a.Group
	w.Segment("AK1", g.FunctionalID, g.ControlNumber, g.Version)
	for _, t := range a.Transactions {
		w.Segment("AK2", t.TransactionID, t.ControlNumber, t.Implementation)
		var last *Error
		for _, e := range t.Errors {
			if last == nil || e.SegmentID != last.SegmentID || e.Position != last.Position || e.Code != last.Code {
				w.Segment("IK3", e.SegmentID, strconv.Itoa(e.Position), e.Loop, e.Code)
				for _, c := range e.Contexts {
					writeContext(w, c)
				}
			}
			last = e
			if ee := e.ElementError; ee != nil {
				w.Begin("IK4")
				w.Element(strconv.Itoa(ee.ElementPosition))
				if ee.ComponentPosition > 0 {
					w.Component(strconv.Itoa(ee.ComponentPosition))
				}
				w.Element(ee.ElementReference)
				w.Element(ee.ElementCode)
				w.End()
				for _, c := range ee.ElementContexts {
					writeContext(w, c)
				}
			}
		}
		w.Segment("IK5", append([]string{t.Code}, t.ErrorCodes...)...)
	}
	w.Segment("AK9", append([]string{g.Code, strconv.Itoa(g.Included), strconv.Itoa(g.Received), strconv.Itoa(g.Accepted)}, g.ErrorCodes...)...)
	w.EndTransaction()
}

// writeContext writes a CTX: CTX01 its name and reference (CLM01:PCN1,
// or SITUATIONAL TRIGGER), then for a segment context the segment, its
// position and loop, and the element (CTX05) and its reference (CTX06).
func writeContext(w *x12.Writer, c *Context) {
	w.Begin("CTX")
	for i, id := range c.IDs {
		if i == 0 {
			w.Element(id.Name)
		} else {
			w.Repeat(id.Name)
		}
		if id.Reference != "" {
			w.Component(id.Reference)
		}
	}
	if c.Kind == "segment" {
		w.Element(c.SegmentID)
		w.Element(strconv.Itoa(c.Position))
		w.Element(c.Loop)
		w.Element(number(c.ElementPosition))
		if c.ComponentPosition > 0 || c.RepeatPosition > 0 {
			w.Component(number(c.ComponentPosition))
		}
		if c.RepeatPosition > 0 {
			w.Component(number(c.RepeatPosition))
		}
		w.Element(c.ElementReference)
	}
	w.End()
}

// number is n written, "" for 0 (not given).
func number(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// WriteTA1 writes a TA1 answering the interchange of control number isa13
// (ISA13 as it came): code A, E or R, and its TA105 note code.
func WriteTA1(w *x12.Writer, isa13 string, at time.Time, code, note string) {
	w.Segment("TA1", isa13, at.Format("060102"), at.Format("1504"), code, note)
}

// For answers a functional group read from a file as a strict payer
// would, from the problems found in it (x12.File.Errors, the guide's
// included): each transaction set accepted (A) or rejected (R, IK502 5)
// with an IK3 for each segment in error (and its claim's CTX*CLM01 when
// the set's content says which claim holds the segment: ClaimAt, as an
// 837's claim.Set does) and an IK4 for each element; a
// group whose trailer is wrong (GE01, GE02, no GE) rejected whole, with
// AK905 and no set answered: GE01 5, GE02 4, no GE 3, a GS06 used by
// another group of the interchange 19, a GS06 that is no number 6. A set
// whose ST02 another set of its group has is rejected with IK502 23, one
// whose ST02 is not 4 to 9 characters with IK502 7.
func For(g *x12.Group, errs []*x12.Error) *Acknowledgment {
	a := &Acknowledgment{Type: "999", Implementation: "005010X231A1",
		Group: &Group{FunctionalID: g.FunctionalID, ControlNumber: g.ControlNumber, Version: g.Version}}
	n := len(g.Transactions)
	a.Group.Included, a.Group.Received = n, n
	for _, e := range errs {
		if e.Group == g.ControlNumber && e.Severity == x12.SeverityError && groupsOwn(e) {
			a.Group.Code, a.Group.ErrorCodes = "R", []string{groupErrorCode(e)}
			return a
		}
	}
	for _, t := range g.Transactions {
		set := &Transaction{TransactionID: t.Type, ControlNumber: t.ControlNumber, Implementation: t.Implementation, Code: "A"}
		for _, e := range errs {
			if e.Group != g.ControlNumber || e.Transaction != t.ControlNumber || e.Severity != x12.SeverityError {
				continue
			}
			set.Code = "R"
			id, pos := e.SegmentID, e.SegmentIndex-t.Index+1
			// The trailer's errors are the set's (IK502 2, 3, 4); a missing
			// SE is also named as a missing segment, where it was due.
			switch {
			case e.Code == x12.CodeMissingTrailer || e.Code == x12.CodeUnterminated:
				set.ErrorCodes = addCode(set.ErrorCodes, "2") // transaction set trailer missing
				if id == "" {
					pos++
				}
				id = "SE"
			case id == "SE" && e.Code == x12.CodeControlNumber:
				set.ErrorCodes = addCode(set.ErrorCodes, "3") // control numbers in header and trailer do not match
				continue
			case id == "SE" && e.Code == x12.CodeSegmentCount:
				set.ErrorCodes = addCode(set.ErrorCodes, "4") // number of included segments does not match the count
				continue
			case id == "ST" && e.Element == 2 && e.Code == x12.CodeDuplicateControl:
				set.ErrorCodes = addCode(set.ErrorCodes, "23") // transaction set control number not unique within the functional group
				continue
			case id == "ST" && e.Element == 2:
				set.ErrorCodes = addCode(set.ErrorCodes, "7") // missing or invalid transaction set control number
				continue
			default:
				set.ErrorCodes = addCode(set.ErrorCodes, "5") // one or more segments in error
			}
			ie := &Error{SegmentID: id, Position: pos, Loop: e.Loop, Code: orCode(e.IK3, "8")}
			if c, ok := t.Content().(interface{ ClaimAt(int) (string, bool) }); ok {
				// The claim the segment is in (its 2300 or 2400 loop), as
				// the guide wants it named: CTX*CLM01:PCN.
				if pcn, ok := c.ClaimAt(pos); ok {
					ie.Contexts = []*Context{{Kind: "business_unit", IDs: []ContextID{{Name: "CLM01", Reference: pcn}}}}
				}
			}
			if e.Element > 0 && e.IK4 != "" {
				ie.ElementError = &ElementError{ElementPosition: e.Element, ComponentPosition: e.Component, ElementCode: e.IK4}
			}
			set.Errors = append(set.Errors, ie)
		}
		if set.Code == "A" {
			a.Group.Accepted++
		}
		a.Transactions = append(a.Transactions, set)
	}
	switch {
	case a.Group.Accepted == n:
		a.Group.Code = "A"
	case a.Group.Accepted == 0:
		a.Group.Code = "R"
	default:
		a.Group.Code = "P"
	}
	return a
}

// addCode adds an IK502-IK506 code once; a set has five at most.
func addCode(codes []string, c string) []string {
	if slices.Contains(codes, c) || len(codes) == 5 {
		return codes
	}
	return append(codes, c)
}

// groupsOwn reports whether an error rejects its functional group (a
// 999's AK9 R with AK905) rather than a transaction set or the
// interchange (a TA1): an error of the group outside its sets, but at its
// GS, which is the interchange's, except GS06, the group's own number.
func groupsOwn(e *x12.Error) bool {
	if e.Transaction != "" {
		return false
	}
	if e.SegmentID == "GS" {
		return e.Element == 6
	}
	return e.Group != ""
}

// groupErrorCode is the AK905 code of a group's error.
func groupErrorCode(e *x12.Error) string {
	switch e.Code {
	case x12.CodeControlNumber:
		return "4" // group control number in header and trailer do not agree
	case x12.CodeTransactionCnt:
		return "5" // number of included transaction sets does not match actual count
	case x12.CodeDuplicateControl:
		return "19" // functional group control number not unique within interchange
	case x12.CodeSyntax:
		if e.SegmentID == "GS" {
			return "6" // group control number violates syntax
		}
	}
	return "3" // group trailer missing
}

// TA1Note is the TA105 note code of an interchange rejected for its
// problems (those of no group), or "" when none rejects it.
func TA1Note(ic *x12.Interchange, errs []*x12.Error) string {
	note := ""
	for _, e := range errs {
		if e.Interchange != ic.ControlNumber || e.Severity != x12.SeverityError || e.Transaction != "" || groupsOwn(e) {
			continue
		}
		switch e.Code {
		case x12.CodeControlNumber:
			return "001" // interchange control numbers in header and trailer do not match
		case x12.CodeGroupCount:
			return "021" // invalid number of included groups value
		case x12.CodeMissingTrailer, x12.CodeUnterminated:
			return "023" // premature end of file
		case x12.CodeDuplicateISA13:
			return "025" // duplicate interchange control number
		}
		note = "024" // invalid interchange content
	}
	return note
}

func orCode(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
