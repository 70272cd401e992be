package encounter

import (
	"encoding/json"
	"fmt"

	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/money"
)

// StoredClaim is the 837 writer's claim of an encounter as the ledger
// keeps it (its JSON, checked before), to the payer billing names (the
// ledger's JSON of a Billing; "" for the encounter's payer): decoded,
// normalized and mapped by ToClaimFor. The claim intake hands the batcher
// for the encounter's payer is this one. payer names a payer by its id.
func StoredClaim(raw []byte, billing string, payer func(id string) claim.Payer) (claim.Claim, error) {
	e, err := DecodeBytes(raw)
	if err != nil {
		return claim.Claim{}, err
	}
	Normalize(e)
	var b Billing
	if billing != "" {
		if err := json.Unmarshal([]byte(billing), &b); err != nil {
			return claim.Claim{}, fmt.Errorf("encounter: the claim's billing: %w", err)
		}
	}
	return ToClaimFor(e, b, payer), nil
}

// ToClaim maps a normalized encounter that Check passed onto the 837
// writer's model of the claim to the payer it is billed to first, the
// other payers listed in 2320 (ToClaimFor makes the claims to those).
// payer names the payer for 2010BB (its ID is the encounter's payer_id).
func ToClaim(e *Encounter, payer claim.Payer) claim.Claim {
	c := claim.Claim{
		Type:              e.ClaimType,
		Payer:             payer,
		BillingProvider:   provider(e.BillingProvider),
		RenderingProvider: optProvider(e.RenderingProvider),
		ReferringProvider: optProvider(e.ReferringProvider),
		AttendingProvider: optProvider(e.AttendingProvider),
		OperatingProvider: optProvider(e.OperatingProvider),
		ServiceFacility:   optProvider(e.ServiceFacility),
		AssistantSurgeon:  optProvider(e.AssistantSurgeon),
	}
	if s := e.Subscriber; s != nil {
		c.Subscriber = claim.Subscriber{
			MemberID: s.MemberID, LastName: s.LastName, FirstName: s.FirstName, MiddleName: s.MiddleName,
			BirthDate: s.BirthDate, Gender: s.Gender, Address: address(s.Address), GroupNumber: s.GroupNumber,
			ClaimFilingIndicator: s.ClaimFilingIndicator, PayerResponsibility: s.PayerResponsibility,
		}
	}
	if p := e.Patient; p != nil {
		c.Patient = &claim.Patient{
			Relationship: p.Relationship, LastName: p.LastName, FirstName: p.FirstName, MiddleName: p.MiddleName,
			BirthDate: p.BirthDate, Gender: p.Gender, Address: address(p.Address),
		}
	}
	if k := e.Claim; k != nil {
		c.Info = claim.Info{
			PatientControlNumber: k.PatientControlNumber, TotalCharge: amount(k.TotalCharge),
			PlaceOfService: k.PlaceOfService, FacilityType: k.FacilityType, Frequency: k.Frequency,
			PriorAuthorization: k.PriorAuthorization, ReferralNumber: k.ReferralNumber,
			OriginalPayerClaimNumber: k.OriginalPayerClaimNumber,
			StatementFrom:            k.StatementFrom, StatementTo: k.StatementTo,
			DischargeHour: k.DischargeHour, PatientStatus: k.PatientStatus, Notes: k.Notes,
		}
		if a := k.Admission; a != nil {
			c.Info.Admission = &claim.Admission{Date: a.Date, Hour: a.Hour, Type: a.Type, Source: a.Source}
		}
		c.Info.Predetermination = k.Predetermination
		if o := k.Orthodontic; o != nil {
			c.Info.Orthodontic = &claim.Orthodontic{TotalMonths: o.TotalMonths, MonthsRemaining: o.MonthsRemaining, BandingDate: o.BandingDate}
		}
		for _, t := range k.MissingTeeth {
			c.Info.MissingTeeth = append(c.Info.MissingTeeth, claim.ToothState{Number: t.Number, Status: t.Status})
		}
		for i, d := range k.Diagnoses {
			t := claim.DiagnosisType(d.Type)
			if t == "" {
				t = claim.Other
				if i == 0 {
					t = claim.Principal
				}
			}
			c.Info.Diagnoses = append(c.Info.Diagnoses, claim.Diagnosis{Code: d.Code, Type: t, PresentOnAdmission: d.PresentOnAdmission})
		}
		for _, p := range k.Procedures {
			t := claim.ProcedureType(p.Type)
			if t == "" {
				t = claim.OtherProcedure
			}
			c.Info.Procedures = append(c.Info.Procedures, claim.Procedure{Code: p.Code, Date: p.Date, Type: t})
		}
	}
	for _, l := range e.ServiceLines {
		sl := claim.ServiceLine{
			LineID: l.LineID, RevenueCode: l.RevenueCode, Charge: amount(l.Charge), Units: l.Units, UnitType: l.UnitType,
			ServiceDate: l.ServiceDate, ServiceDateFrom: l.ServiceDateFrom, ServiceDateTo: l.ServiceDateTo,
			DiagnosisPointers: l.DiagnosisPointers, OralCavityAreas: l.OralCavityAreas,
		}
		if p := l.Prosthesis; p != nil {
			sl.Prosthesis = &claim.Prosthesis{Placement: p.Placement, PriorDate: p.PriorDate}
		}
		for _, t := range l.Teeth {
			sl.Teeth = append(sl.Teeth, claim.Tooth{Number: t.Number, Surfaces: t.Surfaces})
		}
		if p := l.Procedure; p != nil {
			sl.Procedure = claim.ProcedureCode{Code: p.Code, Qualifier: p.Qualifier, Modifiers: p.Modifiers}
		}
		c.ServiceLines = append(c.ServiceLines, sl)
	}
	for _, o := range e.OtherPayers {
		if o != nil {
			c.OtherPayers = append(c.OtherPayers, otherPayer(o, nil))
		}
	}
	return c
}

func provider(p *Provider) claim.Provider {
	if p == nil {
		return claim.Provider{}
	}
	return claim.Provider{
		OrganizationName: p.OrganizationName, LastName: p.LastName, FirstName: p.FirstName, MiddleName: p.MiddleName,
		NPI: p.NPI, TaxID: p.TaxID, Taxonomy: p.Taxonomy, Address: address(p.Address),
	}
}

func optProvider(p *Provider) *claim.Provider {
	if p == nil {
		return nil
	}
	c := provider(p)
	return &c
}

func address(a *Address) claim.Address {
	if a == nil {
		return claim.Address{}
	}
	return claim.Address{Line1: a.Line1, Line2: a.Line2, City: a.City, State: a.State, PostalCode: a.PostalCode}
}

func amount(c *money.Cents) money.Cents {
	if c == nil {
		return 0
	}
	return *c
}
