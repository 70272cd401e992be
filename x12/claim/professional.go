package claim

import (
	"errors"
	"fmt"
	"strconv"
)

// professionalForm is the 837P's form (005010X222A1): the place of service in
// CLM05, SV1 lines with diagnosis pointers.
type professionalForm struct{}

func (professionalForm) clm(e *encoder, in *Info) {
	e.w.Element(in.PlaceOfService)
	e.w.Component("B")
	e.w.Component(in.Frequency)
	e.w.Element("Y") // provider signature on file
}

func (professionalForm) facility(in *Info, code string) { in.PlaceOfService = code }

func (professionalForm) dates(*encoder, *Info) {}

func (professionalForm) line(e *encoder, l *ServiceLine) {
	w := e.w
	w.Begin("SV1")
	e.procedureCode(&l.Procedure, "HC")
	w.Element(l.Charge.X12())
	w.Element(unitType(l))
	w.Element(l.Units)
	w.Element(l.PlaceOfService)
	w.Element("")
	for i, ptr := range l.DiagnosisPointers {
		if i == 0 {
			w.Element(strconv.Itoa(ptr))
		} else {
			w.Component(strconv.Itoa(ptr))
		}
	}
	w.End()
}

func (professionalForm) checkInfo(in *Info) error {
	if in.Admission != nil || in.StatementFrom != "" || in.DischargeHour != "" || in.PatientStatus != "" || len(in.Procedures) > 0 {
		return errors.New("statement dates, admission, discharge, patient status and ICD-10-PCS procedures are 837I only")
	}
	return nil
}

func (professionalForm) checkProviders(c *Claim) error {
	if c.AttendingProvider != nil || c.OperatingProvider != nil {
		return errors.New("attending and operating providers are 837I only")
	}
	return nil
}

func (professionalForm) checkLine(l *ServiceLine) error {
	switch {
	case l.Procedure.Code == "" || l.RevenueCode != "":
		return errors.New("an 837P line needs a procedure code and no revenue code")
	case len(l.DiagnosisPointers) == 0 || len(l.DiagnosisPointers) > maxPointers:
		return fmt.Errorf("%d diagnosis pointers: want 1 to %d", len(l.DiagnosisPointers), maxPointers)
	}
	return nil
}

func (professionalForm) lineDates(*encoder, *ServiceLine) {}

// svd writes SVD*{payer}*{paid}*HC:{code}:{mods}**{units}.
func (professionalForm) svd(e *encoder, payerID string, a *LineAdjudication) {
	procedureSVD(e, payerID, a, "HC")
}

func (professionalForm) checkLineAdjudication(a *LineAdjudication) error {
	return procedureOnly("837P", a)
}
