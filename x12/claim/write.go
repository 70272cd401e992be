package claim

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/claimsgw/claimsgw/x12"
)

// Batch holds what one interchange needs besides its claims: envelope
// identities, control numbers, delimiters and the 1000A/1000B loops. The
// writer never invents a control number: every one comes from here.
type Batch struct {
	SenderQualifier   string // ISA05, e.g. "ZZ"
	SenderID          string // ISA06
	ReceiverQualifier string // ISA07
	ReceiverID        string // ISA08
	GroupSenderCode   string // GS02; "" means SenderID
	GroupReceiverCode string // GS03; "" means ReceiverID
	Usage             byte   // ISA15: 'T' or 'P'
	AckRequested      bool   // ISA14

	// Delimiters; the zero value means x12.DefaultDelimiters (* : ^ ~).
	Delimiters x12.Delimiters

	Time time.Time // ISA09/10, GS04/05, BHT04/05

	InterchangeControlNumber int // ISA13
	// GroupControlNumber is GS06 of the first group; when the interchange
	// holds both 837P and 837I claims, the 837I group takes the next number.
	GroupControlNumber int
	// TransactionControlNumber is ST02 of the first transaction set; each
	// further set takes the next number.
	TransactionControlNumber int
	// ReferenceID is BHT03 of every transaction set, e.g. the batch ID.
	ReferenceID string
	// MaxClaimsPerTransaction starts a new ST past this many claims; 0
	// means 5,000.
	MaxClaimsPerTransaction int

	Submitter Submitter // 1000A
	Receiver  Receiver  // 1000B
}

// Submitter is loop 1000A: NM1*41 (an organization, ID qualifier 46) and
// PER*IC.
type Submitter struct {
	Name        string `json:"name,omitzero"`         // NM103
	ID          string `json:"id,omitzero"`           // NM109
	ContactName string `json:"contact_name,omitzero"` // PER02
	Phone       string `json:"phone,omitzero"`        // PER TE
	Email       string `json:"email,omitzero"`        // PER EM
}

// Receiver is loop 1000B: NM1*40.
type Receiver struct {
	Name string `json:"name,omitzero"` // NM103
	ID   string `json:"id,omitzero"`   // NM109
}

// Result tells where each claim went.
type Result struct {
	Interchange  string        // ISA13 as written (9 digits)
	Transactions []Transaction // every transaction set written, in order
	Claims       []Placement   // Claims[i] is where claims[i] went
}

// Transaction is one transaction set written.
type Transaction struct {
	Type          Type
	Group         string // GS06
	ControlNumber string // ST02 as written (at least 4 digits)
	Claims        int
	Segments      int // SE01: ST to SE, both included
}

// Placement is where a claim stands: its envelopes and the positions of its
// segments in its transaction set, counted as a 999 IK302 counts them (ST
// is 1).
type Placement struct {
	Interchange string `json:"interchange,omitzero"` // ISA13
	Group       string `json:"group,omitzero"`       // GS06
	Transaction string `json:"transaction,omitzero"` // ST02

	First int   `json:"first,omitzero"` // the 2300 CLM
	Last  int   `json:"last,omitzero"`  // the last segment of its last 2400 loop
	Lines []int `json:"lines,omitzero"` // each line's LX

	BillingProviderHL int `json:"billing_provider_hl,omitzero"` // the 2000A HL the claim is under
	SubscriberHL      int `json:"subscriber_hl,omitzero"`       // its 2000B HL
	PatientHL         int `json:"patient_hl,omitzero"`          // its 2000C HL, 0 when the patient is the subscriber
}

// Contains reports whether a segment position of the placement's
// transaction set falls in the claim's 2300 and 2400 loops.
func (p Placement) Contains(position int) bool { return position >= p.First && position <= p.Last }

