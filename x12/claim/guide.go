package claim

// Type is the kind of claim, as the contract's claim_type names it. The
// encounter contract, the routes' config and the 837 writer share it.
type Type string

// The claim types.
const (
	Professional  Type = "professional"  // 837P
	Institutional Type = "institutional" // 837I
	Dental        Type = "dental"        // 837D
)

// Guide is what an 837 implementation guide fixes for one claim type: its
// reference, its limits, its 2310 provider loops and the form its claim
// and lines take.
type Guide struct {
	Type    Type
	Name    string // 837P, 837I, 837D
	Version string // GS08 and ST03
	// MaxLines is how many 2400 loops a claim holds.
	MaxLines int
	// MaxDiagnoses is how many diagnosis codes a claim holds, 0 for no
	// limit beyond the per-type ones (837I).
	MaxDiagnoses int
	// DiagnosisTypes are the HI qualifiers' types the guide uses, in the
	// order the HI segments carry them; SplitHI starts a new HI for each
	// type and every 12 codes (837I), else one HI holds them all (837P).
	DiagnosisTypes []DiagnosisType
	SplitHI        bool
	// PresentOnAdmission says whether diagnoses carry HI0x-9 (837I).
	PresentOnAdmission bool
	// Providers are the 2310 loops, in the order they are written.
	Providers []ProviderLoop

	form form // writes and checks what the type does its own way; nil: not written
}

// ProviderLoop is one 2310 loop: its name, the NM101 entity code, the PRV
// provider code when the loop carries a taxonomy, whether it carries an
// address (N3, N4), and the claim's provider it holds.
type ProviderLoop struct {
	Loop     string
	Entity   string
	PRV      string
	Address  bool
	provider func(c *Claim) **Provider
}

// Guides are the 837 guides, by claim type.
var Guides = map[Type]*Guide{
	Professional: {
		Type: Professional, Name: "837P", Version: VersionProfessional, MaxLines: 50, MaxDiagnoses: maxDiagnosesP,
		DiagnosisTypes: []DiagnosisType{Principal, Other},
		Providers: []ProviderLoop{
			{"2310A", "DN", "", false, func(c *Claim) **Provider { return &c.ReferringProvider }},
			{"2310B", "82", "PE", false, func(c *Claim) **Provider { return &c.RenderingProvider }},
			{"2310C", "77", "", true, func(c *Claim) **Provider { return &c.ServiceFacility }},
		},
		form: professionalForm{},
	},
	Institutional: {
		Type: Institutional, Name: "837I", Version: VersionInstitutional, MaxLines: 999,
		DiagnosisTypes: []DiagnosisType{Principal, Admitting, ReasonForVisit, Other}, SplitHI: true, PresentOnAdmission: true,
		Providers: []ProviderLoop{
			{"2310A", "71", "AT", false, func(c *Claim) **Provider { return &c.AttendingProvider }},
			{"2310B", "72", "", false, func(c *Claim) **Provider { return &c.OperatingProvider }},
			{"2310D", "82", "", false, func(c *Claim) **Provider { return &c.RenderingProvider }},
			{"2310E", "77", "", true, func(c *Claim) **Provider { return &c.ServiceFacility }},
			{"2310F", "DN", "", false, func(c *Claim) **Provider { return &c.ReferringProvider }},
		},
		form: institutionalForm{},
	},
	Dental: {
		Type: Dental, Name: "837D", Version: VersionDental, MaxLines: 50, MaxDiagnoses: maxDiagnosesD,
		DiagnosisTypes: []DiagnosisType{Principal, Other},
		Providers: []ProviderLoop{
			{"2310A", "DN", "", false, func(c *Claim) **Provider { return &c.ReferringProvider }},
			{"2310B", "82", "PE", false, func(c *Claim) **Provider { return &c.RenderingProvider }},
			{"2310C", "77", "", true, func(c *Claim) **Provider { return &c.ServiceFacility }},
			{"2310D", "DD", "AS", false, func(c *Claim) **Provider { return &c.AssistantSurgeon }},
		},
		form: dentalForm{},
	},
}

// Implementation guide references (GS08 and ST03).
const (
	VersionProfessional  = "005010X222A1"
	VersionInstitutional = "005010X223A2"
	VersionDental        = "005010X224A2"
)

// Guide returns the guide of the type, nil for an unknown one.
func (t Type) Guide() *Guide { return Guides[t] }

// Version returns the implementation guide reference of the type, "" for
// an unknown one.
func (t Type) Version() string {
	if g := t.Guide(); g != nil {
		return g.Version
	}
	return ""
}

// written is the guide of a type the writer writes, nil for another.
func written(t Type) *Guide {
	if g := t.Guide(); g != nil && g.form != nil {
		return g
	}
	return nil
}

// order is the order of the types' functional groups in an interchange.
var order = []Type{Professional, Institutional, Dental}

// typeOf returns the claim type of an implementation reference (ST03 or
// GS08) that this package reads, "" for another.
func typeOf(version string) Type {
	for _, g := range Guides {
		if g.form != nil && len(version) >= 10 && g.Version[:10] == version[:10] {
			return g.Type
		}
	}
	return ""
}

// providerLoop is the 2310 loop of an NM101 entity code, nil when the
// guide has none.
func (g *Guide) providerLoop(entity string) *ProviderLoop {
	for i := range g.Providers {
		if g.Providers[i].Entity == entity {
			return &g.Providers[i]
		}
	}
	return nil
}

// form is what a claim type writes, reads and checks its own way.
type form interface {
	// clm writes CLM05 (the facility code, its qualifier and the
	// frequency) and CLM06.
	clm(e *encoder, in *Info)
	// facility reads the facility code of CLM05-1.
	facility(in *Info, code string)
	// dates writes the 2300 segments that come before REF: 837I's
	// discharge hour, statement dates, admission and CL1; 837D's appliance
	// placement date, DN1 and DN2.
	dates(e *encoder, in *Info)
	// line writes a line's service segment: SV1, SV2, or SV3 with its
	// TOO segments.
	line(e *encoder, l *ServiceLine)
	// lineDates writes the 2400 dates after the service date (DTP*472):
	// 837D's prior placement (DTP*441).
	lineDates(e *encoder, l *ServiceLine)
	// svd writes the SVD of a 2430 loop: the other payer's ID, the paid
	// amount, the procedure and (837I) the revenue code, the paid units.
	svd(e *encoder, payerID string, a *LineAdjudication)
	// checkLineAdjudication refuses what the type's SVD cannot carry.
	checkLineAdjudication(a *LineAdjudication) error
	// checkInfo refuses what the type forbids in the 2300, checkProviders
	// the providers it does not carry, and checkLine what it requires or
	// forbids on a line.
	checkInfo(in *Info) error
	checkProviders(c *Claim) error
	checkLine(l *ServiceLine) error
}
