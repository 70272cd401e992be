package x12

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
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

// InterchangeErrors are the problems found in the i-th interchange: those
// from its ISA to the next one's. Control numbers repeat from one
// interchange to the next (GS06 1, ST02 0001), so an interchange's answer
// is made of its own problems only.
func (f *File) InterchangeErrors(i int) []*Error {
	from, to := f.Interchanges[i].Offset, int64(math.MaxInt64)
	if i+1 < len(f.Interchanges) {
		to = f.Interchanges[i+1].Offset
	}
	var errs []*Error
	for _, e := range f.Errors {
		if e.Offset >= from && e.Offset < to {
			errs = append(errs, e)
		}
	}
	return errs
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
	// Complete says the interchange closed: its IEA came, with the count
	// of its groups and its ISA13.
	Complete bool `json:"-"`
}

// TA1 is an interchange acknowledgment.
type TA1 struct {
	ControlNumber string `json:"control_number"` // ISA13 of the interchange acknowledged
	Date          string `json:"date"`
	Time          string `json:"time"`
	Code          string `json:"code"` // A accepted, E accepted with errors, R rejected
	NoteCode      string `json:"note_code"`
	Offset        int64  `json:"offset"`
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
	// Complete says the group closed: its GE came, with the count of its
	// transaction sets and its GS06.
	Complete bool `json:"-"`
}

// Transaction is one ST/SE transaction set.
type Transaction struct {
	Type           string `json:"type"`
	ControlNumber  string `json:"control_number"`
	Implementation string `json:"implementation,omitempty"` // ST03
	Segments       int    `json:"segment_count"`            // ST to SE, both included
	Offset         int64  `json:"offset"`
	Index          int    `json:"-"` // the ST's segment index in the stream (IK302 counts from it)
	// Complete says the set was read whole: its SE came, with the count
	// of its segments and its ST02.
	Complete bool `json:"-"`

	// The typed content, when ReadFileWith was given a decoder for the set:
	// one of these is set, under the key the JSON contract names.
	Remittance     any `json:"remittance,omitempty"`     // 835
	ClaimStatus    any `json:"claim_status,omitempty"`   // 277, 277CA
	Acknowledgment any `json:"acknowledgment,omitempty"` // 999, 997
	Claims         any `json:"claims,omitempty"`         // 837
}

// Content is the typed content of the set, nil when no decoder made one.
func (t *Transaction) Content() any {
	for _, c := range []any{t.Remittance, t.ClaimStatus, t.Acknowledgment, t.Claims} {
		if c != nil {
			return c
		}
	}
	return nil
}

// Decode reads a stream with decoders and returns, in file order, the
// contents of type T that they made of its transaction sets, with every
// problem found (the envelopes' included). The error is an I/O error.
func Decode[T any](r io.Reader, decoders DecoderFunc) ([]T, []*Error, error) {
	f, err := ReadFileWith(r, decoders)
	if f == nil {
		return nil, nil, err
	}
	var out []T
	for _, ic := range f.Interchanges {
		for _, g := range ic.Groups {
			for _, tx := range g.Transactions {
				if c, ok := tx.Content().(T); ok {
					out = append(out, c)
				}
			}
		}
	}
	return out, f.Errors, err
}

// Content keys a DecoderFunc returns, one per field of Transaction.
const (
	KeyRemittance     = "remittance"
	KeyClaimStatus    = "claim_status"
	KeyAcknowledgment = "acknowledgment"
	KeyClaims         = "claims"
)

// A Decoder decodes the content of one transaction set while ReadFileWith
// reads the stream.
type Decoder interface {
	// Segment is called with each segment of the set, ST and SE included, in
	// order. s is valid only during the call; r.Position(s) and r.Control()
	// tell where it is.
	Segment(r *Reader, s *Segment)
	// Finish is called once after SE, or where the set ends without one. It
	// returns the decoded content and the problems found in it.
	Finish() (content any, errs []*Error)
}

// DecoderFunc chooses the decoder for a transaction set from ST01 (the set
// ID), ST03 (its implementation reference, often empty) and GS08 (the
// group's version), and names the Transaction field its content goes in
// (one of the Key constants). A nil Decoder leaves the set at the envelope
// level.
type DecoderFunc func(setID, implementation, groupVersion string) (key string, d Decoder)

// Position is where a segment stands, what a typed model keeps of every
// segment it came from so that errors and matches can point back into the
// file.
type Position struct {
	Offset   int64 `json:"offset"`        // byte offset of the segment in the stream
	Index    int   `json:"segment_index"` // 1-based ordinal of the segment in the stream
	Position int   `json:"position"`      // position in its transaction set, ST = 1 (a 999's IK302)
}

// Position returns where s, the segment last read, stands.
func (r *Reader) Position(s *Segment) Position {
	return Position{Offset: s.Offset, Index: s.Index, Position: r.TransactionPosition()}
}

