package payersim

import (
	"bytes"
	"io"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/guide"
	"github.com/claimsgw/claimsgw/x12/money"
)

// received is what the simulated payer reads of one 837 file: its
// envelopes, whether each transaction set is valid, and the claims in the
// valid ones. It reads segments directly, as a payer's front end would,
// rather than through the gateway's own 837 decoder, so the two check each
// other.
type received struct {
	ISA13                string
	SenderQual, SenderID string // ISA05/06: the gateway
	RecvQual, RecvID     string // ISA07/08: this payer
	Usage                string
	AckRequested         bool // ISA14 1: a TA1 is wanted
	Fatal                bool // the interchange could not be read: TA1 R
	Groups               []*recvGroup
	// Errors are the interchange's own (its IEA; a GS that cannot be
	// read): the payer rejects the interchange with a TA1.
	Errors []*x12.Error
}

type recvGroup struct {
	GS06, FunctionalID, Version string
	Sets                        []*recvSet
	Errors                      []*x12.Error // its GE's: the 999 rejects the group whole
}

type recvSet struct {
	ST02   string
	Index  int // the ST's segment index in the stream
	Errors []*x12.Error
	Claims []*recvClaim
}

type recvClaim struct {
	PCN           string
	First, Last   int // its CLM's position in the set (ST is 1), and its last segment's
	Charge        money.Cents
	Institutional bool
	FacilityOrPOS string
	BillingName   string
	BillingNPI    string
	BillingTaxID  string
	MemberID      string
	SubLast       string
	SubFirst      string
	PatLast       string // set when the patient is not the subscriber
	PatFirst      string
	ServiceFrom   string   // CCYYMMDD
	Diagnoses     []string // the HI's ICD-10-CM codes, without dots
	Lines         []*recvLine
	// Dental claims (837D): a predetermination of benefits (CLM19 PB),
	// and the date of service of the claim (2300 DTP*472), the date of
	// the lines without one.
	Predetermination bool
	ClaimDate        string // CCYYMMDD
	// Coordination of benefits: this payer's responsibility for the claim
	// (2000B SBR01: P primary, S secondary, T tertiary), the claim's
	// frequency (CLM05-3: 1 original, 7 replacement, 8 void) and, for a
	// replacement or a void, the payer's claim number of the original
	// (2300 REF*F8); the other payers (2320), each with what it did with
	// the claim when it has adjudicated it.
	Responsibility string
	Frequency      string
	OriginalRef    string
	Others         []*recvOther
}

// recvOther is a 2320 loop: another payer of the claim, its subscriber
// (2330A) and, once it has adjudicated the claim, its claim-level
// adjudication (CAS, AMT*D, AMT*EAF, 2330B REF*F8). Its line-level
// adjudication is in the lines' 2430s (recvLine.Prior).
type recvOther struct {
	Responsibility     string // SBR01
	PayerID, PayerName string // 2330B NM1*PR NM109, NM103
	MemberID           string // 2330A NM1*IL NM109
	SubLast, SubFirst  string
	Paid               money.Cents // AMT*D
	HasPaid            bool        // an AMT*D was sent
	Remaining          money.Cents // AMT*EAF, remaining patient liability
	HasRemaining       bool
	Adjs               []adj  // the 2320 CAS: claim-level adjustments
	ClaimNumber        string // 2330B REF*F8, its claim control number
}

// recvPrior is a 2430 loop: another payer's adjudication of a line.
type recvPrior struct {
	PayerID string      // SVD01, the 2330B NM109 of that payer
	Paid    money.Cents // SVD02
	Adjs    []adj       // its CAS
}

type recvLine struct {
	Qualifier, Code string
	Modifiers       []string
	Revenue         string
	Charge          money.Cents
	Units           string
	Date            string       // CCYYMMDD
	LineID          string       // REF*6R
	Prior           []*recvPrior // 2430: the other payers' adjudication of the line
}

// ClaimAt is the CLM01 of the claim whose loops hold the segment at
// position: the 999 names it (CTX*CLM01).
func (s *recvSet) ClaimAt(position int) (string, bool) {
	for _, c := range s.Claims {
		if c.First <= position && position <= c.Last {
			return c.PCN, true
		}
	}
	return "", false
}

// read837 reads an 837 interchange stream; strict, with the guide's rules.
// diagnosisQualifiers are the HI qualifiers of ICD-10-CM diagnoses:
// principal, other, admitting, reason for visit.
var diagnosisQualifiers = map[string]bool{"ABK": true, "ABF": true, "ABJ": true, "APR": true}

