package encounter

import (
	"strings"

	"github.com/claimsgw/claimsgw/x12/claim"
)

// parties checks the providers, the subscriber and the patient.
func (c *checker) parties() {
	e := c.e
	if p := e.BillingProvider; p != nil {
		c.provider("billing_provider", p, true)
		if p.Address == nil {
			c.present("billing_provider.address", "")
		} else if isPOBox(p.Address.Line1) || isPOBox(p.Address.Line2) {
			c.add("billing_provider.address", CodePOBox, "the billing provider address must be a street address, not a post office box")
		}
		c.present("billing_provider.npi", p.NPI) // NM109 of 2010AA, and what 835s are matched by
		c.present("billing_provider.tax_id", p.TaxID)
	}
	for _, o := range []struct {
		name string
		p    *Provider
	}{{"rendering_provider", e.RenderingProvider}, {"referring_provider", e.ReferringProvider},
		{"attending_provider", e.AttendingProvider}, {"operating_provider", e.OperatingProvider}} {
		if o.p != nil {
			c.provider(o.name, o.p, false)
			c.present(o.name+".npi", o.p.NPI)
		}
	}
	if c.is(claim.Professional) || c.is(claim.Dental) {
		c.notAllowed("attending_provider", e.AttendingProvider != nil)
		c.notAllowed("operating_provider", e.OperatingProvider != nil)
	}
	if a := e.AssistantSurgeon; a != nil {
		if c.is(claim.Dental) {
			c.provider("assistant_surgeon", a, false)
			c.present("assistant_surgeon.npi", a.NPI)
		} else {
			c.notAllowed("assistant_surgeon", true)
		}
	}
	if c.is(claim.Institutional) && e.AttendingProvider == nil {
		c.present("attending_provider", "")
	}
	if f := e.ServiceFacility; f != nil {
		c.provider("service_facility", f, true)
		if f.OrganizationName == "" && f.LastName != "" {
			c.add("service_facility.organization_name", CodeRequired, "required: a service facility is an organization")
		}
		if f.Address == nil {
			c.present("service_facility.address", "")
		}
	}

	// The patient is the subscriber unless a patient is given.
	if p := e.Patient; p != nil {
		c.present("patient.relationship", p.Relationship)
		c.oneOf("patient.relationship", p.Relationship, relationships, CodeInvalidCode, "a patient relationship code (01, 19, 20, 21, 39, 40, 53, G8; omit patient when it is the subscriber)")
		c.person("patient", &p.Person, true)
	}
	if s := e.Subscriber; s != nil {
		c.present("subscriber.member_id", s.MemberID)
		c.present("subscriber.claim_filing_indicator", s.ClaimFilingIndicator)
		c.oneOf("subscriber.claim_filing_indicator", s.ClaimFilingIndicator, claimFilingIndicators, CodeInvalidCode, "a claim filing indicator (SBR09)")
		c.present("subscriber.payer_responsibility", s.PayerResponsibility)
		c.oneOf("subscriber.payer_responsibility", s.PayerResponsibility, payerResponsibilities, CodeInvalidCode, "a payer responsibility code (P, S, T, A-H, U)")
		c.person("subscriber", &s.Person, e.Patient == nil)
	}
}

// provider checks a provider. Organizations (billing provider, service
// facility) need nine-digit ZIP codes.
func (c *checker) provider(path string, p *Provider, zip9 bool) {
	if p.OrganizationName == "" && p.LastName == "" {
		c.add(path+".organization_name", CodeRequired, "required: an organization name, or last_name for a person")
	}
	if p.OrganizationName != "" && (p.LastName != "" || p.FirstName != "" || p.MiddleName != "") {
		c.add(path+".organization_name", CodeNotAllowed, "give an organization name or a person's names, not both")
	}
	if p.NPI != "" && !ValidNPI(p.NPI) {
		c.add(path+".npi", CodeInvalidNPI, "not an NPI: 10 digits with a valid check digit")
	}
	if p.TaxID != "" {
		if path != "billing_provider" {
			c.notAllowed(path+".tax_id", true)
		} else if !allDigits(p.TaxID, 9) {
			c.add(path+".tax_id", CodeInvalidTaxID, "a tax ID (EIN or SSN) is 9 digits without a dash")
		}
	}
	if p.Taxonomy != "" && !validTaxonomy(p.Taxonomy) {
		c.add(path+".taxonomy", CodeInvalidTaxonomy, "%s is not a provider taxonomy code (10 characters ending in X)", quoted(p.Taxonomy, 10))
	}
	if p.Address != nil {
		c.address(path+".address", p.Address, zip9)
	}
}

// person checks the subscriber or the patient; when it is the patient,
// birth date, gender and address are required, and its birth date bounds
// the dates of service.
func (c *checker) person(path string, p *Person, isPatient bool) {
	c.present(path+".last_name", p.LastName)
	if isPatient {
		c.present(path+".birth_date", p.BirthDate)
		c.present(path+".gender", p.Gender)
		if p.Address == nil {
			c.present(path+".address", "")
		}
	}
	if c.date(path+".birth_date", p.BirthDate) {
		if p.BirthDate > c.today {
			c.add(path+".birth_date", CodeFutureDate, "is after today")
		} else if isPatient {
			c.birth = p.BirthDate
		}
	}
	c.oneOf(path+".gender", p.Gender, genders, CodeInvalidGender, "a gender code (M, F or U)")
	if p.Address != nil {
		c.address(path+".address", p.Address, false)
	}
}

func (c *checker) address(path string, a *Address, zip9 bool) {
	c.present(path+".line1", a.Line1)
	c.present(path+".city", a.City)
	if c.present(path+".state", a.State) {
		c.oneOf(path+".state", a.State, states, CodeInvalidState, "a US state, territory or military code")
	}
	switch z := a.PostalCode; {
	case !c.present(path+".postal_code", z):
	case zip9 && !allDigits(z, 9):
		c.add(path+".postal_code", CodeInvalidZIP, "this address needs all nine digits of the ZIP code (ZIP+4, no dash)")
	case !allDigits(z, 5) && !allDigits(z, 9):
		c.add(path+".postal_code", CodeInvalidZIP, "a ZIP code is 5 or 9 digits, no dash")
	}
}

// isPOBox reports whether an address line is a post office box.
func isPOBox(line string) bool {
	s := strings.ToUpper(strings.NewReplacer(".", "", " ", "").Replace(line))
	return strings.HasPrefix(s, "POBOX") || strings.HasPrefix(s, "POSTOFFICEBOX")
}

// date checks that s is empty or a real date; it reports whether s is set
// and valid.
func (c *checker) date(path, s string) bool {
	if s == "" {
		return false
	}
	if !validDate(s) {
		c.add(path, CodeInvalidDate, "not a real date written YYYY-MM-DD")
		return false
	}
	return true
}

// serviceDate checks a date on which care was given: real, not after
// today, not before the patient's birth.
func (c *checker) serviceDate(path, s string) bool {
	if !c.date(path, s) {
		return false
	}
	if s > c.today {
		c.add(path, CodeFutureDate, "is after today")
	}
	if c.birth != "" && s < c.birth {
		c.add(path, CodeBeforeBirth, "is before the patient's birth date")
	}
	return true
}

func (c *checker) hour(path, s string) {
	if s != "" && !validHour(s) {
		c.add(path, CodeInvalidTime, "not a time of day written HHMM")
	}
}
