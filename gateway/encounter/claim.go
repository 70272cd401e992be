package encounter

import (
	"fmt"

	"github.com/claimsgw/claimsgw/x12/claim"
)

// claim checks the 2300 loop: control number, amounts, codes, dates,
// diagnoses and procedures.
func (c *checker) claim(cl *Claim) {
	if c.present("claim.patient_control_number", cl.PatientControlNumber) {
		switch n := len(cl.PatientControlNumber); {
		case n > 20:
			c.add("claim.patient_control_number", CodePCNTooLong, "%d characters: CLM01 holds at most 20", n)
		case n > 17:
			c.warn("claim.patient_control_number", CodePCNLong, "%d characters: some payers keep only 17, so 835 and 277CA matching may fail", n)
		}
	}
	if cl.TotalCharge == nil {
		c.present("claim.total_charge", "")
	} else if *cl.TotalCharge < 0 {
		c.add("claim.total_charge", CodeNegativeAmount, "must not be negative")
	}

	prof, inst, dent := c.is(claim.Professional), c.is(claim.Institutional), c.is(claim.Dental)
	if (prof || dent) && c.present("claim.place_of_service", cl.PlaceOfService) {
		c.oneOf("claim.place_of_service", cl.PlaceOfService, placesOfService, CodeInvalidPOS, "a CMS place of service code")
	}
	if inst {
		c.notAllowed("claim.place_of_service", cl.PlaceOfService != "")
		if c.present("claim.facility_type", cl.FacilityType) && !validFacilityType(cl.FacilityType) {
			c.add("claim.facility_type", CodeInvalidFacilityType, "%s is not the first two digits of a type of bill", quoted(cl.FacilityType, 2))
		}
		c.present("claim.patient_status", cl.PatientStatus)
		if cl.PatientStatus != "" && !allDigits(cl.PatientStatus, 2) {
			c.add("claim.patient_status", CodeInvalidCode, "%s is not a two-digit patient status code", quoted(cl.PatientStatus, 2))
		}
		c.statement(cl)
	}
	if prof || dent {
		c.notAllowed("claim.facility_type", cl.FacilityType != "")
		c.notAllowed("claim.patient_status", cl.PatientStatus != "")
		c.notAllowed("claim.statement_from", cl.StatementFrom != "")
		c.notAllowed("claim.statement_to", cl.StatementTo != "")
		c.notAllowed("claim.discharge_hour", cl.DischargeHour != "")
		c.notAllowed("claim.procedures", len(cl.Procedures) > 0)
	}
	if dent {
		c.notAllowed("claim.admission", cl.Admission != nil)
		c.dentalClaim(cl)
	} else {
		c.notAllowed("claim.predetermination", cl.Predetermination)
		c.notAllowed("claim.orthodontic", cl.Orthodontic != nil)
		c.notAllowed("claim.missing_teeth", len(cl.MissingTeeth) > 0)
	}
	if f := frequencies[c.e.ClaimType]; f != nil {
		c.oneOf("claim.frequency", cl.Frequency, f, CodeInvalidFrequency, "a claim frequency code for this claim type")
	}
	if (cl.Frequency == "7" || cl.Frequency == "8") && cl.OriginalPayerClaimNumber == "" {
		c.add("claim.original_payer_claim_number", CodeOriginalClaimNeeded, "a replacement (7) or void (8) needs the payer's claim number of the original claim")
	}
	if a := cl.Admission; a != nil {
		c.serviceDate("claim.admission.date", a.Date)
		c.hour("claim.admission.hour", a.Hour)
		c.oneOf("claim.admission.type", a.Type, admissionTypes, CodeInvalidCode, "an admission type code (1-5, 9)")
		if a.Source != "" && (len(a.Source) != 1 || !allAlnum(a.Source)) {
			c.add("claim.admission.source", CodeInvalidCode, "%s is not a one-character admission source code", quoted(a.Source, 1))
		}
	}
	c.hour("claim.discharge_hour", cl.DischargeHour)
	c.diagnoses(cl)
	if inst {
		c.procedures(cl)
	}
}

// validFacilityType reports whether s is the first two digits of a type of
// bill: the type of facility (1-8) and the bed type or classification (1-9).
func validFacilityType(s string) bool {
	return allDigits(s, 2) && s[0] >= '1' && s[0] <= '8' && s[1] != '0'
}

// statement checks the 837I statement period.
func (c *checker) statement(cl *Claim) {
	c.present("claim.statement_from", cl.StatementFrom)
	c.present("claim.statement_to", cl.StatementTo)
	from := c.serviceDate("claim.statement_from", cl.StatementFrom)
	to := c.date("claim.statement_to", cl.StatementTo)
	if to && cl.StatementTo > c.today {
		c.add("claim.statement_to", CodeFutureDate, "is after today")
	}
	if from && to && cl.StatementFrom > cl.StatementTo {
		c.add("claim.statement_to", CodeDateOrder, "is before statement_from")
	}
}