func read837(data []byte, strict bool) *received {
	rcv := &received{}
	r := x12.NewReader(bytes.NewReader(data))
	var g *recvGroup
	var set *recvSet
	var c *recvClaim
	var ln *recvLine
	var billName, billNPI, billTax, member, subLast, subFirst, patLast, patFirst, resp string
	var other *recvOther // the 2320 loop being read
	var prior *recvPrior // the 2430 loop being read
	var inLine bool
	var rules x12.Decoder
	var guideErrs []*x12.Error
	// finish ends the guide's check of a set: at its SE, or where it ends
	// without one (the next ST, GE, IEA or ISA, the end of the stream).
	finish := func() {
		if rules != nil {
			_, found := rules.Finish()
			guideErrs, rules = append(guideErrs, found...), nil
		}
	}
	for {
		s, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			rcv.Fatal = true
			break
		}
		switch s.ID() {
		case "ST", "GE", "IEA", "ISA":
			finish()
		}
		// The implementation guide's rules, as a strict payer checks them:
		// what they find rejects the set, as the reader's errors do.
		if s.ID() == "ST" && strict {
			version := ""
			if g != nil {
				version = g.Version
			}
			rules = guide.For(s.Str(1), s.Str(3), version)
		}
		if rules != nil {
			rules.Segment(r, s)
			if s.ID() == "SE" {
				finish()
			}
		}
		if id := s.ID(); c != nil && id != "HL" && id != "SE" && id != "CLM" {
			c.Last = r.TransactionPosition()
		}
		switch s.ID() {
		case "ISA":
			rcv.ISA13, rcv.Usage, rcv.AckRequested = s.Str(13), s.Str(15), s.Str(14) == "1"
			rcv.SenderQual, rcv.SenderID = trim(s.Str(5)), trim(s.Str(6))
			rcv.RecvQual, rcv.RecvID = trim(s.Str(7)), trim(s.Str(8))
		case "GS":
			g = &recvGroup{GS06: s.Str(6), FunctionalID: s.Str(1), Version: s.Str(8)}
			rcv.Groups = append(rcv.Groups, g)
		case "ST":
			set = &recvSet{ST02: s.Str(2), Index: s.Index}
			if g != nil {
				g.Sets = append(g.Sets, set)
			}
			c, ln, other, prior = nil, nil, nil, nil
		case "HL":
			c, ln, other, prior, inLine = nil, nil, nil, nil, false
			switch s.Str(3) {
			case "20":
				billName, billNPI, billTax = "", "", ""
			case "22":
				member, subLast, subFirst, patLast, patFirst, resp = "", "", "", "", "", ""
			}
		case "SBR":
			switch {
			case c == nil: // 2000B: this payer's responsibility
				resp = s.Str(1)
			case !inLine: // 2320: another payer
				other = &recvOther{Responsibility: s.Str(1)}
				c.Others = append(c.Others, other)
			}
		case "NM1":
			switch {
			case c == nil: // the 2010 loops, before the claim
				switch s.Str(1) {
				case "85":
					billName, billNPI = s.Str(3), s.Str(9)
				case "IL":
					subLast, subFirst, member = s.Str(3), s.Str(4), s.Str(9)
				case "QC":
					patLast, patFirst = s.Str(3), s.Str(4)
				}
			case other != nil && !inLine: // 2330A, 2330B
				switch s.Str(1) {
				case "IL":
					other.SubLast, other.SubFirst, other.MemberID = s.Str(3), s.Str(4), s.Str(9)
				case "PR":
					other.PayerName, other.PayerID = s.Str(3), s.Str(9)
				}
			}
		case "REF":
			switch {
			case s.Str(1) == "EI" && c == nil:
				billTax = s.Str(2)
			case s.Str(1) == "6R" && ln != nil:
				ln.LineID = s.Str(2)
			case s.Str(1) == "F8" && c != nil && !inLine && other == nil:
				c.OriginalRef = s.Str(2)
			case s.Str(1) == "F8" && other != nil && !inLine:
				other.ClaimNumber = s.Str(2)
			}
		case "AMT":
			if other == nil || inLine {
				continue
			}
			amt, _ := money.ParseBytes(s.Element(2))
			switch s.Str(1) {
			case "D":
				other.Paid, other.HasPaid = amt, true
			case "EAF":
				other.Remaining, other.HasRemaining = amt, true
			}
		case "CAS":
			switch {
			case prior != nil:
				prior.Adjs = append(prior.Adjs, readCAS(s)...)
			case other != nil && !inLine:
				other.Adjs = append(other.Adjs, readCAS(s)...)
			}
		case "SVD":
			if ln == nil {
				continue
			}
			paid, _ := money.ParseBytes(s.Element(2))
			prior = &recvPrior{PayerID: s.Str(1), Paid: paid}
			ln.Prior = append(ln.Prior, prior)
		case "CLM":
			charge, _ := money.ParseBytes(s.Element(2))
			pos := r.TransactionPosition()
			c = &recvClaim{PCN: s.Str(1), First: pos, Last: pos, Charge: charge, FacilityOrPOS: string(s.Component(5, 1)), Institutional: string(s.Component(5, 2)) == "A",
				BillingName: billName, BillingNPI: billNPI, BillingTaxID: billTax, MemberID: member,
				SubLast: subLast, SubFirst: subFirst, PatLast: patLast, PatFirst: patFirst,
				Predetermination: s.Str(19) == "PB", Responsibility: resp, Frequency: string(s.Component(5, 3))}
			if set != nil {
				set.Claims = append(set.Claims, c)
			}
			ln, other, prior, inLine = nil, nil, nil, false
		case "HI":
			if c == nil || inLine {
				continue
			}
			for el := 1; el <= 12; el++ {
				if diagnosisQualifiers[string(s.Component(el, 1))] {
					c.Diagnoses = append(c.Diagnoses, string(s.Component(el, 2)))
				}
			}
		case "LX":
			inLine, ln, prior = true, nil, nil
		case "SV1", "SV2", "SV3":
			if c == nil || !inLine {
				continue
			}
			prior = nil
			ln = &recvLine{}
			proc, amt, units := 1, 2, 4
			switch s.ID() {
			case "SV2":
				ln.Revenue = s.Str(1)
				proc, amt, units = 2, 3, 5
			case "SV3": // SV306, the procedure count, is sent when not 1
				units = 6
			}
			ln.Qualifier, ln.Code = string(s.Component(proc, 1)), string(s.Component(proc, 2))
			for m := 3; m <= 6; m++ {
				if v := s.Component(proc, m); len(v) > 0 {
					ln.Modifiers = append(ln.Modifiers, string(v))
				}
			}
			ln.Charge, _ = money.ParseBytes(s.Element(amt))
			ln.Units = s.Str(units)
			if ln.Units == "" && s.ID() == "SV3" {
				ln.Units = "1"
			}
			c.Lines = append(c.Lines, ln)
		case "DTP":
			d := s.Str(3)
			if s.Str(1) != "472" || len(d) < 8 {
				continue
			}
			switch {
			case ln != nil:
				ln.Date = d[:8]
				if c.ServiceFrom == "" || ln.Date < c.ServiceFrom {
					c.ServiceFrom = ln.Date
				}
			case c != nil && !inLine: // an 837D's date of service in 2300
				c.ClaimDate = d[:8]
			}
		}
	}
	finish()
	for _, g := range rcv.Groups {
		for _, set := range g.Sets {
			for _, c := range set.Claims {
				c.claimDate()
			}
		}
	}
	// Every problem the reader found makes invalid what it is in: its
	// transaction set, its group (a GE that does not match), or the
	// interchange (its IEA, or a GS that cannot be read: a group that
	// cannot be named cannot be acknowledged).
	for _, e := range append(r.Errors(), guideErrs...) {
		if e.Severity != x12.SeverityError {
			continue
		}
		switch {
		case e.Transaction != "":
			if set := rcv.set(e.Group, e.Transaction); set != nil {
				set.Errors = append(set.Errors, e)
			}
		case e.Group != "" && e.SegmentID != "GS":
			if g := rcv.group(e.Group); g != nil {
				g.Errors = append(g.Errors, e)
			}
		default:
			rcv.Errors = append(rcv.Errors, e)
		}
	}
	return rcv
}