// Write writes one interchange holding claims: the 837P claims in one
// functional group, the 837I claims in another, the 837D claims in a
// third, each split into
// transaction sets of at most Batch.MaxClaimsPerTransaction claims. Within a
// set, claims of the same billing provider share one 2000A loop and claims of
// the same subscriber (and payer) one 2000B loop, and claims of the same
// dependent patient one 2000C loop; claims keep their input order otherwise.
//
// Data holding a delimiter is refused, never altered. On error, out may have
// received part of the interchange: write to a temporary file.
func Write(out io.Writer, b Batch, claims []Claim) (*Result, error) {
	if len(claims) == 0 {
		return nil, errors.New("x12/claim: no claims to write")
	}
	if err := checkBatch(&b); err != nil {
		return nil, fmt.Errorf("x12/claim: %w", err)
	}
	for i := range claims {
		if err := check(&claims[i]); err != nil {
			return nil, fmt.Errorf("x12/claim: claim %d: %w", i, err)
		}
	}
	d := b.Delimiters
	if d == (x12.Delimiters{}) {
		d = x12.DefaultDelimiters
	}
	perST := b.MaxClaimsPerTransaction
	if perST <= 0 {
		perST = claimsPerTransaction
	}
	gsSender, gsReceiver := cmp.Or(b.GroupSenderCode, b.SenderID), cmp.Or(b.GroupReceiverCode, b.ReceiverID)
	e := &encoder{
		w: x12.NewWriter(out, d), b: &b, claims: claims,
		res: &Result{Interchange: fmt.Sprintf("%09d", b.InterchangeControlNumber), Claims: make([]Placement, len(claims))},
	}
	w := e.w
	w.BeginInterchange(x12.InterchangeHeader{
		SenderQualifier: b.SenderQualifier, SenderID: b.SenderID,
		ReceiverQualifier: b.ReceiverQualifier, ReceiverID: b.ReceiverID,
		Time: b.Time, ControlNumber: b.InterchangeControlNumber, AckRequested: b.AckRequested, Usage: b.Usage,
	})
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("x12/claim: %w", err)
	}
	keys := arrange(claims)
	gs, st := b.GroupControlNumber, b.TransactionControlNumber
	for len(keys) > 0 {
		t := claims[keys[0].i].Type
		n := 0
		for n < len(keys) && claims[keys[n].i].Type == t {
			n++
		}
		group := keys[:n]
		keys = keys[n:]
		w.BeginGroup(x12.GroupHeader{FunctionalID: "HC", SenderCode: gsSender, ReceiverCode: gsReceiver,
			Time: b.Time, ControlNumber: gs, Version: t.Version()})
		e.gs06 = strconv.Itoa(gs)
		for len(group) > 0 {
			n := min(perST, len(group))
			if err := e.transaction(t, st, group[:n]); err != nil {
				return nil, err
			}
			group = group[n:]
			st++
		}
		w.EndGroup()
		gs++
	}
	w.EndInterchange()
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("x12/claim: %w", err)
	}
	return e.res, nil
}

// key places a claim: its type and the HL parents it shares with others,
// numbered in order of first appearance.
type key struct {
	typ, bp, sub, pat, i int
}

// arrange orders the claims by type, billing provider, subscriber and
// patient, in order of first appearance, keeping input order within each.
func arrange(claims []Claim) []key {
	type subKey struct {
		bp  int
		s   Subscriber
		p   Payer
		own bool // the subscriber is the patient
	}
	type patKey struct {
		sub int
		p   Patient
	}
	bps, subs, pats := map[Provider]int{}, map[subKey]int{}, map[patKey]int{}
	keys := make([]key, len(claims))
	for i := range claims {
		c := &claims[i]
		k := key{i: i, bp: number(bps, c.BillingProvider)}
		k.sub = number(subs, subKey{k.bp, c.Subscriber, c.Payer, c.Patient == nil})
		if c.Patient != nil {
			k.pat = number(pats, patKey{k.sub, *c.Patient})
		}
		k.typ = slices.Index(order, c.Type)
		keys[i] = k
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.bp, b.bp), cmp.Compare(a.sub, b.sub),
			cmp.Compare(a.pat, b.pat), cmp.Compare(a.i, b.i))
	})
	return keys
}