// diagnoses checks the ICD-10-CM codes and their types: an 837P carries at
// most 12, the first being the principal; an 837D none to four, likewise;
// an 837I needs one principal and carries at most one admitting, three
// reason-for-visit and 24 other codes.
func (c *checker) diagnoses(cl *Claim) {
	prof, inst, dent := c.is(claim.Professional), c.is(claim.Institutional), c.is(claim.Dental)
	if prof && len(cl.Diagnoses) == 0 {
		c.present("claim.diagnoses", "")
	}
	if prof && len(cl.Diagnoses) > 12 {
		c.add("claim.diagnoses", CodeTooManyDiagnoses, "%d diagnoses: an 837P carries at most 12", len(cl.Diagnoses))
	}
	if dent && len(cl.Diagnoses) > 4 {
		c.add("claim.diagnoses", CodeTooManyDiagnoses, "%d diagnoses: an 837D carries at most 4", len(cl.Diagnoses))
	}
	listed := prof || dent // one HI: the principal first, then the others
	count := map[string]int{}
	for i, d := range cl.Diagnoses {
		path := fmt.Sprintf("claim.diagnoses[%d]", i)
		if d == nil {
			c.present(path, "")
			continue
		}
		if c.present(path+".code", d.Code) {
			c.icd10(path+".code", d.Code)
		}
		// On an 837P or 837D the first diagnosis is the principal, the
		// rest other.
		place := DiagOther
		if listed && i == 0 {
			place = DiagPrincipal
		}
		typ := d.Type
		if typ == "" {
			typ = place
		}
		count[typ]++
		switch {
		case !diagnosisTypes[typ]:
			c.add(path+".type", CodeInvalidDiagnosisType, "%s is not principal, admitting, reason_for_visit or other", shown(d.Type, diagnosisTypes))
		case listed && typ != place:
			c.add(path+".type", CodeInvalidDiagnosisType, "an %s has a principal diagnosis first and other diagnoses after it", claim.Type(c.e.ClaimType).Guide().Name)
		case typ == DiagPrincipal && count[typ] > 1:
			c.add(path+".type", CodeDuplicatePrincipal, "more than one principal diagnosis")
		}
		if listed {
			c.notAllowed(path+".present_on_admission", d.PresentOnAdmission != "")
		}
		c.oneOf(path+".present_on_admission", d.PresentOnAdmission, presentOnAdm, CodeInvalidPOA, "a present-on-admission indicator (Y, N, U, W)")
	}
	if !inst {
		return
	}
	if count[DiagPrincipal] == 0 {
		c.add("claim.diagnoses", CodeRequired, "an 837I needs a principal diagnosis")
	}
	for _, l := range []struct {
		typ string
		max int
	}{{DiagAdmitting, 1}, {DiagReasonForVisit, 3}, {DiagOther, 24}} {
		if count[l.typ] > l.max {
			c.add("claim.diagnoses", CodeTooManyDiagnoses, "%d %s diagnoses: an 837I carries at most %d", count[l.typ], l.typ, l.max)
		}
	}
}

// icd10 checks an ICD-10-CM code's structure, and its presence in the code
// set when one is loaded.
func (c *checker) icd10(path, code string) {
	switch {
	case !ValidICD10CM(code):
		c.add(path, CodeInvalidICD10, "%s is not an ICD-10-CM code", quoted(code, 7))
	case c.opts.Codes.ICD10CM.Covers(code) && !c.opts.Codes.importedDiagnoses() && !c.opts.Codes.ICD10CM.Has(code):
		c.add(path, CodeUnknownCode, "%q is not in the ICD-10-CM code set", code)
	}
}

// procedures checks the 837I ICD-10-PCS procedures: one principal (the
// first when none is marked) and at most 24 others.
func (c *checker) procedures(cl *Claim) {
	if len(cl.Procedures) > 25 {
		c.add("claim.procedures", CodeTooManyProcedures, "%d procedures: an 837I carries at most 25", len(cl.Procedures))
	}
	principals := 0
	for i, p := range cl.Procedures {
		path := fmt.Sprintf("claim.procedures[%d]", i)
		if p == nil {
			c.present(path, "")
			continue
		}
		if c.present(path+".code", p.Code) && !ValidICD10PCS(p.Code) {
			c.add(path+".code", CodeInvalidICD10PCS, "%s is not an ICD-10-PCS code", quoted(p.Code, 7))
		}
		if c.present(path+".date", p.Date) {
			c.serviceDate(path+".date", p.Date)
		}
		c.oneOf(path+".type", p.Type, procedureTypes, CodeInvalidCode, "principal or other")
		if p.Type == "principal" {
			if principals++; principals > 1 {
				c.add(path+".type", CodeDuplicatePrincipal, "more than one principal procedure")
			}
		}
	}
}