// claimDate gives the claim's date of service (an 837D's 2300 DTP*472)
// to its lines without one.
func (c *recvClaim) claimDate() {
	if c.ClaimDate == "" {
		return
	}
	for _, l := range c.Lines {
		if l.Date == "" {
			l.Date = c.ClaimDate
		}
	}
	if c.ServiceFrom == "" || c.ClaimDate < c.ServiceFrom {
		c.ServiceFrom = c.ClaimDate
	}
}

func (rcv *received) group(gs06 string) *recvGroup {
	for _, g := range rcv.Groups {
		if g.GS06 == gs06 {
			return g
		}
	}
	return nil
}

func (rcv *received) set(gs06, st02 string) *recvSet {
	if g := rcv.group(gs06); g != nil {
		for _, s := range g.Sets {
			if s.ST02 == st02 {
				return s
			}
		}
	}
	return nil
}

// readCAS reads the adjustments of a CAS: its group and up to six
// reason/amount pairs (the quantities are not kept).
func readCAS(s *x12.Segment) []adj {
	var out []adj
	for i := 2; i <= 17; i += 3 {
		if s.Str(i) == "" {
			continue
		}
		amt, _ := money.ParseBytes(s.Element(i + 1))
		out = append(out, adj{s.Str(1), s.Str(i), amt})
	}
	return out
}

func trim(s string) string { return string(bytes.TrimRight([]byte(s), " ")) }