// number returns k's number in m, giving it the next one (from 1) when new.
func number[K comparable](m map[K]int, k K) int {
	n, ok := m[k]
	if !ok {
		n = len(m) + 1
		m[k] = n
	}
	return n
}

type encoder struct {
	w      *x12.Writer
	b      *Batch
	claims []Claim
	res    *Result
	gs06   string
	st02   string
	st0    int    // w.Count() once ST is written
	buf    []byte // scratch for dates
}

// pos returns the position of the last segment written in its transaction
// set.
func (e *encoder) pos() int { return e.w.Count() - e.st0 + 1 }

// transaction writes one ST/SE holding the claims of keys, all of type t.
func (e *encoder) transaction(t Type, st int, keys []key) error {
	w, b := e.w, e.b
	w.BeginTransaction("837", st, t.Version())
	e.st0, e.st02 = w.Count(), fmt.Sprintf("%04d", st)
	w.Segment("BHT", "0019", "00", b.ReferenceID, b.Time.Format("20060102"), b.Time.Format("1504"), "CH")
	e.name("41", "2", b.Submitter.Name, "", "", "46", b.Submitter.ID)
	w.Begin("PER")
	w.Element("IC")
	w.Element(b.Submitter.ContactName)
	if b.Submitter.Phone != "" {
		w.Element("TE")
		w.Element(b.Submitter.Phone)
	}
	if b.Submitter.Email != "" {
		w.Element("EM")
		w.Element(b.Submitter.Email)
	}
	w.End()
	e.name("40", "2", b.Receiver.Name, "", "", "46", b.Receiver.ID)
	if err := w.Error(); err != nil {
		return fmt.Errorf("x12/claim: %w", err)
	}

	hl := 0
	var bpHL, subHL int           // HL01 of the open levels
	var bpPos, subPos, patPos int // their positions
	prev := key{bp: -1}
	for _, k := range keys {
		c := &e.claims[k.i]
		if k.bp != prev.bp {
			hl++
			bpHL = hl
			w.Segment("HL", strconv.Itoa(hl), "", "20", "1")
			bpPos = e.pos()
			e.billingProvider(&c.BillingProvider)
			prev.sub = -1
		}
		if k.sub != prev.sub {
			hl++
			subHL = hl
			child := "0"
			if c.Patient != nil {
				child = "1"
			}
			w.Segment("HL", strconv.Itoa(hl), strconv.Itoa(bpHL), "22", child)
			subPos = e.pos()
			e.subscriber(c)
			prev.pat = -1
		}
		pat := 0
		if c.Patient != nil {
			if k.pat != prev.pat {
				hl++
				w.Segment("HL", strconv.Itoa(hl), strconv.Itoa(subHL), "23", "0")
				patPos = e.pos()
				e.patient(c.Patient)
			}
			pat = patPos
		}
		p := &e.res.Claims[k.i]
		*p = Placement{Interchange: e.res.Interchange, Group: e.gs06, Transaction: e.st02,
			BillingProviderHL: bpPos, SubscriberHL: subPos, PatientHL: pat}
		e.claim(c, p)
		if err := w.Error(); err != nil {
			return fmt.Errorf("x12/claim: claim %d: %w", k.i, err)
		}
		prev = k
	}
	segs := e.pos() + 1
	w.EndTransaction()
	e.res.Transactions = append(e.res.Transactions, Transaction{Type: t, Group: e.gs06, ControlNumber: e.st02,
		Claims: len(keys), Segments: segs})
	if err := w.Error(); err != nil {
		return fmt.Errorf("x12/claim: %w", err)
	}
	return nil
}

// name writes an NM1: entity code, entity type (1 person, 2 organization),
// last or organization name, first, middle, ID qualifier and ID.
func (e *encoder) name(entity, typ, last, first, middle, qual, id string) {
	w := e.w
	w.Begin("NM1")
	w.Element(entity)
	w.Element(typ)
	w.Element(last)
	w.Element(first)
	w.Element(middle)
	w.Element("")
	w.Element("")
	if id != "" {
		w.Element(qual)
		w.Element(id)
	}
	w.End()
}