// Control holds the control numbers around a transaction set.
type Control struct {
	Interchange string // ISA13
	Group       string // GS06
	Transaction string // ST02
}

// Errorf makes an error about a segment at p, with the control numbers of
// its envelopes. elem and comp are 1-based, 0 for the whole segment or
// element. The message must not quote element data that may be PHI.
func (c Control) Errorf(p Position, segID string, elem, comp int, sev Severity, code, format string, args ...any) *Error {
	return &Error{
		Offset: p.Offset, SegmentIndex: p.Index, SegmentID: segID, Element: elem, Component: comp,
		Interchange: c.Interchange, Group: c.Group, Transaction: c.Transaction,
		Code: code, Message: fmt.Sprintf(format, args...), Severity: sev, Level: LevelGuide,
	}
}

// ReadFile reads a whole stream into its envelope structure. Problems in
// the stream are in File.Errors; the error returned is only an I/O error.
func ReadFile(rd io.Reader) (*File, error) { return ReadFileWith(rd, nil) }

// ReadFileWith reads a whole stream like ReadFile and decodes the content
// of each transaction set that decoders has a Decoder for. The decoders'
// problems join File.Errors in stream order.
func ReadFileWith(rd io.Reader, decoders DecoderFunc) (*File, error) {
	r := NewReader(rd)
	f := &File{Interchanges: []*Interchange{}}
	var ic *Interchange
	var g *Group
	var tx *Transaction
	var dec decoding
	for {
		s, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			dec.finish(f)
			f.Errors = append(r.Errors(), f.Errors...)
			if e, ok := err.(*Error); ok {
				f.Errors = append(f.Errors, e)
				sortErrors(f.Errors)
				return f, nil
			}
			sortErrors(f.Errors)
			return f, err
		}
		f.Segments++
		if tx != nil {
			tx.Segments++
		}
		switch s.ID() {
		case "ST", "GE", "IEA", "ISA":
			dec.finish(f) // a set that ended without its SE
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
				Code: s.Str(4), NoteCode: s.Str(5), Offset: s.Offset,
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
			tx = &Transaction{Type: s.Str(1), ControlNumber: s.Str(2), Implementation: s.Str(3), Segments: 1, Offset: s.Offset, Index: s.Index}
			g.Transactions = append(g.Transactions, tx)
			if decoders != nil {
				dec.key, dec.d = decoders(tx.Type, tx.Implementation, g.Version)
				dec.tx = tx
			}
		case "SE":
			if tx != nil {
				tx.Complete = closes(s, tx.Segments, tx.ControlNumber)
			}
			dec.segment(r, s)
			dec.finish(f)
			tx = nil
		case "GE":
			if g != nil {
				g.Complete = closes(s, len(g.Transactions), g.ControlNumber)
			}
			g, tx = nil, nil
		case "IEA":
			if ic != nil {
				ic.Complete = closes(s, len(ic.Groups), ic.ControlNumber)
			}
			ic, g, tx = nil, nil, nil
		}
		dec.segment(r, s)
	}
	dec.finish(f)
	f.Errors = append(r.Errors(), f.Errors...)
	sortErrors(f.Errors)
	if f.Errors == nil {
		f.Errors = []*Error{}
	}
	return f, nil
}

// decoding is the transaction set being decoded, if any.
type decoding struct {
	d   Decoder
	key string
	tx  *Transaction
}

func (dec *decoding) segment(r *Reader, s *Segment) {
	if dec.d != nil {
		dec.d.Segment(r, s)
	}
}

// finish ends the open decoder: its content goes in the transaction's field
// for its key, its errors in f.Errors.
func (dec *decoding) finish(f *File) {
	if dec.d == nil {
		return
	}
	content, errs := dec.d.Finish()
	switch dec.key {
	case KeyRemittance:
		dec.tx.Remittance = content
	case KeyClaimStatus:
		dec.tx.ClaimStatus = content
	case KeyAcknowledgment:
		dec.tx.Acknowledgment = content
	case KeyClaims:
		dec.tx.Claims = content
	}
	f.Errors = append(f.Errors, errs...)
	*dec = decoding{}
}

// closes reports whether a trailer (SE, GE, IEA) closes its envelope: its
// first element is the count of what it holds and its second the header's
// control number (as numbers, so 0001 is 1).
func closes(trailer *Segment, count int, control string) bool {
	n, err := strconv.Atoi(trailer.Str(1))
	if err != nil || n != count {
		return false
	}
	a, errA := strconv.ParseUint(trailer.Str(2), 10, 64)
	b, errB := strconv.ParseUint(control, 10, 64)
	if errA != nil || errB != nil {
		return trailer.Str(2) == control && control != ""
	}
	return a == b
}

// sortErrors puts errors in stream order; those at the same segment keep
// the order they were found in.
func sortErrors(errs []*Error) {
	slices.SortStableFunc(errs, func(a, b *Error) int { return cmp.Compare(a.Offset, b.Offset) })
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
