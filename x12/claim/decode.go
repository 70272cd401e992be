package claim

import (
	"bytes"
	"io"
	"strconv"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Decoded is what Decode read from a stream.
type Decoded struct {
	Sets   []*Set       // every 837P, 837I and 837D transaction set, in order
	Errors []*x12.Error // envelope, syntax and element problems, in stream order
}

// Claims returns the claims of every set, in stream order.
func (d *Decoded) Claims() []Claim {
	var cs []Claim
	for _, s := range d.Sets {
		cs = append(cs, s.Claims...)
	}
	return cs
}

// Set is the content of one 837 transaction set.
type Set struct {
	Type        Type        `json:"claim_type,omitzero"`
	Interchange string      `json:"interchange,omitzero"`  // ISA13
	Group       string      `json:"group,omitzero"`        // GS06
	Transaction string      `json:"transaction,omitzero"`  // ST02
	ReferenceID string      `json:"reference_id,omitzero"` // BHT03
	Submitter   Submitter   `json:"submitter,omitzero"`
	Receiver    Receiver    `json:"receiver,omitzero"`
	Claims      []Claim     `json:"claims,omitzero"`
	Placements  []Placement `json:"placements,omitzero"` // Placements[i] is where Claims[i] stands
	Skipped     []Skipped   `json:"skipped,omitzero"`    // segments outside the subset this package reads
}

// ClaimAt returns the patient control number (CLM01) of the claim whose
// loops (2300 and its 2400s) hold the segment at position (ST is 1): a
// 999 names the claim of an error with it (CTX*CLM01).
func (s *Set) ClaimAt(position int) (string, bool) {
	for i, p := range s.Placements {
		if p.First <= position && position <= p.Last {
			return s.Claims[i].Info.PatientControlNumber, true
		}
	}
	return "", false
}

// Skipped is a segment the decoder does not read, such as a 2420 line
// provider loop or an HI of occurrence codes. It holds no element data.
type Skipped struct {
	Index    int    `json:"index,omitzero"`    // 1-based ordinal of the segment in the stream
	Position int    `json:"position,omitzero"` // its position in the transaction set (ST is 1)
	ID       string `json:"id,omitzero"`       // segment ID
	Loop     string `json:"loop,omitzero"`     // the loop it is in, e.g. "2320"
}

// Decode reads every 837P, 837I and 837D transaction set of a stream into
// claims.
// It keeps going past problems: they are in Decoded.Errors, with those the
// x12 Reader found in the envelopes. The error is only an I/O error.
func Decode(r io.Reader) (*Decoded, error) {
	sets, errs, err := x12.Decode[*Set](r, DecoderFor)
	return &Decoded{Sets: sets, Errors: errs}, err
}

// DecoderFor is an x12.DecoderFunc: it decodes 837 sets of the
// 005010X222, 005010X223 and 005010X224 guides into a *Set under
// x12.KeyClaims.
func DecoderFor(setID, implementation, groupVersion string) (string, x12.Decoder) {
	if setID != "837" {
		return "", nil
	}
	t := typeOf(implementation)
	if t == "" {
		t = typeOf(groupVersion)
	}
	if t == "" {
		return "", nil
	}
	return x12.KeyClaims, &decoder{set: &Set{Type: t}, loop: "HEADER"}
}

// decoder walks the segments of one set, keeping the loop it is in and the
// HL levels above the claim it is reading.
type decoder struct {
	set  *Set
	errs []*x12.Error
	ctl  x12.Control
	loop string

	bp                    Provider
	sub                   Subscriber
	payer                 Payer
	pat                   *Patient
	bpPos, subPos, patPos int

	r *x12.Reader
	s *x12.Segment // the segment being read

	cur        *Claim // the claim being read
	at         Placement
	prov       *Provider // the 2310 provider being read
	provEntity string    // its NM101
	line       *ServiceLine
	lineAdj    *LineAdjudication // the 2430 being read
	// claimDate is an 837D's date of service in 2300 (DTP*472), the
	// date of its lines that have none of their own.
	claimDate struct{ one, from, to string }
}

func (d *decoder) Finish() (any, []*x12.Error) {
	d.closeClaim()
	return d.set, d.errs
}

func (d *decoder) Segment(r *x12.Reader, s *x12.Segment) {
	d.r, d.s = r, s
	pos := r.TransactionPosition()
	if d.cur != nil && s.ID() != "SE" && s.ID() != "HL" && s.ID() != "CLM" {
		d.at.Last = pos
	}
	if !d.read(s, pos) {
		d.set.Skipped = append(d.set.Skipped, Skipped{Index: s.Index, Position: pos, ID: s.ID(), Loop: d.loop})
	}
}

// outsideLoops are the loops outside the subset that these segments open
// within a claim.
var outsideLoops = map[string]string{"LIN": "2410", "LQ": "2440"}

// read takes what it knows of a segment and reports whether it did.
func (d *decoder) read(s *x12.Segment, pos int) bool {
	switch s.ID() {
	case "ST":
		d.ctl.Interchange, d.ctl.Group, d.ctl.Transaction = d.r.Control()
		d.set.Interchange, d.set.Group, d.set.Transaction = d.ctl.Interchange, d.ctl.Group, d.ctl.Transaction
		return true
	case "SE":
		d.closeClaim()
		return true
	case "BHT":
		d.set.ReferenceID = s.Str(3)
		return true
	case "HL":
		return d.hl(s, pos)
	case "NM1":
		return d.nm1(s)
	case "CLM":
		return d.clm(s, pos)
	case "LX":
		if d.cur == nil {
			return false
		}
		d.loop = "2400"
		d.cur.ServiceLines = append(d.cur.ServiceLines, ServiceLine{})
		d.line = &d.cur.ServiceLines[len(d.cur.ServiceLines)-1]
		d.at.Lines = append(d.at.Lines, pos)
		return true
	case "SBR":
		if d.cur != nil {
			d.otherPayer(s)
			return true
		}
	case "SVD":
		if d.cur != nil {
			return d.svd(s)
		}
	case "LIN", "LQ":
		if d.cur != nil {
			d.loop = outsideLoops[s.ID()]
			return false
		}
	}
	switch d.loop {
	case "1000A":
		if s.ID() == "PER" && string(s.Element(1)) == "IC" {
			sub := &d.set.Submitter
			sub.ContactName = s.Str(2)
			for n := 3; n+1 <= s.Len(); n += 2 {
				switch string(s.Element(n)) {
				case "TE":
					sub.Phone = s.Str(n + 1)
				case "EM":
					sub.Email = s.Str(n + 1)
				}
			}
			return true
		}
	case "2000A":
		if s.ID() == "PRV" && string(s.Element(1)) == "BI" {
			d.bp.Taxonomy = s.Str(3)
			return true
		}
	case "2010AA":
		if s.ID() == "REF" && string(s.Element(1)) == "EI" {
			d.bp.TaxID = s.Str(2)
			return true
		}
		return address(s, &d.bp.Address)
	case "2000B":
		if s.ID() == "SBR" {
			d.sub.PayerResponsibility = s.Str(1)
			d.sub.GroupNumber = s.Str(3)
			d.sub.ClaimFilingIndicator = s.Str(9)
			return true
		}
	case "2010BA":
		return address(s, &d.sub.Address) || d.demographics(s, &d.sub.BirthDate, &d.sub.Gender)
	case "2000C":
		if s.ID() == "PAT" {
			d.pat.Relationship = s.Str(1)
			return true
		}
	case "2010CA":
		return address(s, &d.pat.Address) || d.demographics(s, &d.pat.BirthDate, &d.pat.Gender)
	case "2300":
		return d.claimSegment(s)
	case "2310A", "2310B", "2310C", "2310D", "2310E", "2310F":
		pl := d.cur.Type.Guide().providerLoop(d.provEntity)
		if s.ID() == "PRV" && pl.PRV != "" {
			d.prov.Taxonomy = s.Str(3)
			return true
		}
		return pl.Address && address(s, &d.prov.Address)
	case "2400":
		return d.lineSegment(s)
	case "2320", "2330A", "2330B":
		return d.otherPayerSegment(s)
	case "2430":
		return d.lineAdjudicationSegment(s)
	}
	return false
}

func (d *decoder) hl(s *x12.Segment, pos int) bool {
	d.closeClaim()
	switch string(s.Element(3)) {
	case "20":
		d.loop, d.bp, d.bpPos = "2000A", Provider{}, pos
	case "22":
		d.loop, d.sub, d.payer, d.pat, d.subPos, d.patPos = "2000B", Subscriber{}, Payer{}, nil, pos, 0
	case "23":
		d.loop, d.pat, d.patPos = "2000C", &Patient{}, pos
	default:
		d.loop = "HL"
		return false
	}
	return true
}

// nm1 starts the loop an NM1 opens, by its entity code and where it is.
func (d *decoder) nm1(s *x12.Segment) bool {
	entity := string(s.Element(1))
	if d.cur != nil {
		switch d.loop {
		case "2320", "2330A", "2330B", "2330":
			return d.otherPayerName(s, entity)
		case "2400", "2410", "2420", "2430", "2440":
			d.loop = "2420"
			return false
		}
		return d.claimProvider(s, entity)
	}
	switch entity {
	case "41":
		d.loop = "1000A"
		d.set.Submitter.Name, d.set.Submitter.ID = s.Str(3), s.Str(9)
	case "40":
		d.loop = "1000B"
		d.set.Receiver = Receiver{Name: s.Str(3), ID: s.Str(9)}
	case "85":
		d.loop = "2010AA"
		name(s, &d.bp)
	case "87":
		d.loop = "2010AB"
		return false
	case "PE":
		d.loop = "2010AC"
		return false
	case "IL":
		d.loop = "2010BA"
		d.sub.LastName, d.sub.FirstName, d.sub.MiddleName = s.Str(3), s.Str(4), s.Str(5)
		d.sub.MemberID = s.Str(9)
	case "PR":
		d.loop = "2010BB"
		d.payer = Payer{Name: s.Str(3), ID: s.Str(9)}
	case "QC":
		if d.pat == nil {
			return false
		}
		d.loop = "2010CA"
		d.pat.LastName, d.pat.FirstName, d.pat.MiddleName = s.Str(3), s.Str(4), s.Str(5)
	default:
		d.loop = "NM1*" + entity
		return false
	}
	return true
}

// claimProvider reads the NM1 of a 2310 loop.
func (d *decoder) claimProvider(s *x12.Segment, entity string) bool {
	c := d.cur
	pl := c.Type.Guide().providerLoop(entity)
	var loop string
	var dst **Provider
	if pl != nil {
		loop, dst = pl.Loop, pl.provider(c)
	}
	if dst == nil {
		d.loop = "2310"
		return false
	}
	d.loop, d.prov, d.provEntity = loop, &Provider{}, entity
	*dst = d.prov
	name(s, d.prov)
	return true
}

// name reads an NM1 into a provider: an organization or a person, as the
// last NM1 of the loop says.
func name(s *x12.Segment, p *Provider) {
	p.OrganizationName, p.LastName, p.FirstName, p.MiddleName = "", "", "", ""
	if string(s.Element(2)) == "2" {
		p.OrganizationName = s.Str(3)
	} else {
		p.LastName, p.FirstName, p.MiddleName = s.Str(3), s.Str(4), s.Str(5)
	}
	if string(s.Element(8)) == "XX" {
		p.NPI = s.Str(9)
	}
}

func address(s *x12.Segment, a *Address) bool {
	switch s.ID() {
	case "N3":
		a.Line1, a.Line2 = s.Str(1), s.Str(2)
	case "N4":
		a.City, a.State, a.PostalCode = s.Str(1), s.Str(2), s.Str(3)
	default:
		return false
	}
	return true
}

func (d *decoder) demographics(s *x12.Segment, birth, gender *string) bool {
	if s.ID() != "DMG" {
		return false
	}
	if string(s.Element(1)) == "D8" {
		*birth = d.date(s.Element(2), 2, 0)
	}
	*gender = s.Str(3)
	return true
}

// clm starts a claim under the HL levels read so far.
func (d *decoder) clm(s *x12.Segment, pos int) bool {
	d.closeClaim()
	if d.loop == "HEADER" || d.loop == "1000A" || d.loop == "1000B" {
		return false
	}
	c := &Claim{Type: d.set.Type, Payer: d.payer, BillingProvider: d.bp, Subscriber: d.sub}
	if d.pat != nil {
		p := *d.pat
		c.Patient = &p
	}
	in := &c.Info
	in.PatientControlNumber = s.Str(1)
	in.TotalCharge = d.amount(s, 2)
	c.Type.Guide().form.facility(in, string(s.Component(5, 1)))
	in.Frequency = string(s.Component(5, 3))
	in.Predetermination = c.Type == Dental && string(s.Element(19)) == "PB"
	d.cur, d.loop = c, "2300"
	d.at = Placement{Interchange: d.ctl.Interchange, Group: d.ctl.Group, Transaction: d.ctl.Transaction,
		First: pos, Last: pos, BillingProviderHL: d.bpPos, SubscriberHL: d.subPos, PatientHL: d.patPos}
	return true
}

func (d *decoder) closeClaim() {
	if d.cur == nil {
		return
	}
	if cd := d.claimDate; cd != (struct{ one, from, to string }{}) {
		for i := range d.cur.ServiceLines {
			l := &d.cur.ServiceLines[i]
			if l.ServiceDate == "" && l.ServiceDateFrom == "" {
				l.ServiceDate, l.ServiceDateFrom, l.ServiceDateTo = cd.one, cd.from, cd.to
			}
		}
		d.claimDate = struct{ one, from, to string }{}
	}
	d.set.Claims = append(d.set.Claims, *d.cur)
	d.set.Placements = append(d.set.Placements, d.at)
	d.cur, d.line, d.prov, d.lineAdj = nil, nil, nil, nil
}

// claimSegment reads a 2300 segment after CLM.
func (d *decoder) claimSegment(s *x12.Segment) bool {
	in := &d.cur.Info
	switch s.ID() {
	case "DTP":
		v := s.Element(3)
		switch q := string(s.Element(2)); string(s.Element(1)) {
		case "096":
			in.DischargeHour = string(v)
		case "434":
			in.StatementFrom, in.StatementTo = d.dateRange(3)
		case "435":
			date, hour := v, ""
			if q == "DT" && len(v) == 12 {
				date, hour = v[:8], string(v[8:])
			}
			if date := d.date(date, 3, 0); date != "" { // an admission is its date
				a := d.admission()
				a.Date, a.Hour = date, hour
			}
		case "452": // 837D: the orthodontic appliance's placement
			if d.cur.Type != Dental {
				return false
			}
			d.orthodontic().BandingDate = d.date(v, 3, 0)
		case "472": // 837D: the date of service of every line without its own
			if d.cur.Type != Dental {
				return false
			}
			if q == "RD8" {
				d.claimDate.from, d.claimDate.to = d.dateRange(3)
			} else {
				d.claimDate.one = d.date(v, 3, 0)
			}
		default:
			return false
		}
	case "DN1":
		o := d.orthodontic()
		o.TotalMonths, o.MonthsRemaining = d.months(s, 1), d.months(s, 2)
	case "DN2":
		in.MissingTeeth = append(in.MissingTeeth, ToothState{Number: s.Str(1), Status: s.Str(2)})
	case "CL1":
		if typ, src := s.Str(1), s.Str(2); typ != "" || src != "" {
			a := d.admission()
			a.Type, a.Source = typ, src
		}
		in.PatientStatus = s.Str(3)
	case "REF":
		switch string(s.Element(1)) {
		case "9F":
			in.ReferralNumber = s.Str(2)
		case "G1":
			in.PriorAuthorization = s.Str(2)
		case "F8":
			in.OriginalPayerClaimNumber = s.Str(2)
		default:
			return false
		}
	case "NTE":
		if string(s.Element(1)) != "ADD" {
			return false
		}
		in.Notes = s.Str(2)
	case "HI":
		return d.hi(s)
	default:
		return false
	}
	return true
}

func (d *decoder) orthodontic() *Orthodontic {
	if d.cur.Info.Orthodontic == nil {
		d.cur.Info.Orthodontic = &Orthodontic{}
	}
	return d.cur.Info.Orthodontic
}

// months reads a DN1 count of months, nil when absent.
func (d *decoder) months(s *x12.Segment, n int) *int {
	v := s.Element(n)
	if len(v) == 0 {
		return nil
	}
	m, err := strconv.Atoi(string(v))
	if err != nil {
		d.errorf(n, 0, "6", "not a whole number of months")
		return nil
	}
	return &m
}

func (d *decoder) admission() *Admission {
	if d.cur.Info.Admission == nil {
		d.cur.Info.Admission = &Admission{}
	}
	return d.cur.Info.Admission
}

// hi reads the diagnoses and procedures of an HI; it reports false when the
// HI holds neither (occurrence, value or condition codes).
func (d *decoder) hi(s *x12.Segment) bool {
	in := &d.cur.Info
	read := false
	for n := 1; n <= s.Len(); n++ {
		code := string(s.Component(n, 2))
		q, ok := hiQualifiers[string(s.Component(n, 1))]
		if !ok {
			continue
		}
		read = true
		if q.diagnosis != "" {
			in.Diagnoses = append(in.Diagnoses, Diagnosis{Code: code, Type: q.diagnosis, PresentOnAdmission: string(s.Component(n, 9))})
		} else {
			in.Procedures = append(in.Procedures, Procedure{Code: code, Type: q.procedure, Date: d.date(s.Component(n, 4), n, 4)})
		}
	}
	return read
}

// lineSegment reads a 2400 segment after LX.
func (d *decoder) lineSegment(s *x12.Segment) bool {
	l := d.line
	switch s.ID() {
	case "SV1":
		l.Procedure = procedureCode(s, 1)
		l.Charge = d.amount(s, 2)
		l.UnitType, l.Units, l.PlaceOfService = s.Str(3), s.Str(4), s.Str(5)
		l.DiagnosisPointers = d.pointers(s, 7)
	case "SV3":
		l.Procedure = procedureCode(s, 1)
		l.Charge = d.amount(s, 2)
		l.PlaceOfService = s.Str(3)
		l.OralCavityAreas = components(s, 4)
		if p := s.Str(5); p != "" {
			l.Prosthesis = &Prosthesis{Placement: p}
		}
		l.Units = s.Str(6)
		if l.Units == "" { // SV306 is sent when the count is not 1
			l.Units = "1"
		}
		l.DiagnosisPointers = d.pointers(s, 11)
	case "TOO":
		if string(s.Element(1)) != "JP" {
			return false
		}
		l.Teeth = append(l.Teeth, Tooth{Number: s.Str(2), Surfaces: components(s, 3)})
	case "SV2":
		l.RevenueCode = s.Str(1)
		if len(s.Component(2, 2)) > 0 { // a revenue code alone has no SV202
			l.Procedure = procedureCode(s, 2)
		}
		l.Charge = d.amount(s, 3)
		l.UnitType, l.Units = s.Str(4), s.Str(5)
	case "DTP":
		if string(s.Element(1)) == "441" { // 837D: the prior placement's date
			if l.Prosthesis == nil {
				l.Prosthesis = &Prosthesis{}
			}
			l.Prosthesis.PriorDate = d.date(s.Element(3), 3, 0)
			return true
		}
		if string(s.Element(1)) != "472" {
			return false
		}
		if string(s.Element(2)) == "RD8" {
			l.ServiceDateFrom, l.ServiceDateTo = d.dateRange(3)
		} else {
			l.ServiceDate = d.date(s.Element(3), 3, 0)
		}
	case "REF":
		if string(s.Element(1)) != "6R" {
			return false
		}
		l.LineID = s.Str(2)
	default:
		return false
	}
	return true
}

// pointers reads the diagnosis code pointers of a composite (SV107,
// SV311).
func (d *decoder) pointers(s *x12.Segment, n int) []int {
	var out []int
	for c := 1; ; c++ {
		p := s.Component(n, c)
		if len(p) == 0 {
			return out
		}
		v, err := strconv.Atoi(string(p))
		if err != nil {
			d.errorf(n, c, "6", "diagnosis pointer is not a number")
			continue
		}
		out = append(out, v)
	}
}

// components returns the non-empty components of element n (of its first
// ten), nil for none.
func components(s *x12.Segment, n int) []string {
	var out []string
	for c := 1; c <= 10; c++ {
		if v := s.Component(n, c); len(v) > 0 {
			out = append(out, string(v))
		}
	}
	return out
}

func procedureCode(s *x12.Segment, n int) ProcedureCode {
	p := ProcedureCode{Qualifier: string(s.Component(n, 1)), Code: string(s.Component(n, 2))}
	for c := 3; c <= 6; c++ {
		if m := s.Component(n, c); len(m) > 0 {
			p.Modifiers = append(p.Modifiers, string(m))
		}
	}
	return p
}

// amount reads element n as money, reporting what does not parse.
func (d *decoder) amount(s *x12.Segment, n int) money.Cents {
	v, err := money.ParseBytes(s.Element(n))
	if err != nil {
		d.errorf(n, 0, "6", "not an amount with at most two decimals")
	}
	return v
}

// date reads a CCYYMMDD date (element n, component c) as YYYY-MM-DD,
// reporting one that is not 8 digits.
func (d *decoder) date(v []byte, n, c int) string {
	date := fromD8(v)
	if date == "" && len(v) > 0 {
		d.errorf(n, c, "8", "not a CCYYMMDD date")
	}
	return date
}

// dateRange reads an RD8 range (element n): CCYYMMDD-CCYYMMDD. A single
// date, as some senders write, is a range of one day.
func (d *decoder) dateRange(n int) (from, to string) {
	v := d.s.Element(n)
	i := bytes.IndexByte(v, '-')
	if i < 0 {
		from = d.date(v, n, 0)
		return from, from
	}
	return d.date(v[:i], n, 0), d.date(v[i+1:], n, 0)
}

// errorf reports a problem with the segment being read.
// errorf adds an element's problem with its 999 IK403 code (6 invalid
// character, 8 invalid date).
func (d *decoder) errorf(elem, comp int, ik4, msg string) {
	e := d.ctl.Errorf(d.r.Position(d.s), d.s.ID(), elem, comp, x12.SeverityError, "invalid_element", "%s", msg)
	e.IK3, e.IK4 = "8", ik4
	d.errs = append(d.errs, e)
}

// ErrorsSoFar are the problems found so far, for a checker reading beside
// the decoder to give them their loop (package sets).
func (d *decoder) ErrorsSoFar() []*x12.Error { return d.errs }