// provider writes a provider's NM1 with its NPI.
func (e *encoder) provider(entity string, p *Provider) {
	if p.OrganizationName != "" {
		e.name(entity, "2", p.OrganizationName, "", "", "XX", p.NPI)
		return
	}
	e.name(entity, "1", p.LastName, p.FirstName, p.MiddleName, "XX", p.NPI)
}

// address writes N3 and N4 for the parts that are set.
func (e *encoder) address(a *Address) {
	if a.Line1 != "" || a.Line2 != "" {
		e.w.Segment("N3", a.Line1, a.Line2)
	}
	if a.City != "" || a.State != "" || a.PostalCode != "" {
		e.w.Segment("N4", a.City, a.State, a.PostalCode)
	}
}

// demographics writes DMG when a birth date or gender is known.
func (e *encoder) demographics(birth, gender string) {
	if birth == "" && gender == "" {
		return
	}
	w := e.w
	w.Begin("DMG")
	if birth != "" {
		w.Element("D8")
		w.Element(e.date(birth))
	} else {
		w.Element("")
		w.Element("")
	}
	w.Element(gender)
	w.End()
}

// date returns a YYYY-MM-DD date as CCYYMMDD.
func (e *encoder) date(s string) string {
	e.buf = d8(e.buf[:0], s)
	return string(e.buf)
}

// taxonomy writes PRV with the provider code (BI, PE, AT) when a taxonomy
// is set.
func (e *encoder) taxonomy(code, taxonomy string) {
	if taxonomy != "" {
		e.w.Segment("PRV", code, "PXC", taxonomy)
	}
}

// billingProvider writes 2000A's PRV and loop 2010AA, after its HL.
func (e *encoder) billingProvider(p *Provider) {
	e.taxonomy("BI", p.Taxonomy)
	e.provider("85", p)
	e.address(&p.Address)
	if p.TaxID != "" {
		e.w.Segment("REF", "EI", p.TaxID)
	}
}

// subscriber writes 2000B's SBR and loops 2010BA and 2010BB, after its HL.
func (e *encoder) subscriber(c *Claim) {
	s := &c.Subscriber
	rel := "18"
	if c.Patient != nil {
		rel = ""
	}
	e.w.Segment("SBR", s.PayerResponsibility, rel, s.GroupNumber, "", "", "", "", "", s.ClaimFilingIndicator)
	e.name("IL", "1", s.LastName, s.FirstName, s.MiddleName, "MI", s.MemberID)
	e.address(&s.Address)
	e.demographics(s.BirthDate, s.Gender)
	e.name("PR", "2", c.Payer.Name, "", "", "PI", c.Payer.ID)
}

// patient writes 2000C's PAT and loop 2010CA, after its HL.
func (e *encoder) patient(p *Patient) {
	e.w.Segment("PAT", p.Relationship)
	e.name("QC", "1", p.LastName, p.FirstName, p.MiddleName, "", "")
	e.address(&p.Address)
	e.demographics(p.BirthDate, p.Gender)
}

