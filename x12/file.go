package x12

import (
	"io"
	"time"
)

// File is the envelope structure of a stream, with every problem found in it.
// Its JSON form is the envelope level of the contract in
// shared/contracts/x12-json.md.
type File struct {
	Interchanges []*Interchange `json:"interchanges"`
	Segments     int            `json:"segment_count"`
	Errors       []*Error       `json:"errors"`
}

// Interchange is one ISA/IEA envelope.
type Interchange struct {
	ControlNumber     string   `json:"control_number"`
	SenderQualifier   string   `json:"sender_qualifier"`
	SenderID          string   `json:"sender_id"`
	ReceiverQualifier string   `json:"receiver_qualifier"`
	ReceiverID        string   `json:"receiver_id"`
	Date              string   `json:"date"`
	Time              string   `json:"time"`
	Usage             string   `json:"usage"`
	Version           string   `json:"version"`
	AckRequested      bool     `json:"ack_requested"`
	Delimiters        string   `json:"delimiters"` // element, component, repetition (space: none), terminator
	Offset            int64    `json:"offset"`
	TA1               []*TA1   `json:"ta1,omitempty"`
	Groups            []*Group `json:"groups"`
}

// TA1 is an interchange acknowledgment.
type TA1 struct {
	ControlNumber string `json:"control_number"` // ISA13 of the interchange acknowledged
	Date          string `json:"date"`
	Time          string `json:"time"`
	Code          string `json:"code"` // A accepted, E accepted with errors, R rejected
	NoteCode      string `json:"note_code"`
}

// Group is one GS/GE functional group.
type Group struct {
	FunctionalID  string         `json:"functional_id"`
	ControlNumber string         `json:"control_number"`
	Version       string         `json:"version"`
	SenderCode    string         `json:"sender_code"`
	ReceiverCode  string         `json:"receiver_code"`
	Date          string         `json:"date"`
	Time          string         `json:"time"`
	Transactions  []*Transaction `json:"transactions"`
}

// Transaction is one ST/SE transaction set.
type Transaction struct {
	Type           string `json:"type"`
	ControlNumber  string `json:"control_number"`
	Implementation string `json:"implementation,omitempty"` // ST03
	Segments       int    `json:"segment_count"`            // ST to SE, both included
	Offset         int64  `json:"offset"`
}

// ReadFile reads a whole stream into its envelope structure. Problems in
// the stream are in File.Errors; the error returned is only an I/O error.
func ReadFile(rd io.Reader) (*File, error) {
	r := NewReader(rd)
	f := &File{Interchanges: []*Interchange{}}
	var ic *Interchange
	var g *Group
	var tx *Transaction
	for {
		s, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Errors = r.Errors()
			if e, ok := err.(*Error); ok {
				f.Errors = append(f.Errors, e)
				return f, nil
			}
			return f, err
		}
		f.Segments++
		if tx != nil {
			tx.Segments++
		}
		switch s.ID() {
		case "ISA":
			ic = &Interchange{
				Offset: s.Offset, SenderQualifier: trim(s, 5), SenderID: trim(s, 6),
				ReceiverQualifier: trim(s, 7), ReceiverID: trim(s, 8),
				Date: date(s.Element(9), "060102"), Time: date(s.Element(10), "1504"),
				Version: s.Str(12), ControlNumber: s.Str(13), AckRequested: s.Str(14) == "1",
				Usage: s.Str(15), Delimiters: r.Delimiters().String(), Groups: []*Group{},
			}
			f.Interchanges = append(f.Interchanges, ic)
			g, tx = nil, nil
		case "TA1":
			if ic == nil {
				continue // the Reader reported it
			}
			ic.TA1 = append(ic.TA1, &TA1{
				ControlNumber: s.Str(1), Date: date(s.Element(2), "060102"), Time: date(s.Element(3), "1504"),
				Code: s.Str(4), NoteCode: s.Str(5),
			})
		case "GS":
			if ic == nil {
				continue
			}
			g = &Group{
				FunctionalID: s.Str(1), SenderCode: s.Str(2), ReceiverCode: s.Str(3),
				Date: date(s.Element(4), "20060102"), Time: date(s.Element(5), "1504"),
				ControlNumber: s.Str(6), Version: s.Str(8), Transactions: []*Transaction{},
			}
			ic.Groups = append(ic.Groups, g)
			tx = nil
		case "ST":
			if g == nil {
				continue
			}
			tx = &Transaction{Type: s.Str(1), ControlNumber: s.Str(2), Implementation: s.Str(3), Segments: 1, Offset: s.Offset}
			g.Transactions = append(g.Transactions, tx)
		case "SE":
			tx = nil
		case "GE":
			g, tx = nil, nil
		case "IEA":
			ic, g, tx = nil, nil, nil
		}
	}
	f.Errors = r.Errors()
	if f.Errors == nil {
		f.Errors = []*Error{}
	}
	return f, nil
}

func trim(s *Segment, n int) string {
	e := s.Element(n)
	for len(e) > 0 && e[len(e)-1] == ' ' {
		e = e[:len(e)-1]
	}
	return string(e)
}

// date formats an X12 date (YYMMDD or CCYYMMDD) as YYYY-MM-DD and a time
// (HHMM, HHMMSS...) as HH:MM or HH:MM:SS. What does not parse is kept as
// sent; the Reader reports it.
func date(v []byte, layout string) string {
	s := string(v)
	if layout == "1504" {
		if len(s) >= 6 && digits(v[:6]) {
			return s[:2] + ":" + s[2:4] + ":" + s[4:6]
		}
		if len(s) == 4 && digits(v) {
			return s[:2] + ":" + s[2:]
		}
		return s
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return s
	}
	return t.Format("2006-01-02")
}
