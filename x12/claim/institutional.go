package claim

import "errors"

// institutionalForm is the 837I's form (005010X223A2): the type of bill in
// CLM05, statement dates, admission and discharge in 2300, SV2 lines with
// revenue codes.
type institutionalForm struct{}

func (institutionalForm) clm(e *encoder, in *Info) {
	e.w.Element(in.FacilityType)
	e.w.Component("A")
	e.w.Component(in.Frequency)
	e.w.Element("") // CLM06 is not used on 837I
}

func (institutionalForm) facility(in *Info, code string) { in.FacilityType = code }

func (institutionalForm) dates(e *encoder, in *Info) {
	w := e.w
	if in.DischargeHour != "" {
		w.Segment("DTP", "096", "TM", in.DischargeHour)
	}
	if in.StatementFrom != "" {
		w.Segment("DTP", "434", "RD8", e.date(in.StatementFrom)+"-"+e.date(in.StatementTo))
	}
	if a := in.Admission; a != nil && a.Date != "" {
		if a.Hour != "" {
			w.Segment("DTP", "435", "DT", e.date(a.Date)+a.Hour)
		} else {
			w.Segment("DTP", "435", "D8", e.date(a.Date))
		}
	}
	if a := in.Admission; a != nil && (a.Type != "" || a.Source != "") || in.PatientStatus != "" {
		var typ, src string
		if a != nil {
			typ, src = a.Type, a.Source
		}
		w.Segment("CL1", typ, src, in.PatientStatus)
	}
}

func (institutionalForm) line(e *encoder, l *ServiceLine) {
	w := e.w
	w.Begin("SV2")
	w.Element(l.RevenueCode)
	if l.Procedure.Code != "" {
		e.procedureCode(&l.Procedure, "HC")
	} else {
		w.Element("")
	}
	w.Element(l.Charge.X12())
	w.Element(unitType(l))
	w.Element(l.Units)
	w.End()
}

func (institutionalForm) checkInfo(*Info) error { return nil }

func (institutionalForm) checkProviders(*Claim) error { return nil }

func (institutionalForm) checkLine(l *ServiceLine) error {
	switch {
	case l.RevenueCode == "":
		return errors.New("no revenue code")
	case l.PlaceOfService != "" || len(l.DiagnosisPointers) > 0:
		return errors.New("place of service and diagnosis pointers are 837P only")
	}
	return nil
}

func (institutionalForm) lineDates(*encoder, *ServiceLine) {}

// svd writes SVD*{payer}*{paid}*HC:{code}:{mods}*{revenue code}*{units},
// SVD03 empty for a revenue code alone.
func (institutionalForm) svd(e *encoder, payerID string, a *LineAdjudication) {
	w := e.w
	w.Begin("SVD")
	w.Element(payerID)
	w.Element(a.Paid.X12())
	if a.Procedure.Code != "" {
		e.procedureCode(&a.Procedure, "HC")
	} else {
		w.Element("")
	}
	w.Element(a.RevenueCode)
	w.Element(a.Units)
	w.End()
}

func (institutionalForm) checkLineAdjudication(a *LineAdjudication) error {
	if a.RevenueCode == "" {
		return errors.New("an 837I line adjudication needs its revenue code (SVD04)")
	}
	return nil
}