// claim writes the 2300 loop and its 2400 loops, recording their positions
// in p.
func (e *encoder) claim(c *Claim, p *Placement) {
	w, in, g := e.w, &c.Info, written(c.Type)
	w.Begin("CLM")
	w.Element(in.PatientControlNumber)
	w.Element(in.TotalCharge.X12())
	w.Element("")
	w.Element("")
	g.form.clm(e, in)
	w.Element("A") // assigned
	w.Element("Y") // benefits assigned
	w.Element("Y") // release of information
	if in.Predetermination {
		for range 9 { // CLM10 to CLM18
			w.Element("")
		}
		w.Element("PB") // CLM19: predetermination of benefits
	}
	w.End()
	p.First = e.pos()

	g.form.dates(e, in)
	if in.ReferralNumber != "" {
		w.Segment("REF", "9F", in.ReferralNumber)
	}
	if in.PriorAuthorization != "" {
		w.Segment("REF", "G1", in.PriorAuthorization)
	}
	if in.OriginalPayerClaimNumber != "" {
		w.Segment("REF", "F8", in.OriginalPayerClaimNumber)
	}
	if in.Notes != "" {
		w.Segment("NTE", "ADD", in.Notes)
	}
	e.diagnoses(in.Diagnoses, g.SplitHI)
	e.procedures(in.Procedures)
	for _, pl := range g.Providers {
		e.providerLoop(pl, *pl.provider(c))
	}
	e.otherPayers(c)

	p.Lines = make([]int, len(c.ServiceLines))
	for i := range c.ServiceLines {
		l := &c.ServiceLines[i]
		w.Segment("LX", strconv.Itoa(i+1))
		p.Lines[i] = e.pos()
		g.form.line(e, l)
		switch {
		case l.ServiceDate != "":
			w.Segment("DTP", "472", "D8", e.date(l.ServiceDate))
		case l.ServiceDateFrom != "":
			w.Segment("DTP", "472", "RD8", e.date(l.ServiceDateFrom)+"-"+e.date(l.ServiceDateTo))
		}
		g.form.lineDates(e, l)
		w.Segment("REF", "6R", l.LineID)
		e.lineAdjudications(c, i+1, g.form)
	}
	p.Last = e.pos()
}

// providerLoop writes a 2310 loop when the claim has its provider: NM1,
// then PRV with the taxonomy, or N3 and N4, where the loop carries them.
func (e *encoder) providerLoop(pl ProviderLoop, p *Provider) {
	if p == nil {
		return
	}
	e.provider(pl.Entity, p)
	if pl.PRV != "" {
		e.taxonomy(pl.PRV, p.Taxonomy)
	}
	if pl.Address {
		e.address(&p.Address)
	}
}

// diagnoses writes the HI segments of the diagnoses: ABK, then (837I) ABJ
// and APR, then ABF. Without split (837P) one HI carries every diagnosis;
// with it (837I) each type and every 12 codes start a new HI.
func (e *encoder) diagnoses(ds []Diagnosis, split bool) {
	var h hi[DiagnosisType]
	for _, d := range ds {
		h.next(e.w, d.Type, split)
		e.w.Element(cmp.Or(diagnosisQualifiers[d.Type], diagnosisQualifiers[Other]))
		e.w.Component(d.Code)
		if d.PresentOnAdmission != "" {
			for range 6 {
				e.w.Component("")
			}
			e.w.Component(d.PresentOnAdmission)
		}
	}
	h.end(e.w)
}

// procedures writes the 837I HI segments of ICD-10-PCS procedures: BBR,
// then BBQ, a new HI for each type and every 12.
func (e *encoder) procedures(ps []Procedure) {
	var h hi[ProcedureType]
	for _, p := range ps {
		h.next(e.w, p.Type, true)
		e.w.Element(cmp.Or(procedureQualifiers[p.Type], procedureQualifiers[OtherProcedure]))
		e.w.Component(p.Code)
		e.w.Component("D8")
		e.w.Component(e.date(p.Date))
	}
	h.end(e.w)
}

// hi is the HI segment being written: how many composites it holds, and
// of which type.
type hi[T comparable] struct {
	open int
	last T
}

// next opens the HI of the next composite, of type t: a new one when
// none is open, or, with split, for a new type or past 12 composites.
func (h *hi[T]) next(w *x12.Writer, t T, split bool) {
	if h.open == 0 || split && (t != h.last || h.open == hiPerSegment) {
		h.end(w)
		w.Begin("HI")
	}
	h.open++
	h.last = t
}

// end closes the HI, if one is open.
func (h *hi[T]) end(w *x12.Writer) {
	if h.open > 0 {
		w.End()
	}
	h.open = 0
}

// unitType is SV103 / SV204: UN unless the line says otherwise.
func unitType(l *ServiceLine) string { return cmp.Or(l.UnitType, "UN") }

