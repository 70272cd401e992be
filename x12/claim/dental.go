package claim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// dentalForm is the 837D's form (005010X224A2): the place of service in
// CLM05, CLM19 PB for a predetermination of benefits, the orthodontic
// treatment (DTP*452, DN1) and the missing teeth (DN2) in 2300, SV3 lines
// with their teeth (TOO*JP), oral cavity areas and prosthesis, and the
// prior placement's date (DTP*441).
type dentalForm struct{}

func (dentalForm) clm(e *encoder, in *Info) {
	e.w.Element(in.PlaceOfService)
	e.w.Component("B")
	e.w.Component(in.Frequency)
	e.w.Element("Y") // provider signature on file
}

func (dentalForm) facility(in *Info, code string) { in.PlaceOfService = code }

// dates writes DTP*452 (the appliance placement), DN1 and DN2, in the
// guide's order.
func (dentalForm) dates(e *encoder, in *Info) {
	w := e.w
	if o := in.Orthodontic; o != nil {
		if o.BandingDate != "" {
			w.Segment("DTP", "452", "D8", e.date(o.BandingDate))
		}
		w.Begin("DN1")
		w.Element(months(o.TotalMonths))
		w.Element(months(o.MonthsRemaining))
		if o.TotalMonths == nil && o.MonthsRemaining == nil {
			// DN104 Y: the services are orthodontic, without counts.
			w.Element("")
			w.Element("Y")
		}
		w.End()
	}
	for _, t := range in.MissingTeeth {
		w.Segment("DN2", t.Number, t.Status, "", "", "", "JP")
	}
}

func months(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// line writes SV3 and its TOO segments. SV306 (the procedure count) is
// written when it is not 1, as the guide asks.
func (dentalForm) line(e *encoder, l *ServiceLine) {
	w := e.w
	w.Begin("SV3")
	e.procedureCode(&l.Procedure, "AD")
	w.Element(l.Charge.X12())
	w.Element(l.PlaceOfService)
	for i, a := range l.OralCavityAreas {
		if i == 0 {
			w.Element(a)
		} else {
			w.Component(a)
		}
	}
	if len(l.OralCavityAreas) == 0 {
		w.Element("")
	}
	if l.Prosthesis != nil {
		w.Element(l.Prosthesis.Placement)
	} else {
		w.Element("")
	}
	if l.Units != "1" {
		w.Element(l.Units)
	} else {
		w.Element("")
	}
	if len(l.DiagnosisPointers) > 0 {
		for range 4 { // SV307 to SV310 are not used
			w.Element("")
		}
		for i, ptr := range l.DiagnosisPointers {
			if i == 0 {
				w.Element(strconv.Itoa(ptr))
			} else {
				w.Component(strconv.Itoa(ptr))
			}
		}
	}
	w.End()
	for _, t := range l.Teeth {
		w.Begin("TOO")
		w.Element("JP")
		w.Element(t.Number)
		for i, s := range t.Surfaces {
			if i == 0 {
				w.Element(s)
			} else {
				w.Component(s)
			}
		}
		w.End()
	}
}

func (dentalForm) lineDates(e *encoder, l *ServiceLine) {
	if p := l.Prosthesis; p != nil && p.PriorDate != "" {
		e.w.Segment("DTP", "441", "D8", e.date(p.PriorDate))
	}
}

func (dentalForm) checkInfo(in *Info) error {
	if in.Admission != nil || in.StatementFrom != "" || in.DischargeHour != "" || in.PatientStatus != "" || len(in.Procedures) > 0 || in.FacilityType != "" {
		return errors.New("facility type, statement dates, admission, discharge, patient status and ICD-10-PCS procedures are 837I only")
	}
	if o := in.Orthodontic; o != nil {
		for _, n := range []*int{o.TotalMonths, o.MonthsRemaining} {
			if n != nil && *n < 0 {
				return errors.New("orthodontic months: want 0 or more")
			}
		}
		if o.BandingDate != "" && !isDate(o.BandingDate) {
			return errors.New("banding date: want YYYY-MM-DD")
		}
	}
	if len(in.MissingTeeth) > maxToothStates {
		return fmt.Errorf("%d missing teeth: DN2 repeats at most %d times", len(in.MissingTeeth), maxToothStates)
	}
	for _, t := range in.MissingTeeth {
		if t.Number == "" || t.Status == "" {
			return errors.New("a missing tooth needs a number and a status")
		}
	}
	return nil
}

func (dentalForm) checkProviders(c *Claim) error {
	if c.AttendingProvider != nil || c.OperatingProvider != nil {
		return errors.New("attending and operating providers are 837I only")
	}
	return nil
}

func (dentalForm) checkLine(l *ServiceLine) error {
	switch {
	case l.Procedure.Code == "" || l.RevenueCode != "":
		return errors.New("an 837D line needs a procedure code and no revenue code")
	case l.UnitType != "":
		return errors.New("an 837D line has no unit type (SV3 carries a procedure count)")
	case len(l.DiagnosisPointers) > maxPointers:
		return fmt.Errorf("%d diagnosis pointers: at most %d", len(l.DiagnosisPointers), maxPointers)
	case len(l.OralCavityAreas) > maxOralCavity:
		return fmt.Errorf("%d oral cavity areas: SV304 holds at most %d", len(l.OralCavityAreas), maxOralCavity)
	case slices.Contains(l.OralCavityAreas, ""):
		return errors.New("an empty oral cavity area")
	case len(l.Teeth) > maxTeeth:
		return fmt.Errorf("%d teeth: TOO repeats at most %d times", len(l.Teeth), maxTeeth)
	}
	if p := l.Prosthesis; p != nil {
		switch {
		case p.Placement == "":
			return errors.New("a prosthesis needs its placement (SV305)")
		case p.PriorDate != "" && !isDate(p.PriorDate):
			return errors.New("prior placement date: want YYYY-MM-DD")
		}
	}
	for _, t := range l.Teeth {
		switch {
		case t.Number == "":
			return errors.New("a tooth without a number")
		case len(t.Surfaces) > maxSurfaces:
			return fmt.Errorf("%d surfaces: TOO03 holds at most %d", len(t.Surfaces), maxSurfaces)
		case slices.Contains(t.Surfaces, ""):
			return errors.New("an empty tooth surface")
		}
	}
	return nil
}

// checkNotDental refuses on an 837P or 837I what only the 837D carries.
func checkNotDental(c *Claim) error {
	in := &c.Info
	if in.Predetermination || in.Orthodontic != nil || len(in.MissingTeeth) > 0 || c.AssistantSurgeon != nil {
		return errors.New("predetermination, orthodontic treatment, missing teeth and the assistant surgeon are 837D only")
	}
	for i := range c.ServiceLines {
		l := &c.ServiceLines[i]
		if len(l.OralCavityAreas) > 0 || l.Prosthesis != nil || len(l.Teeth) > 0 {
			return fmt.Errorf("service line %d: oral cavity areas, prosthesis and teeth are 837D only", i+1)
		}
	}
	return nil
}

// svd writes SVD*{payer}*{paid}*AD:{code}:{mods}**{units}.
func (dentalForm) svd(e *encoder, payerID string, a *LineAdjudication) {
	procedureSVD(e, payerID, a, "AD")
}

func (dentalForm) checkLineAdjudication(a *LineAdjudication) error { return procedureOnly("837D", a) }
