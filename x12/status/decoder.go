package status

import (
	"github.com/claimsgw/claimsgw/x12"
)

// Error codes the decoder reports, beside x12.CodeSyntax for an amount,
// quantity or date that does not parse.
const (
	CodeMissingSegment    = "missing_segment"    // a segment the guide requires is absent
	CodeMissingElement    = "missing_element"    // a required element is empty (STC01, TRN02)
	CodeUnexpectedSegment = "unexpected_segment" // a segment where it cannot be
	CodeHierarchy         = "hierarchy"          // an HL with an unknown level or a parent that does not fit
)

// x214 is the guide of the 277CA.
const x214 = "005010X214"

// parentLevel is the HL03 level each level must hang under.
var parentLevel = map[string]string{"21": "20", "19": "21", "22": "19", "PT": "19", "23": "22"}

// Decoder decodes one 277 transaction set; it is an x12.Decoder.
type Decoder struct {
	cs    *ClaimStatus
	guide string // 005010X214 (277CA) requires more at each level than 005010X212
	bht   bool
	hls   map[string]string // HL01 → HL03 of the levels seen

	lv         *level
	source     *Source
	receiver   *Receiver
	provider   *Provider
	subscriber *Person
	patient    *Person
	claim      *Claim
	line       *ServiceLine

	ctl  x12.Control
	errs []*x12.Error
}

// level is the open HL loop and what the guide requires of it.
type level struct {
	pos       x12.Position
	code      string // HL03
	children  bool   // HL04 is 1
	named     bool   // NM1 seen
	traced    bool   // TRN seen
	received  bool   // DTP*050 seen
	processed bool   // DTP*009 seen
}

// NewDecoder returns a Decoder for one transaction set. It tells a 277CA
// by ST03, or without one by BHT06 TH.
func NewDecoder() *Decoder { return &Decoder{hls: map[string]string{}} }

// Segment implements x12.Decoder.
func (d *Decoder) Segment(r *x12.Reader, s *x12.Segment) {
	p := r.Position(s)
	if s.ID() == "ST" { // the control numbers stay those of the set
		d.ctl.Interchange, d.ctl.Group, d.ctl.Transaction = r.Control()
	}
	if d.cs == nil {
		d.cs = &ClaimStatus{Pos: p, Sources: []*Source{}, Receivers: []*Receiver{}, Claims: []*Claim{}}
	}
	switch s.ID() {
	case "ST":
		d.cs.Type, d.cs.Implementation = s.Str(1), s.Str(3)
		if d.cs.Implementation != "" {
			d.guide = d.cs.Implementation
		}
	case "BHT":
		d.bht = true
		d.cs.Reference, d.cs.Date, d.cs.Time, d.cs.TransactionType = s.Str(3), d.date(p, s, 4), clock(s.Str(5)), s.Str(6)
		if d.guide == "" && d.cs.TransactionType == "TH" {
			d.guide = x214
		}
	case "HL":
		d.endLevel()
		d.hl(p, s)
	case "SE":
	default:
		if d.lv != nil {
			d.content(p, s)
		}
	}
}

// Finish implements x12.Decoder.
func (d *Decoder) Finish() (any, []*x12.Error) {
	if d.cs == nil {
		return nil, nil
	}
	d.endLevel()
	if !d.bht {
		d.errorf(d.cs.Pos, "ST", 0, 0, CodeMissingSegment, "the set has no BHT")
	}
	return d.cs, d.errs
}

// hl opens a level of the hierarchy.
func (d *Decoder) hl(p x12.Position, s *x12.Segment) {
	id, parent, code := s.Str(1), s.Str(2), s.Str(3)
	d.lv = &level{pos: p, code: code, children: s.Str(4) == "1"}
	want, known := parentLevel[code]
	switch {
	case code != "20" && !known:
		d.errorf(p, "HL", 3, 0, CodeHierarchy, "HL03 is not a level of a 277")
		d.lv = nil // its segments are skipped
		return
	case code == "20" && parent != "":
		d.errorf(p, "HL", 2, 0, CodeHierarchy, "an information source level has a parent")
	case known && d.hls[parent] != want:
		d.errorf(p, "HL", 2, 0, CodeHierarchy, "HL02 does not point at a level %s before it", want)
	}
	if id != "" {
		d.hls[id] = code
	}
	switch code {
	case "20":
		d.source = &Source{Pos: p}
		d.cs.Sources = append(d.cs.Sources, d.source)
		d.receiver, d.provider, d.subscriber, d.patient = nil, nil, nil, nil
	case "21":
		d.receiver = &Receiver{Pos: p, Statuses: []*Status{}}
		d.cs.Receivers = append(d.cs.Receivers, d.receiver)
		d.provider, d.subscriber, d.patient = nil, nil, nil
	case "19":
		d.provider = &Provider{Pos: p}
		d.cs.Providers = append(d.cs.Providers, d.provider)
		d.subscriber, d.patient = nil, nil
	case "22":
		d.subscriber, d.patient = &Person{}, nil
	case "23", "PT":
		d.patient = &Person{}
	}
}