// procedureCode writes SV101 / SV202 / SV301: qualifier (def when the
// code names none), code and modifiers.
func (e *encoder) procedureCode(p *ProcedureCode, def string) {
	e.w.Element(cmp.Or(p.Qualifier, def))
	e.w.Component(p.Code)
	for _, m := range p.Modifiers {
		e.w.Component(m)
	}
}

// checkBatch refuses a batch missing what 1000A, 1000B and BHT need; the
// x12 Writer checks the envelope fields.
func checkBatch(b *Batch) error {
	switch {
	case b.Time.IsZero():
		return errors.New("batch: no time")
	case b.ReferenceID == "":
		return errors.New("batch: no reference ID (BHT03)")
	case b.Submitter.Name == "" || b.Submitter.ID == "":
		return errors.New("batch: the submitter needs a name and an ID")
	case b.Submitter.Phone == "" && b.Submitter.Email == "":
		return errors.New("batch: the submitter needs a phone number or an email address")
	case b.Receiver.Name == "" || b.Receiver.ID == "":
		return errors.New("batch: the receiver needs a name and an ID")
	}
	return nil
}

// check refuses a claim the writer cannot put in an 837 as the guides
// shape it. Code values and text are the caller's to validate.
func check(c *Claim) error {
	in, g := &c.Info, written(c.Type)
	switch {
	case g == nil:
		return fmt.Errorf("claim type %q is not %s, %s or %s", c.Type, Professional, Institutional, Dental)
	case in.PatientControlNumber == "":
		return errors.New("no patient control number")
	case len(c.ServiceLines) == 0:
		return errors.New("no service lines")
	case len(c.ServiceLines) > g.MaxLines:
		return fmt.Errorf("%d service lines: an %s claim holds at most %d", len(c.ServiceLines), c.Type, g.MaxLines)
	case len(in.Diagnoses) == 0 && c.Type != Dental: // diagnoses are optional on the 837D
		return errors.New("no diagnoses")
	case in.Predetermination && c.Type != Dental:
		return errors.New("a predetermination of benefits (CLM19 PB) is 837D only")
	}
	if c.Type != Dental {
		if err := checkNotDental(c); err != nil {
			return err
		}
	}
	if err := g.form.checkInfo(in); err != nil {
		return err
	}
	for _, p := range []*Provider{&c.BillingProvider, c.RenderingProvider, c.ReferringProvider, c.AttendingProvider, c.OperatingProvider, c.ServiceFacility, c.AssistantSurgeon} {
		if p != nil && p.OrganizationName == "" && p.LastName == "" {
			return errors.New("a provider has neither an organization nor a last name")
		}
	}
	if err := g.form.checkProviders(c); err != nil {
		return err
	}
	if err := checkDiagnoses(in.Diagnoses, g); err != nil {
		return err
	}
	if err := checkProcedures(in.Procedures); err != nil {
		return err
	}
	dates := []string{c.Subscriber.BirthDate}
	if c.Patient != nil {
		dates = append(dates, c.Patient.BirthDate)
	}
	if (in.StatementFrom != "" || in.StatementTo != "") && (!isDate(in.StatementFrom) || !isDate(in.StatementTo)) {
		return errors.New("statement dates: want both from and to as YYYY-MM-DD")
	}
	if a := in.Admission; a != nil {
		dates = append(dates, a.Date)
		if a.Hour != "" && (a.Date == "" || !isHour(a.Hour)) {
			return errors.New("admission hour: want HHMM with an admission date")
		}
	}
	if in.DischargeHour != "" && !isHour(in.DischargeHour) {
		return errors.New("discharge hour: want HHMM")
	}
	for i := range c.ServiceLines {
		if err := checkLine(&c.ServiceLines[i], len(in.Diagnoses), g, in.Predetermination); err != nil {
			return fmt.Errorf("service line %d: %w", i+1, err)
		}
	}
	for _, d := range dates {
		if d != "" && !isDate(d) {
			return errors.New("a date is not YYYY-MM-DD")
		}
	}
	return checkOtherPayers(c, g.form)
}

