package remit

import (
	"bytes"
	"io"
	"strings"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Error codes this package adds to those of package x12 (it also uses
// x12.CodeSyntax for amounts, dates and numbers that do not parse).
const (
	CodeBalance           = "balance"            // amounts that do not balance (SNIP 3)
	CodeMissingSegment    = "missing_segment"    // a segment the guide requires is absent
	CodeCodeValue         = "code_value"         // warning: a code not in the guide's list
	CodeUnexpectedSegment = "unexpected_segment" // a segment outside the loop it belongs in
)

// Decode reads a whole stream and returns the 835 transaction sets in it,
// in file order, with every problem found: the envelope problems of the
// x12 Reader and the decoder's, in stream order. The error is only an I/O
// error.
func Decode(rd io.Reader) ([]*Remittance, []*x12.Error, error) {
	return x12.Decode[*Remittance](rd, Decoders())
}

// Decoders returns an x12.DecoderFunc that decodes every 835 set with a new
// Decoder and leaves other sets alone. The decoders it makes share a table
// of interned code values and the chunks the models are allocated from, so
// use one per stream (it is not safe for concurrent use), and finish one set
// before the next begins, as x12.ReadFileWith does.
func Decoders() x12.DecoderFunc { return decoders(false) }

// Checkers is Decoders for a caller that wants the problems only, such as
// claimsgw x12 validate: every check runs as in Decoders, but each claim's
// memory is reused once it has been checked and Finish returns no
// Remittance, so a set of any size takes the memory of one claim.
func Checkers() x12.DecoderFunc { return decoders(true) }

// Streamers is Decoders for a caller that takes each claim as it is
// decoded, such as a payment poster: every check runs as in Decoders, each
// claim is handed to each once it is whole (at the next CLP, LX, PLB or
// SE) with its set as decoded so far (its header: payment, payer, payee),
// and the set Finish returns has no Claims. A claim and all it holds are
// valid only during the call: their memory is reused for the next claim,
// so a set of any size takes the memory of one claim (an 835 of 200,000
// claims decoded whole takes 10 times its size). When each returns true,
// the claim is the caller's to keep, and the decoder takes new memory.
func Streamers(each func(*Remittance, *Claim) (keep bool)) x12.DecoderFunc {
	return streamers(false, each)
}

func decoders(checkOnly bool) x12.DecoderFunc { return streamers(checkOnly, nil) }

func streamers(checkOnly bool, each func(*Remittance, *Claim) bool) x12.DecoderFunc {
	strs, mem := newInterner(), &store{}
	return func(setID, implementation, groupVersion string) (string, x12.Decoder) {
		if setID != "835" {
			return "", nil
		}
		d := &Decoder{strs: strs, store: mem, checkOnly: checkOnly, each: each}
		d.v5010 = strings.HasPrefix(groupVersion, "00501") || strings.HasPrefix(implementation, "00501")
		return x12.KeyRemittance, d
	}
}

// loop is the part of the set the decoder is in.
type loop int

const (
	loopHeader  loop = iota // ST to the first N1
	loopPayer               // 1000A, N1*PR
	loopPayee               // 1000B, N1*PE
	loopOther               // an N1 of another entity
	loopNumber              // 2000, LX/TS3/TS2
	loopClaim               // 2100, CLP
	loopLine                // 2110, SVC
	loopTrailer             // PLB
)

// Stages of the header, in the order the guide wants them.
const (
	stageBPR = 1 + iota
	stageTRN
	stagePayer
	stagePayee
	stageDetail
)

// Decoder decodes one 835 transaction set at a time; it implements
// x12.Decoder, with a *Remittance as content. Give it the segments from ST
// to SE, then call Finish. A Decoder may decode further sets after Finish.
type Decoder struct {
	strs  *interner
	v5010 bool // check the 005010X221A1 header requirements too

	rem    *Remittance
	ctl    x12.Control
	errs   []*x12.Error
	loop   loop
	header *Header
	claim  *Claim
	line   *ServiceLine
	last   x12.Position // the last segment, for a set that ends without SE
	lastID segKey       // its ID; a key rather than a string spares a write barrier per segment

	// What the header has had, and what was already reported missing.
	seenBPR, seenTRN, seenPayer, seenPayee bool
	checked                                int // stages checked for missing segments
	payerN3, payerN4, payerBL              bool
	claimPatient                           bool
	statuses, groups                       recent // known codes of CLP02 and CAS01
	lastDate                               [8]byte
	lastISODate                            string // lastDate as YYYY-MM-DD

	// Balancing: sums in cents, and whether an amount in them did not parse.
	lineCAS, claimCAS, claimLineCAS money.Cents
	lineBad, claimBad, txBad        bool
	paidSum, plbSum                 money.Cents

	// Where the model's values come from (see alloc.go), shared by the
	// decoders of one stream.
	*store
	checkOnly bool                           // keep nothing: see Checkers
	each      func(*Remittance, *Claim) bool // hand each claim over, keep none: see Streamers
	handed    bool                           // a claim of the set was handed over
}

// reuse hands out again every value of the current chunks: for a decoder
// that keeps nothing (Checkers), once a claim has been checked.
func (m *store) reuse() {
	m.claims.reuse()
	m.lines.reuse()
	m.names.reuse()
	m.linePtr.reuse()
	m.adjs.reuse()
	m.refs.reuse()
	m.amts.reuse()
	m.qtys.reuse()
	m.remarks.reuse()
	m.mods.reuse()
}

// release leaves the values handed out to whoever holds them, and takes
// new chunks for the next: for a Streamers caller that keeps a claim.
func (m *store) release() {
	m.claims.release()
	m.lines.release()
	m.names.release()
	m.linePtr.release()
	m.adjs.release()
	m.refs.release()
	m.amts.release()
	m.qtys.release()
	m.remarks.release()
	m.mods.release()
}

// store holds the chunks the model's values are taken from. The decoders
// of one stream share one, so that a set starts in the chunks the last set
// left unfinished and the chunks keep the size they grew to.
type store struct {
	claims  pool[Claim]
	lines   pool[ServiceLine]
	names   pool[Name]
	linePtr slab[*ServiceLine]
	adjs    slab[Adjustment]
	refs    slab[Reference]
	amts    slab[QualifiedAmount]
	qtys    slab[Quantity]
	remarks slab[string]
	mods    slab[string]
	text    arena
}

// NewDecoder returns a Decoder that also checks the requirements of
// 005010X221A1 that 004010X091A1 lacks (payer N3, N4 and PER*BL); the
// decoders of Decoders check them only for 005010 groups.
func NewDecoder() *Decoder {
	return &Decoder{strs: newInterner(), v5010: true, store: &store{}}
}

// segKey is a segment ID packed into an integer, so that dispatching on it
// is an integer switch.
type segKey uint32

func key(id string) segKey {
	switch len(id) {
	case 2:
		return segKey(id[0])<<8 | segKey(id[1])
	case 3:
		return segKey(id[0])<<16 | segKey(id[1])<<8 | segKey(id[2])
	}
	return 0
}

// Keys of the segments the decoder handles.
const (
	kST  = segKey('S')<<8 | 'T'
	kSE  = segKey('S')<<8 | 'E'
	kBPR = segKey('B')<<16 | segKey('P')<<8 | 'R'
	kTRN = segKey('T')<<16 | segKey('R')<<8 | 'N'
	kCUR = segKey('C')<<16 | segKey('U')<<8 | 'R'
	kREF = segKey('R')<<16 | segKey('E')<<8 | 'F'
	kDTM = segKey('D')<<16 | segKey('T')<<8 | 'M'
	kN1  = segKey('N')<<8 | '1'
	kN3  = segKey('N')<<8 | '3'
	kN4  = segKey('N')<<8 | '4'
	kPER = segKey('P')<<16 | segKey('E')<<8 | 'R'
	kLX  = segKey('L')<<8 | 'X'
	kTS3 = segKey('T')<<16 | segKey('S')<<8 | '3'
	kTS2 = segKey('T')<<16 | segKey('S')<<8 | '2'
	kCLP = segKey('C')<<16 | segKey('L')<<8 | 'P'
	kCAS = segKey('C')<<16 | segKey('A')<<8 | 'S'
	kNM1 = segKey('N')<<16 | segKey('M')<<8 | '1'
	kMIA = segKey('M')<<16 | segKey('I')<<8 | 'A'
	kMOA = segKey('M')<<16 | segKey('O')<<8 | 'A'
	kAMT = segKey('A')<<16 | segKey('M')<<8 | 'T'
	kQTY = segKey('Q')<<16 | segKey('T')<<8 | 'Y'
	kSVC = segKey('S')<<16 | segKey('V')<<8 | 'C'
	kLQ  = segKey('L')<<8 | 'Q'
	kPLB = segKey('P')<<16 | segKey('L')<<8 | 'B'
)

// String returns the segment ID.
func (k segKey) String() string {
	var b [4]byte
	n := 4
	for ; k != 0 && n > 0; k >>= 8 {
		n--
		b[n] = byte(k)
	}
	return string(b[n:])
}

// Segment decodes one segment of the set; see x12.Decoder.
func (d *Decoder) Segment(r *x12.Reader, s *x12.Segment) {
	id := s.ID()
	k := key(id)
	p := r.Position(s)
	if k == kST {
		d.start(r, s, p)
		return
	}
	if d.rem == nil {
		return
	}
	d.last, d.lastID = p, k
	switch k {
	case kBPR:
		d.bpr(s, p)
	case kTRN:
		d.trn(s, p)
	case kCUR:
		d.rem.Currency = &Currency{Position: p, Entity: d.code(s.Element(1)), Code: d.code(s.Element(2)), Rate: string(s.Element(3))}
	case kREF:
		d.ref(s, p)
	case kDTM:
		d.dtm(s, p)
	case kN1:
		d.n1(s, p)
	case kN3, kN4:
		d.address(s, p)
	case kPER:
		d.per(s, p)
	case kLX:
		d.require(p, id, stageDetail)
		d.closeClaim()
		d.header = &Header{Position: p, Number: d.code(s.Element(1))}
		d.rem.Headers = append(d.rem.Headers, d.header)
		d.loop = loopNumber
	case kTS3, kTS2:
		d.summary(s, p)
	case kCLP:
		d.clp(s, p)
	case kCAS:
		d.cas(s, p)
	case kNM1:
		d.nm1(s, p)
	case kMIA, kMOA:
		d.adjudication(s, p)
	case kAMT:
		d.amt(s, p)
	case kQTY:
		d.qty(s, p)
	case kSVC:
		d.svc(s, p)
	case kLQ:
		d.lq(s, p)
	case kPLB:
		d.plb(s, p)
	case kSE:
		d.require(p, id, stageDetail)
		d.closeClaim()
		d.loop = loopTrailer
	}
}

// Finish ends the set and returns its *Remittance and the problems found;
// see x12.Decoder.
func (d *Decoder) Finish() (any, []*x12.Error) {
	if d.rem == nil {
		return nil, nil
	}
	if d.checked < stageDetail-1 {
		d.require(d.last, d.lastID.String(), stageDetail) // for a set that ended before SE
	}
	d.closeClaim()
	d.keepHeader()
	d.balanceTransaction()
	rem, errs := d.rem, d.errs
	d.rem, d.errs = nil, nil
	if d.checkOnly {
		return nil, errs
	}
	return rem, errs
}

func (d *Decoder) start(r *x12.Reader, s *x12.Segment, p x12.Position) {
	strs, v5010, mem, checkOnly, each := d.strs, d.v5010, d.store, d.checkOnly, d.each
	*d = Decoder{strs: strs, v5010: v5010, store: mem, checkOnly: checkOnly, each: each}
	d.ctl.Interchange, d.ctl.Group, d.ctl.Transaction = r.Control()
	d.rem = &Remittance{Position: p, ControlNumber: s.Str(2), Claims: []*Claim{}}
	d.last, d.lastID = p, kST
}

// require reports the header segments missing before a segment of stage.
func (d *Decoder) require(p x12.Position, id string, stage int) {
	for d.checked < stage-1 {
		d.checked++
		switch d.checked {
		case stageBPR:
			if !d.seenBPR {
				d.errorf(p, id, 0, 0, x12.SeverityError, CodeMissingSegment, "the transaction set has no BPR (financial information) before this segment")
				d.txBad = true
			}
		case stageTRN:
			if !d.seenTRN {
				d.errorf(p, id, 0, 0, x12.SeverityError, CodeMissingSegment, "the transaction set has no TRN (reassociation trace number) before this segment")
			}
		case stagePayer:
			if !d.seenPayer {
				d.errorf(p, id, 0, 0, x12.SeverityError, CodeMissingSegment, "the transaction set has no N1*PR payer identification (loop 1000A) before this segment")
			} else if d.v5010 {
				pp := d.rem.Payer.Position
				if !d.payerN3 {
					d.errorf(pp, "N1", 0, 0, x12.SeverityWarning, CodeMissingSegment, "the payer loop 1000A has no N3 address, which 005010X221A1 requires")
				}
				if !d.payerN4 {
					d.errorf(pp, "N1", 0, 0, x12.SeverityWarning, CodeMissingSegment, "the payer loop 1000A has no N4 city, state and ZIP code, which 005010X221A1 requires")
				}
				if !d.payerBL { // required: payers reject an 835 without it
					d.errorf(pp, "N1", 0, 0, x12.SeverityError, CodeMissingSegment, "the payer loop 1000A has no PER*BL technical contact, which 005010X221A1 requires")
				}
			}
		case stagePayee:
			if !d.seenPayee {
				d.errorf(p, id, 0, 0, x12.SeverityError, CodeMissingSegment, "the transaction set has no N1*PE payee identification (loop 1000B) before this segment")
			}
		}
	}
}

func (d *Decoder) bpr(s *x12.Segment, p x12.Position) {
	d.require(p, "BPR", stageBPR)
	if d.seenBPR {
		d.errorf(p, "BPR", 0, 0, x12.SeverityError, CodeUnexpectedSegment, "a second BPR in the transaction set")
		return
	}
	d.seenBPR = true
	pay := &d.rem.Payment
	pay.Position = p
	pay.HandlingCode = d.checkedCode(s, p, 1, handlingCodes, nil)
	var ok bool
	if pay.Amount, ok = d.amount(s, p, 2, 0); !ok {
		d.txBad = true
	}
	pay.CreditDebit = d.checkedCode(s, p, 3, creditDebitCodes, nil)
	pay.Method = d.checkedCode(s, p, 4, paymentMethods, nil)
	pay.Format = d.code(s.Element(5))
	pay.SenderDFIQualifier = d.code(s.Element(6))
	pay.SenderBankID = d.code(s.Element(7))
	pay.SenderAccountQualifier = d.code(s.Element(8))
	pay.SenderAccount = d.code(s.Element(9))
	pay.PayerID = d.code(s.Element(10))
	pay.PayerSupplementalCode = d.code(s.Element(11))
	pay.ReceiverDFIQualifier = d.code(s.Element(12))
	pay.ReceiverBankID = d.code(s.Element(13))
	pay.ReceiverAccountQualifier = d.code(s.Element(14))
	pay.ReceiverAccount = d.code(s.Element(15))
	pay.Date = d.date(s, p, 16)
}

func (d *Decoder) trn(s *x12.Segment, p x12.Position) {
	d.require(p, "TRN", stageTRN)
	if d.seenTRN {
		d.errorf(p, "TRN", 0, 0, x12.SeverityError, CodeUnexpectedSegment, "a second TRN in the transaction set")
		return
	}
	d.seenTRN = true
	pay := &d.rem.Payment
	pay.TracePosition = p
	pay.TraceType = d.code(s.Element(1))
	pay.TraceNumber = d.text.string(s.Element(2))
	pay.OriginatorID = d.code(s.Element(3))
	pay.OriginatorSupplementalCode = d.code(s.Element(4))
}

func (d *Decoder) n1(s *x12.Segment, p x12.Position) {
	d.closeClaim()
	d.refs.begin()
	switch string(s.Element(1)) {
	case "PR":
		d.require(p, "N1", stagePayer)
		d.seenPayer, d.loop = true, loopPayer
		d.rem.Payer = Payer{Position: p, Name: d.code(s.Element(2)), IDQualifier: d.code(s.Element(3)), ID: d.code(s.Element(4))}
	case "PE":
		d.require(p, "N1", stagePayee)
		d.seenPayee, d.loop = true, loopPayee
		pe := &d.rem.Payee
		*pe = Payee{Position: p, Name: d.code(s.Element(2)), IDQualifier: d.code(s.Element(3)), ID: d.code(s.Element(4))}
		switch pe.IDQualifier {
		case "XX":
			pe.NPI = pe.ID
		case "FI":
			pe.TaxID = pe.ID
		}
	default:
		d.loop = loopOther
	}
}

func (d *Decoder) address(s *x12.Segment, p x12.Position) {
	var a **Address
	switch d.loop {
	case loopPayer:
		a = &d.rem.Payer.Address
		if s.ID() == "N3" {
			d.payerN3 = true
		} else {
			d.payerN4 = true
		}
	case loopPayee:
		a = &d.rem.Payee.Address
	default:
		d.unexpected(s, p)
		return
	}
	if *a == nil {
		*a = &Address{Position: p}
	}
	if s.ID() == "N3" {
		for n := 1; n <= 2; n++ {
			if e := s.Element(n); len(e) > 0 {
				(*a).Lines = append((*a).Lines, d.code(e))
			}
		}
		return
	}
	(*a).City, (*a).State, (*a).PostalCode = d.code(s.Element(1)), d.code(s.Element(2)), d.code(s.Element(3))
	(*a).Country = d.code(s.Element(4))
}

func (d *Decoder) per(s *x12.Segment, p x12.Position) {
	c := Contact{Position: p, Function: d.code(s.Element(1)), Name: d.code(s.Element(2))}
	for n := 3; n <= 7; n += 2 {
		if q := s.Element(n); len(q) > 0 {
			c.Numbers = append(c.Numbers, Communication{Qualifier: d.code(q), Number: d.code(s.Element(n + 1))})
		}
	}
	switch d.loop {
	case loopPayer:
		d.rem.Payer.Contacts = append(d.rem.Payer.Contacts, c)
		if c.Function == "BL" {
			d.payerBL = true
		}
	case loopClaim:
		d.claim.Contacts = append(d.claim.Contacts, c)
	default:
		d.unexpected(s, p)
	}
}

func (d *Decoder) ref(s *x12.Segment, p x12.Position) {
	q := s.Element(1)
	switch d.loop {
	case loopHeader:
		switch string(q) {
		case "EV":
			d.rem.ReceiverID = d.code(s.Element(2))
		case "F2":
			d.rem.VersionID = d.code(s.Element(2))
		}
		return
	case loopLine:
		if string(q) == "6R" {
			d.line.LineItemControlNumber = d.text.string(s.Element(2))
			return
		}
	}
	ref := Reference{Position: p, Qualifier: d.code(q)}
	if d.loop == loopClaim || d.loop == loopLine {
		ref.Value = d.text.string(s.Element(2)) // claim and line identifiers are mostly unique
	} else {
		ref.Value = d.code(s.Element(2))
	}
	switch d.loop {
	case loopPayer:
		d.rem.Payer.References = d.refs.add(ref)
		if ref.Qualifier == "2U" && d.rem.Payer.ID == "" {
			d.rem.Payer.ID = ref.Value
		}
	case loopPayee:
		d.rem.Payee.References = d.refs.add(ref)
		if ref.Qualifier == "TJ" && d.rem.Payee.TaxID == "" {
			d.rem.Payee.TaxID = ref.Value
		}
	case loopClaim:
		d.claim.References = d.refs.add(ref)
	case loopLine:
		d.line.References = d.refs.add(ref)
	default:
		d.unexpected(s, p)
	}
}

func (d *Decoder) dtm(s *x12.Segment, p x12.Position) {
	var dst *string
	switch q := string(s.Element(1)); d.loop {
	case loopHeader:
		if q == "405" {
			dst = &d.rem.ProductionDate
		}
	case loopClaim:
		switch q {
		case "232":
			dst = &d.claim.StatementFrom
		case "233":
			dst = &d.claim.StatementTo
		case "036":
			dst = &d.claim.CoverageExpires
		case "050":
			dst = &d.claim.Received
		}
	case loopLine:
		switch q {
		case "472":
			dst = &d.line.ServiceDate
		case "150":
			dst = &d.line.ServiceDateFrom
		case "151":
			dst = &d.line.ServiceDateTo
		}
	default:
		d.unexpected(s, p)
		return
	}
	if dst != nil {
		*dst = d.date(s, p, 2)
	}
}

// Kinds of the elements of TS3, TS2, MIA and MOA, by element number:
// m money, q a quantity or rate kept as sent, r a remark code, - named
// elsewhere.
const (
	ts3Kinds = "-----mmmmmmmmmmmmmmmmmmqm"
	ts2Kinds = "-mmmmmmqmmqqqqqmqmmm"
	miaKinds = "-qmqmrmmmmmmmmmqmmmmrrrrr"
	moaKinds = "-qmrrrrrmm"
)

func (d *Decoder) summary(s *x12.Segment, p x12.Position) {
	if d.loop != loopNumber || d.header == nil {
		d.unexpected(s, p)
		return
	}
	sum := &Summary{Position: p}
	kinds := ts2Kinds
	if s.ID() == "TS3" {
		kinds = ts3Kinds
		sum.ProviderID = d.code(s.Element(1))
		sum.FacilityType = d.code(s.Element(2))
		sum.FiscalPeriodDate = d.date(s, p, 3)
		sum.ClaimCount = d.quantity(s, p, 4)
		d.header.Summary = sum
	} else {
		d.header.Supplemental = sum
	}
	sum.Values, _ = d.values(s, p, kinds, sum.Values, nil)
}

// values reads the elements of s that kinds marks as money or quantities
// into vs, and the remark codes into rs.
func (d *Decoder) values(s *x12.Segment, p x12.Position, kinds string, vs []Value, rs []string) ([]Value, []string) {
	for n := 1; n < len(kinds) && n <= s.Len(); n++ {
		e := s.Element(n)
		if len(e) == 0 {
			continue
		}
		switch kinds[n] {
		case 'm':
			if c, ok := d.amount(s, p, n, 0); ok {
				vs = append(vs, Value{Element: n, Amount: OptionalCents{c, true}})
			} else {
				vs = append(vs, Value{Element: n, Value: string(e)})
			}
		case 'q':
			vs = append(vs, Value{Element: n, Value: d.quantity(s, p, n)})
		case 'r':
			rs = append(rs, d.code(e))
		}
	}
	return vs, rs
}

func (d *Decoder) clp(s *x12.Segment, p x12.Position) {
	d.require(p, "CLP", stageDetail)
	d.closeClaim()
	c := d.claims.new() // zeroed: fill field by field (see nm1)
	c.Position = p
	c.PatientControlNumber = d.text.string(s.Element(1))
	c.StatusCode = d.checkedCode(s, p, 2, claimStatuses, &d.statuses)
	d.setCode(&c.FilingIndicator, s.Element(6))
	c.PayerClaimControlNumber = d.text.string(s.Element(7))
	d.setCode(&c.FacilityType, s.Element(8))
	d.setCode(&c.Frequency, s.Element(9))
	d.setCode(&c.PatientStatus, s.Element(10))
	d.setCode(&c.DRG, s.Element(11))
	d.setQuantity(&c.DRGWeight, s, p, 12)
	d.setQuantity(&c.DischargeFraction, s, p, 13)
	d.linePtr.begin()
	d.adjs.begin()
	d.refs.begin()
	d.amts.begin()
	d.qtys.begin()
	if d.header != nil {
		c.Header = d.header.Number
	}
	var ok1, ok2, ok3 bool
	c.Charge, ok1 = d.amount(s, p, 3, 0)
	c.Paid, ok2 = d.amount(s, p, 4, 0)
	ok3 = true
	if len(s.Element(5)) > 0 {
		c.PatientResponsibility, ok3 = d.amount(s, p, 5, 0)
	}
	d.claimBad = !ok1 || !ok2 || !ok3
	d.txBad = d.txBad || !ok2
	d.claim, d.loop = c, loopClaim
	d.rem.Claims = append(d.rem.Claims, c)
}

func (d *Decoder) nm1(s *x12.Segment, p x12.Position) {
	if d.loop != loopClaim {
		d.unexpected(s, p)
		return
	}
	c := d.claim
	var n *Name
	member := true
	switch string(s.Element(1)) {
	case "QC":
		n = &c.Patient
		if d.claimPatient {
			*n = Name{} // a second NM1*QC replaces the first
		}
		d.claimPatient = true
	case "IL":
		n = d.names.new()
		c.Insured = n
	case "74":
		n = d.names.new()
		c.CorrectedPatient = n
	case "GB":
		n = d.names.new()
		c.OtherSubscriber = n
	case "82":
		n, member = d.names.new(), false
		c.RenderingProvider = n
	case "TT":
		n, member = d.names.new(), false
		c.CrossoverCarrier = n
	case "PR":
		n, member = d.names.new(), false
		c.CorrectedPriorityPayer = n
	default:
		return
	}
	// Fields one by one: the pool's memory is zeroed, and copying a whole
	// struct of strings costs more than filling it.
	n.Position = p
	d.setCode(&n.EntityType, s.Element(2))
	d.setCode(&n.LastName, s.Element(3))
	d.setCode(&n.FirstName, s.Element(4))
	d.setCode(&n.MiddleName, s.Element(5))
	d.setCode(&n.Suffix, s.Element(7))
	d.setCode(&n.IDQualifier, s.Element(8))
	if member {
		n.MemberID = d.text.string(s.Element(9))
	} else {
		d.setCode(&n.ID, s.Element(9))
	}
}

func (d *Decoder) adjudication(s *x12.Segment, p x12.Position) {
	if d.loop != loopClaim {
		d.unexpected(s, p)
		return
	}
	a := &Adjudication{Position: p}
	if s.ID() == "MIA" {
		a.Values, a.Remarks = d.values(s, p, miaKinds, nil, nil)
		d.claim.Inpatient = a
	} else {
		a.Values, a.Remarks = d.values(s, p, moaKinds, nil, nil)
		d.claim.Outpatient = a
	}
}

func (d *Decoder) amt(s *x12.Segment, p x12.Position) {
	q := s.Element(1)
	c, ok := d.amount(s, p, 2, 0)
	var a *QualifiedAmount
	switch d.loop {
	case loopClaim:
		a, d.claim.Amounts = d.amts.next()
	case loopLine:
		if string(q) == "B6" {
			d.line.Allowed = OptionalCents{c, ok}
			return
		}
		a, d.line.Amounts = d.amts.next()
	default:
		d.unexpected(s, p)
		return
	}
	a.Position, a.Qualifier, a.Amount = p, d.code(q), c
}

func (d *Decoder) qty(s *x12.Segment, p x12.Position) {
	q := Quantity{Position: p, Qualifier: d.code(s.Element(1)), Quantity: d.quantity(s, p, 2)}
	switch d.loop {
	case loopClaim:
		d.claim.Quantities = d.qtys.add(q)
	case loopLine:
		d.line.Quantities = d.qtys.add(q)
	default:
		d.unexpected(s, p)
	}
}

func (d *Decoder) svc(s *x12.Segment, p x12.Position) {
	if d.claim == nil || d.loop != loopClaim && d.loop != loopLine {
		d.unexpected(s, p)
		return
	}
	d.closeLine()
	l := d.lines.new() // zeroed: fill field by field (see nm1)
	l.Position = p
	d.procedure(&l.Procedure, s.Element(1), s.Delimiters().Component)
	d.setCode(&l.RevenueCode, s.Element(4))
	d.setQuantity(&l.Units, s, p, 5)
	d.setQuantity(&l.OriginalUnits, s, p, 7)
	if e := s.Element(6); len(e) > 0 {
		l.OriginalProcedure = &Procedure{}
		d.procedure(l.OriginalProcedure, e, s.Delimiters().Component)
	}
	var ok1, ok2 bool
	l.Charge, ok1 = d.amount(s, p, 2, 0)
	l.Paid, ok2 = d.amount(s, p, 3, 0)
	d.lineBad = !ok1 || !ok2
	d.line, d.loop = l, loopLine
	d.claim.ServiceLines = d.linePtr.add(l)
	d.adjs.begin()
	d.refs.begin()
	d.amts.begin()
	d.qtys.begin()
	d.remarks.begin()
}

// procedure reads an SVC01 or SVC06 composite into pr.
func (d *Decoder) procedure(pr *Procedure, e []byte, sep byte) {
	var comps [8][]byte
	cs := comps[:0]
	for len(cs) < len(comps)-1 {
		i := bytes.IndexByte(e, sep)
		if i < 0 {
			break
		}
		cs = append(cs, e[:i])
		e = e[i+1:]
	}
	cs = append(cs, e)
	pr.Qualifier = d.code(cs[0])
	if len(cs) > 1 {
		pr.Code = d.code(cs[1])
	}
	d.mods.begin()
	for i := 2; i < len(cs) && i < 6; i++ {
		if len(cs[i]) > 0 {
			pr.Modifiers = d.mods.add(d.code(cs[i]))
		}
	}
	if len(cs) > 6 {
		pr.Description = d.text.string(cs[6])
	}
}

func (d *Decoder) lq(s *x12.Segment, p x12.Position) {
	if d.loop != loopLine {
		d.unexpected(s, p)
		return
	}
	code := d.code(s.Element(2))
	switch string(s.Element(1)) {
	case "HE":
		d.line.Remarks = d.remarks.add(code)
	case "RX":
		d.line.RejectCodes = append(d.line.RejectCodes, code)
	default:
		d.errorf(p, "LQ", 1, 0, x12.SeverityWarning, CodeCodeValue, "LQ01 is not HE or RX")
	}
}

func (d *Decoder) cas(s *x12.Segment, p x12.Position) {
	var adjs *[]Adjustment
	var sum *money.Cents
	var bad *bool
	switch d.loop {
	case loopClaim:
		adjs, sum, bad = &d.claim.Adjustments, &d.claimCAS, &d.claimBad
	case loopLine:
		adjs, sum, bad = &d.line.Adjustments, &d.lineCAS, &d.lineBad
	default:
		d.unexpected(s, p)
		return
	}
	group := d.checkedCode(s, p, 1, adjustmentGroups, &d.groups)
	if group == "" {
		d.errorf(p, "CAS", 1, 0, x12.SeverityError, x12.CodeSyntax, "CAS01 (claim adjustment group code) is missing")
	}
	for n := 2; n <= 17 && n <= s.Len(); n += 3 {
		reason := s.Element(n)
		if len(reason) == 0 {
			if len(s.Element(n+1)) > 0 {
				d.errorf(p, "CAS", n, 0, x12.SeverityError, x12.CodeSyntax, "CAS%02d (adjustment reason code) is missing before an amount", n)
				*bad = true
			}
			continue
		}
		amt, ok := d.amount(s, p, n+1, 0)
		if !ok {
			*bad = true
		}
		*sum += amt
		var a *Adjustment
		a, *adjs = d.adjs.next()
		a.Position, a.Element, a.Group, a.Reason, a.Amount = p, n, group, d.code(reason), amt
		d.setQuantity(&a.Quantity, s, p, n+2)
	}
}

func (d *Decoder) plb(s *x12.Segment, p x12.Position) {
	d.require(p, "PLB", stageDetail)
	d.closeClaim()
	d.loop = loopTrailer
	provider, date := d.code(s.Element(1)), d.date(s, p, 2)
	sep := s.Delimiters().Component
	for n := 3; n <= 13 && n <= s.Len(); n += 2 {
		e := s.Element(n)
		if len(e) == 0 {
			if len(s.Element(n+1)) > 0 {
				d.errorf(p, "PLB", n, 0, x12.SeverityError, x12.CodeSyntax, "PLB%02d (adjustment reason) is missing before an amount", n)
				d.txBad = true
			}
			continue
		}
		reason, ref, _ := bytes.Cut(e, []byte{sep})
		if i := bytes.IndexByte(ref, sep); i >= 0 {
			ref = ref[:i]
		}
		amt, ok := d.amount(s, p, n+1, 0)
		if !ok {
			d.txBad = true
		}
		d.plbSum += amt
		if _, known := plbReasons[string(reason)]; !known {
			d.errorf(p, "PLB", n, 1, x12.SeverityWarning, CodeCodeValue, "PLB%02d-1 is not a provider adjustment reason code of the guide", n)
		}
		d.rem.ProviderAdjustments = append(d.rem.ProviderAdjustments, &ProviderAdjustment{
			Position: p, Element: n, ProviderID: provider, FiscalPeriodDate: date,
			Reason: d.code(reason), Reference: d.text.string(ref), Amount: amt,
		})
	}
}

// unexpected reports a segment where the set's structure has no place for
// it.
func (d *Decoder) unexpected(s *x12.Segment, p x12.Position) {
	d.errorf(p, s.ID(), 0, 0, x12.SeverityError, CodeUnexpectedSegment, "%s is not expected here (outside the loop it belongs in)", s.ID())
}

func (d *Decoder) errorf(p x12.Position, id string, elem, comp int, sev x12.Severity, code, format string, args ...any) {
	e := d.ctl.Errorf(p, id, elem, comp, sev, code, format, args...)
	if code == CodeBalance {
		e.Level = x12.LevelBalancing
	}
	d.errs = append(d.errs, e)
}

// code returns an element as an interned string.
func (d *Decoder) code(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return d.strs.get(b)
}

// setCode sets *dst to b interned, when b is not empty. The decoder's values
// come zeroed, so leaving out the empty ones spares the stores.
func (d *Decoder) setCode(dst *string, b []byte) {
	if len(b) > 0 {
		*dst = d.strs.get(b)
	}
}

// setQuantity sets *dst to element n as quantity returns it, when present.
func (d *Decoder) setQuantity(dst *string, s *x12.Segment, p x12.Position, n int) {
	if len(s.Element(n)) > 0 {
		*dst = d.quantity(s, p, n)
	}
}

// checkedCode returns element n, with a warning when it is present and not
// in known. seen, when not nil, remembers known codes, which spares the
// lookup for the codes that repeat.
func (d *Decoder) checkedCode(s *x12.Segment, p x12.Position, n int, known map[string]string, seen *recent) string {
	v := d.code(s.Element(n))
	if v == "" || seen != nil && seen.has(v) {
		return v
	}
	if _, ok := known[v]; !ok {
		d.errorf(p, s.ID(), n, 0, x12.SeverityWarning, CodeCodeValue, "%s%02d is not a code the guide lists for it", s.ID(), n)
	} else if seen != nil {
		seen.add(v)
	}
	return v
}

// recent holds the last few codes found valid. Codes are interned, so
// comparing them mostly compares pointers.
type recent struct {
	codes [4]string
	next  int
}

func (r *recent) has(v string) bool {
	return v == r.codes[0] || v == r.codes[1] || v == r.codes[2] || v == r.codes[3]
}

func (r *recent) add(v string) {
	r.codes[r.next] = v
	r.next = (r.next + 1) % len(r.codes)
}

// amount parses element n (component c, when not 0) as money, reporting
// one that is absent or does not parse.
func (d *Decoder) amount(s *x12.Segment, p x12.Position, n, c int) (money.Cents, bool) {
	b := s.Element(n)
	if c > 0 {
		b = s.Component(n, c)
	}
	if v, ok := plainCents(b); ok {
		return v, true
	}
	return d.parseAmount(s, p, n, c, b)
}

// plainCents parses the common form of an amount, digits with at most two
// decimals and no sign, as money.ParseBytes does; it reports false for any
// other form, which is left to money.ParseBytes.
func plainCents(b []byte) (money.Cents, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var v int64
	i := 0
	for ; i < len(b); i++ {
		c := b[i] - '0'
		if c > 9 {
			break
		}
		v = v*10 + int64(c)
	}
	if i == 0 {
		return 0, false
	}
	switch len(b) - i {
	case 0:
		return money.Cents(v * 100), true
	case 2:
		if c := b[i+1] - '0'; b[i] == '.' && c <= 9 {
			return money.Cents(v*100 + int64(c)*10), true
		}
	case 3:
		if c1, c2 := b[i+1]-'0', b[i+2]-'0'; b[i] == '.' && c1 <= 9 && c2 <= 9 {
			return money.Cents(v*100 + int64(c1)*10 + int64(c2)), true
		}
	}
	return 0, false
}

func (d *Decoder) parseAmount(s *x12.Segment, p x12.Position, n, c int, b []byte) (money.Cents, bool) {
	v, err := money.ParseBytes(b)
	if err != nil {
		what := "is not an amount with at most two decimals"
		if len(b) == 0 {
			what = "is missing"
		}
		d.errorf(p, s.ID(), n, c, x12.SeverityError, x12.CodeSyntax, "%s%02d %s", s.ID(), n, what)
		return 0, false
	}
	return v, true
}

// quantity returns element n as sent, reporting one that is not a decimal
// number.
func (d *Decoder) quantity(s *x12.Segment, p x12.Position, n int) string {
	b := s.Element(n)
	if len(b) == 0 {
		return ""
	}
	if !isDecimal(b) {
		d.errorf(p, s.ID(), n, 0, x12.SeverityError, x12.CodeSyntax, "%s%02d is not a number", s.ID(), n)
	}
	return d.code(b)
}

// date returns element n, a CCYYMMDD date, as YYYY-MM-DD; one that is not a
// valid date is reported and kept as sent.
func (d *Decoder) date(s *x12.Segment, p x12.Position, n int) string {
	b := s.Element(n)
	if len(b) == 0 {
		return ""
	}
	if len(b) == 8 && string(b) == string(d.lastDate[:]) {
		return d.lastISODate // dates repeat from one segment to the next
	}
	if !validDate(b) {
		d.errorf(p, s.ID(), n, 0, x12.SeverityError, x12.CodeSyntax, "%s%02d is not a valid CCYYMMDD date", s.ID(), n)
		return d.code(b)
	}
	var buf [10]byte
	copy(buf[:4], b[:4])
	buf[4] = '-'
	copy(buf[5:7], b[4:6])
	buf[7] = '-'
	copy(buf[8:], b[6:8])
	copy(d.lastDate[:], b)
	d.lastISODate = d.strs.get(buf[:])
	return d.lastISODate
}

func validDate(b []byte) bool {
	if len(b) != 8 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	year := int(b[0]-'0')*1000 + int(b[1]-'0')*100 + int(b[2]-'0')*10 + int(b[3]-'0')
	month := int(b[4]-'0')*10 + int(b[5]-'0')
	day := int(b[6]-'0')*10 + int(b[7]-'0')
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day <= days
}

// isDecimal reports whether b is an X12 decimal number: an optional minus,
// digits, and at most one point.
func isDecimal(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	digits, point := 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return digits > 0
}

// ErrorsSoFar are the problems found so far, for a checker reading beside
// the decoder to give them their loop (package sets).
func (d *Decoder) ErrorsSoFar() []*x12.Error { return d.errs }