// content decodes a segment inside a level.
func (d *Decoder) content(p x12.Position, s *x12.Segment) {
	lv := d.lv
	switch s.ID() {
	case "NM1":
		if lv.named {
			return
		}
		lv.named = true
		switch lv.code {
		case "20":
			d.source.Party = party(p, s)
		case "21":
			d.receiver.Party = party(p, s)
		case "19":
			d.provider.Party = party(p, s)
		case "22":
			*d.subscriber = person(p, s)
		default:
			*d.patient = person(p, s)
			if d.patient.MemberID == "" && d.subscriber != nil {
				d.patient.MemberID = d.subscriber.MemberID
			}
		}
	case "TRN":
		lv.traced = true
		if s.Str(2) == "" {
			d.errorf(p, "TRN", 2, 0, CodeMissingElement, "TRN02 is empty")
		}
		switch lv.code {
		case "20":
			d.source.TraceNumber = s.Str(2)
		case "21":
			d.receiver.TraceNumber = s.Str(2)
		case "19":
			d.provider.TraceNumber = s.Str(2)
		default:
			d.startClaim(p, s.Str(2))
		}
	case "STC":
		st := d.statuses(p, s)
		switch {
		case d.line != nil:
			d.line.Statuses = append(d.line.Statuses, st...)
		case lv.code == "21":
			d.receiver.Statuses = append(d.receiver.Statuses, st...)
		case lv.code == "19":
			d.provider.Statuses = append(d.provider.Statuses, st...)
		case lv.code == "20":
			d.errorf(p, "STC", 0, 0, CodeUnexpectedSegment, "STC at the information source level")
		default:
			if d.claim == nil {
				lv.traced = true
				d.errorf(p, "STC", 0, 0, CodeMissingSegment, "STC before the TRN of its claim")
				d.startClaim(p, "")
			}
			d.claim.Statuses = append(d.claim.Statuses, st...)
			if len(st) > 0 && d.claim.Charge == nil {
				d.claim.Charge, d.claim.Paid = st[0].Charge, st[0].Paid
			}
		}
	case "REF":
		d.ref(p, s)
	case "DTP":
		d.dtp(p, s)
	case "QTY", "AMT":
		d.total(p, s)
	case "SVC":
		if d.claim == nil {
			d.errorf(p, "SVC", 0, 0, CodeUnexpectedSegment, "SVC outside a claim")
			return
		}
		d.endLine()
		d.line = &ServiceLine{
			Pos: p, Procedure: procedure(s), Charge: d.amount(p, s, 2), Paid: d.amount(p, s, 3),
			RevenueCode: s.Str(4), Units: d.quantity(p, s, 7), Statuses: []*Status{},
		}
		d.claim.ServiceLines = append(d.claim.ServiceLines, d.line)
	}
}

func (d *Decoder) startClaim(p x12.Position, pcn string) {
	d.endClaim()
	d.claim = &Claim{Pos: p, PatientControlNumber: pcn, Statuses: []*Status{}, Patient: d.patient}
	if d.lv.code == "22" {
		d.claim.Patient = d.subscriber
	} else {
		d.claim.Subscriber = d.subscriber
	}
	if d.source != nil {
		d.claim.Payer = &d.source.Party
	}
	if d.provider != nil {
		d.claim.BillingProvider = &d.provider.Party
	}
	d.cs.Claims = append(d.cs.Claims, d.claim)
}

// statuses reads the composites of an STC, each with the rest of the STC.
func (d *Decoder) statuses(p x12.Position, s *x12.Segment) []*Status {
	base := Status{
		Pos: p, Date: d.date(p, s, 2), ActionCode: s.Str(3), Charge: d.amount(p, s, 4), Paid: d.amount(p, s, 5),
		AdjudicationDate: d.date(p, s, 6), PaymentMethod: s.Str(7), CheckDate: d.date(p, s, 8), CheckNumber: s.Str(9),
		Message: s.Str(12),
	}
	if len(s.Element(1)) == 0 {
		d.errorf(p, "STC", 1, 0, CodeMissingElement, "STC01 is empty")
	}
	var out []*Status
	for _, n := range []int{1, 10, 11} {
		if len(s.Element(n)) == 0 {
			continue
		}
		st := base
		st.Category, st.Code = string(s.Component(n, 1)), string(s.Component(n, 2))
		st.Entity, st.CodeList = string(s.Component(n, 3)), string(s.Component(n, 4))
		out = append(out, &st)
	}
	return out
}