// checkDiagnoses checks the order, the types and the counts the guide's
// HI segments allow.
func checkDiagnoses(ds []Diagnosis, g *Guide) error {
	if len(ds) == 0 {
		return nil // an 837D without diagnoses
	}
	if ds[0].Type != Principal {
		return errors.New("the first diagnosis must be the principal one")
	}
	var n [4]int // principal, admitting, reason, other
	rank := map[DiagnosisType]int{Principal: 0, Admitting: 1, ReasonForVisit: 2, Other: 3}
	last := 0
	for _, d := range ds {
		r, ok := rank[d.Type]
		switch {
		case d.Code == "":
			return errors.New("a diagnosis has no code")
		case !ok || !slices.Contains(g.DiagnosisTypes, d.Type):
			return fmt.Errorf("diagnosis type %q is not used on an %s claim", d.Type, g.Type)
		case r < last:
			return errors.New("diagnoses must come principal, admitting, reason_for_visit, then other")
		case d.PresentOnAdmission != "" && (!g.PresentOnAdmission || r == 1 || r == 2):
			return errors.New("present_on_admission goes with 837I principal and other diagnoses only")
		}
		last = r
		n[r]++
	}
	switch {
	case n[0] > 1 || n[1] > 1:
		return errors.New("more than one principal or admitting diagnosis")
	case g.MaxDiagnoses > 0 && len(ds) > g.MaxDiagnoses:
		return fmt.Errorf("%d diagnoses: an %s claim holds at most %d", len(ds), g.Name, g.MaxDiagnoses)
	case n[2] > maxReasons:
		return fmt.Errorf("%d reasons for visit: at most %d", n[2], maxReasons)
	case n[3] > maxOtherI:
		return fmt.Errorf("%d other diagnoses: at most %d", n[3], maxOtherI)
	}
	return nil
}

// checkProcedures checks 837I ICD-10-PCS procedures: the principal first,
// dated, at most 24 others.
func checkProcedures(ps []Procedure) error {
	others := 0
	for i, p := range ps {
		switch {
		case p.Code == "" || !isDate(p.Date):
			return errors.New("a procedure needs a code and a YYYY-MM-DD date")
		case p.Type == PrincipalProcedure && i > 0, p.Type != PrincipalProcedure && p.Type != OtherProcedure:
			return errors.New("procedures must be one principal first, then others")
		case p.Type == OtherProcedure:
			others++
		}
	}
	if others > maxOtherProcsI {
		return fmt.Errorf("%d other procedures: at most %d", others, maxOtherProcsI)
	}
	return nil
}

// checkLine checks a line; a line of a predetermination of benefits has
// no date of service.
func checkLine(l *ServiceLine, diagnoses int, g *Guide, predetermination bool) error {
	switch {
	case l.LineID == "":
		return errors.New("no line ID (REF*6R)")
	case !isQuantity(l.Units):
		return errors.New("units: want a decimal number")
	case predetermination:
		if l.ServiceDate != "" || l.ServiceDateFrom != "" || l.ServiceDateTo != "" {
			return errors.New("a predetermination of benefits has no date of service (DTP*472)")
		}
	case l.ServiceDate == "" && (!isDate(l.ServiceDateFrom) || !isDate(l.ServiceDateTo)),
		l.ServiceDate != "" && (!isDate(l.ServiceDate) || l.ServiceDateFrom != "" || l.ServiceDateTo != ""):
		return errors.New("want a service date, or a from and to date, as YYYY-MM-DD")
	case len(l.Procedure.Modifiers) > maxModifiers:
		return fmt.Errorf("%d modifiers: at most %d", len(l.Procedure.Modifiers), maxModifiers)
	}
	if err := g.form.checkLine(l); err != nil {
		return err
	}
	for _, p := range l.DiagnosisPointers {
		if p < 1 || p > diagnoses {
			return fmt.Errorf("diagnosis pointer %d: the claim has %d diagnoses", p, diagnoses)
		}
	}
	return nil
}
