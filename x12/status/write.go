package status

import (
	"cmp"
	"fmt"
	"strconv"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Write writes a 277CA transaction set (ST to SE) of cs in the order of
// 005010X214: BHT, then for each information source the 2000A level (HL
// 20: NM1, TRN, DTP*050, DTP*009), its receiver (2000B, HL 21: NM1*41,
// TRN, STC, QTY*90 and AA, AMT*YU and YY), its billing providers (2000C,
// HL 19: NM1*85, TRN, STC, QTY*QA and QC, AMT*YU and YY) and under each
// the patients of its claims (2000D, HL PT: NM1*QC), each claim's status
// (2200D: TRN, STC, REF*1K, D9, BLT, DTP*472) and its service lines
// (2220D: SVC, STC, REF*FJ, DTP*472). st02 is the set's control number,
// unique in its group; ST03 is cs.Implementation, 005010X214 when empty.
//
// The model is flat; Write nests it as the decoder flattened it: the n-th
// receiver under the n-th source (X214 has one receiver to a source, and
// any extra go under the last); each provider under the source its first
// claim's Payer points at (or the previous provider's) and below that
// source's last receiver; each claim under the provider its
// BillingProvider points at, and adjacent claims of one Patient under one
// HL PT. Adjacent statuses that differ only in their composite (STC01,
// STC10, STC11, as the decoder splits one STC) share an STC, three at
// most. Dates in the model's YYYY-MM-DD are written CCYYMMDD, BHT05's
// HH:MM as HHMM; NM102 is 1 for a party with a first name, else 2. A 277's
// subscriber and dependent levels (HL 22 and 23) are not written.
//
// It returns an error, and writes nothing, when the model cannot be
// nested: receivers, providers or claims and no source, a claim whose
// BillingProvider is none of cs.Providers.
func Write(w *x12.Writer, st02 int, cs *ClaimStatus) error {
	n, err := nest(cs)
	if err != nil {
		return err
	}
	w.BeginTransaction(cmp.Or(cs.Type, "277"), st02, cmp.Or(cs.Implementation, x214))
	w.Segment("BHT", "0085", "08", cs.Reference, date(cs.Date), clockX12(cs.Time), cs.TransactionType)
	hl := 0
	next := func() string { hl++; return strconv.Itoa(hl) }
	for si, s := range cs.Sources {
		src := next()
		w.Segment("HL", src, "", "20", hasChildren(len(n.receivers[si])+len(n.providers[si]) > 0))
		writeParty(w, "PR", &s.Party)
		w.Segment("TRN", "1", s.TraceNumber)
		w.Segment("DTP", "050", "D8", date(s.ReceiptDate))
		w.Segment("DTP", "009", "D8", date(s.ProcessDate))
		parent := src
		for ri, r := range n.receivers[si] {
			parent = next()
			w.Segment("HL", parent, src, "21", hasChildren(ri == len(n.receivers[si])-1 && len(n.providers[si]) > 0))
			writeParty(w, "41", &r.Party)
			w.Segment("TRN", "2", r.TraceNumber)
			writeStatuses(w, r.Statuses)
			writeTotals(w, &r.Totals, "90", "AA")
		}
		for _, p := range n.providers[si] {
			prov := next()
			claims := n.claims[p]
			w.Segment("HL", prov, parent, "19", hasChildren(len(claims) > 0))
			writeParty(w, "85", &p.Party)
			w.Segment("TRN", "1", p.TraceNumber)
			writeStatuses(w, p.Statuses)
			writeTotals(w, &p.Totals, "QA", "QC")
			for i, c := range claims {
				if i == 0 || c.Patient == nil || c.Patient != claims[i-1].Patient {
					w.Segment("HL", next(), prov, "PT")
					writePatient(w, c.Patient)
				}
				writeClaim(w, c)
			}
		}
	}
	w.EndTransaction()
	return nil
}

// nesting is where Write puts each level of a flat ClaimStatus.
type nesting struct {
	receivers [][]*Receiver // by source
	providers [][]*Provider // by source
	claims    map[*Provider][]*Claim
}

func nest(cs *ClaimStatus) (*nesting, error) {
	ns := len(cs.Sources)
	if ns == 0 && (len(cs.Receivers) > 0 || len(cs.Providers) > 0 || len(cs.Claims) > 0) {
		return nil, fmt.Errorf("status: the 277CA has receivers, providers or claims and no information source (HL 20)")
	}
	n := &nesting{receivers: make([][]*Receiver, ns), providers: make([][]*Provider, ns), claims: map[*Provider][]*Claim{}}
	for i, r := range cs.Receivers {
		s := min(i, ns-1)
		n.receivers[s] = append(n.receivers[s], r)
	}
	byParty := map[*Party]*Provider{}
	for _, p := range cs.Providers {
		byParty[&p.Party] = p
	}
	for _, c := range cs.Claims {
		p := byParty[c.BillingProvider]
		if p == nil {
			return nil, fmt.Errorf("status: claim %q: its BillingProvider is none of the 277CA's providers", c.PatientControlNumber)
		}
		n.claims[p] = append(n.claims[p], c)
	}
	source := 0
	for _, p := range cs.Providers {
		if claims := n.claims[p]; len(claims) > 0 {
			for i, s := range cs.Sources {
				if claims[0].Payer == &s.Party {
					source = i
				}
			}
		}
		n.providers[source] = append(n.providers[source], p)
	}
	return n, nil
}

func hasChildren(yes bool) string {
	if yes {
		return "1"
	}
	return "0"
}

// writeParty writes the NM1 of a source, receiver or provider: its NPI
// (XX), tax ID (FI) or other identifier.
func writeParty(w *x12.Writer, entity string, p *Party) {
	kind := "2"
	if p.FirstName != "" {
		kind = "1"
	}
	qual, id := p.IDQualifier, p.ID
	switch {
	case p.NPI != "":
		qual, id = "XX", p.NPI
	case p.TaxID != "":
		qual, id = "FI", p.TaxID
	}
	w.Segment("NM1", cmp.Or(p.Entity, entity), kind, p.Name, p.FirstName, "", "", "", qual, id)
}

// writePatient writes the NM1*QC of a patient level, with its member ID
// (NM108 MI) as X214 requires it.
func writePatient(w *x12.Writer, p *Person) {
	if p == nil {
		p = &Person{}
	}
	w.Segment("NM1", "QC", "1", p.LastName, p.FirstName, p.MiddleName, "", "", "MI", p.MemberID)
}

// writeTotals writes the QTY and AMT of a receiver (90, AA) or provider
// (QA, QC) level: the quantities first, as X214 orders them.
func writeTotals(w *x12.Writer, t *Totals, accepted, rejected string) {
	if t.AcceptedQuantity != "" {
		w.Segment("QTY", accepted, t.AcceptedQuantity)
	}
	if t.RejectedQuantity != "" {
		w.Segment("QTY", rejected, t.RejectedQuantity)
	}
	if t.AcceptedAmount != nil {
		w.Segment("AMT", "YU", t.AcceptedAmount.X12())
	}
	if t.RejectedAmount != nil {
		w.Segment("AMT", "YY", t.RejectedAmount.X12())
	}
}

// amount writes an amount that may be absent.
func amount(c *money.Cents) string {
	if c == nil {
		return ""
	}
	return c.X12()
}

// date writes a date of the model (YYYY-MM-DD) as CCYYMMDD; anything else
// (a date that did not parse, kept as sent) as it is.
func date(s string) string {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return s[:4] + s[5:7] + s[8:]
	}
	return s
}

// clockX12 writes a time of the model (HH:MM or HH:MM:SS) as HHMM or
// HHMMSS; anything else as it is.
func clockX12(s string) string {
	switch {
	case len(s) == 5 && s[2] == ':':
		return s[:2] + s[3:]
	case len(s) == 8 && s[2] == ':' && s[5] == ':':
		return s[:2] + s[3:5] + s[6:]
	}
	return s
}