func (d *Decoder) ref(p x12.Position, s *x12.Segment) {
	q, v := s.Str(1), s.Str(2)
	switch {
	case d.line != nil:
		if q == "FJ" {
			d.line.LineItemControlNumber = v
		}
	case d.claim != nil:
		switch q {
		case "1K":
			d.claim.PayerClaimControlNumber = v
		case "D9":
			d.claim.ClearinghouseTrace = v
		case "BLT":
			d.claim.BillType = v
		case "EJ":
			d.claim.PatientAccountNumber = v
		default:
			d.claim.References = append(d.claim.References, &Reference{Pos: p, Qualifier: q, Value: v})
		}
	}
}

func (d *Decoder) dtp(p x12.Position, s *x12.Segment) {
	q := s.Str(1)
	switch {
	case d.line != nil && q == "472":
		d.line.ServiceDateFrom, d.line.ServiceDateTo = d.period(p, s)
	case d.claim != nil && q == "472":
		d.claim.ServiceDateFrom, d.claim.ServiceDateTo = d.period(p, s)
	case d.lv.code == "20" && (q == "050" || q == "009"):
		from, _ := d.period(p, s)
		if q == "050" {
			d.lv.received, d.source.ReceiptDate = true, from
		} else {
			d.lv.processed, d.source.ProcessDate = true, from
		}
	}
}

func (d *Decoder) total(p x12.Position, s *x12.Segment) {
	var t *Totals
	switch d.lv.code {
	case "21":
		t = &d.receiver.Totals
	case "19":
		t = &d.provider.Totals
	default:
		return
	}
	switch s.ID() + s.Str(1) {
	case "QTY90", "QTYQA":
		t.AcceptedQuantity = d.quantity(p, s, 2)
	case "QTYAA", "QTYQC":
		t.RejectedQuantity = d.quantity(p, s, 2)
	case "AMTYU":
		t.AcceptedAmount = d.amount(p, s, 2)
	case "AMTYY":
		t.RejectedAmount = d.amount(p, s, 2)
	}
}

// endLevel closes the open HL loop and checks that it holds what its guide
// requires.
func (d *Decoder) endLevel() {
	lv := d.lv
	if lv == nil {
		return
	}
	d.endClaim()
	d.lv = nil
	if !lv.named {
		d.missing(lv, "NM1")
	}
	switch lv.code {
	case "20":
		if d.guide == x214 {
			d.need(lv, lv.traced, "TRN")
			d.need(lv, lv.received, "DTP*050")
			d.need(lv, lv.processed, "DTP*009")
		}
	case "21":
		if d.guide == x214 {
			d.need(lv, lv.traced, "TRN")
		}
		if lv.traced {
			d.need(lv, len(d.receiver.Statuses) > 0, "STC")
		}
	case "19":
		if d.guide == x214 {
			d.need(lv, lv.traced, "TRN")
		} else if lv.traced {
			d.need(lv, len(d.provider.Statuses) > 0, "STC")
		}
	default:
		// A subscriber with a dependent below has its claims there.
		if !lv.children {
			d.need(lv, lv.traced, "TRN")
		}
	}
}

func (d *Decoder) endClaim() {
	d.endLine()
	if d.claim != nil && len(d.claim.Statuses) == 0 {
		d.errorf(d.claim.Pos, "TRN", 0, 0, CodeMissingSegment, "the claim status loop has no STC")
	}
	d.claim = nil
}

func (d *Decoder) endLine() {
	if d.line != nil && len(d.line.Statuses) == 0 {
		d.errorf(d.line.Pos, "SVC", 0, 0, CodeMissingSegment, "the service line loop has no STC")
	}
	d.line = nil
}

func (d *Decoder) need(lv *level, ok bool, what string) {
	if !ok {
		d.missing(lv, what)
	}
}

func (d *Decoder) missing(lv *level, what string) {
	d.errorf(lv.pos, "HL", 0, 0, CodeMissingSegment, "the level %s loop has no %s", lv.code, what)
}

func (d *Decoder) errorf(p x12.Position, id string, elem, comp int, code, format string, args ...any) {
	d.errs = append(d.errs, d.ctl.Errorf(p, id, elem, comp, x12.SeverityError, code, format, args...))
}

// ErrorsSoFar are the problems found so far, for a checker reading beside
// the decoder to give them their loop (package sets).
func (d *Decoder) ErrorsSoFar() []*x12.Error { return d.errs }
