package guide

import (
	"strconv"

	"github.com/claimsgw/claimsgw/x12"
)

// The rules, by transaction set (ST01) and segment, as the 5010 guides
// give them: 837 (X222A1, X223A2, X224A2), 835 (X221A1), 999 (X231A1) and
// 277 (X214, X212).
var bySet = map[string]map[string][]rule{
	"837": index(
		// 2010AA, the billing provider's address: N403 a 9-digit ZIP code.
		rule{seg: "N4", elem: 3, digits: 9, when: billingProvider, what: "the billing provider's ZIP code, 9 digits in 2010AA"},
		rule{seg: "N4", elem: 2, codes: states, when: noCountry, what: "state or province code"},
		rule{seg: "DTP", elem: 3, date: true, what: "date"},
		// CLM05: facility code, its qualifier (A institutional, B
		// professional and dental) and the claim frequency.
		rule{seg: "CLM", elem: 5, comp: 2, codes: map[string]bool{"A": true, "B": true}, required: true, what: "facility code qualifier (CLM05-2)"},
		rule{seg: "CLM", elem: 5, comp: 3, required: true, codes: frequencies, what: "claim frequency type code (CLM05-3)"},
		hi(1), hi(2), hi(3), hi(4), hi(5), hi(6), hi(7), hi(8), hi(9), hi(10), hi(11), hi(12),
		npi, perQualifiers(3, 5, 7),
		rule{seg: "SBR", elem: 9, codes: filingIndicators, what: "claim filing indicator code"},
		lengths, rule{seg: "CLM", elem: 1, maxLen: 20, minLen: 1, what: "patient control number, at most 20 in the 837"},
		amounts("CLM", 2), amounts("SV1", 2), amounts("SV2", 3), amounts("AMT", 2),
		dental,
	),
	"835": index(
		rule{seg: "N4", elem: 2, codes: states, when: noCountry, what: "state or province code"},
		npi, perQualifiers(3, 5, 7),
		rule{seg: "DTM", elem: 2, ccyymmdd: true, what: "date"},
		rule{seg: "BPR", elem: 16, ccyymmdd: true, what: "payment date"},
		lengths, rule{seg: "CLP", elem: 1, maxLen: 38, minLen: 1, what: "patient control number"},
		amounts("BPR", 2), amounts("CLP", 3, 4, 5), amounts("SVC", 2, 3), amounts("CAS", 3, 6, 9, 12, 15, 18), amounts("AMT", 2),
		notUsed("TS3", 6, 7, 8, 9, 10, 11, 12, 14, 16, 19),
	),
	"999": index(
		rule{seg: "AK2", elem: 2, minLen: 4, what: "the transaction set control number answered (4 to 9 characters)"},
	),
	"277": index(
		rule{seg: "N4", elem: 2, codes: states, when: noCountry, what: "state or province code"},
		npi, lengths,
		rule{seg: "DTP", elem: 3, date: true, what: "date"},
	),
}

func billingProvider(c *checker, _ *x12.Segment) bool { return c.billing }

// dental are the 837D's own segments (X224A2): SV3 lines with AD codes,
// their oral cavity areas (SV304) and prosthesis (SV305), the teeth
// (TOO*JP, universal numbering: 1-32, A-T, supernumerary 51-82 and AS-TS)
// and their surfaces, the orthodontic months (DN1) and the teeth's
// statuses (DN2).
var dental = []rule{
	{seg: "SV3", elem: 1, comp: 1, codes: set("AD"), required: true, what: "product/service ID qualifier: AD (American Dental Association codes)"},
	{seg: "SV3", elem: 1, comp: 2, required: true, what: "procedure code"},
	{seg: "SV3", elem: 2, decimal: true, what: "amount"},
	{seg: "SV3", elem: 4, comp: 1, codes: oralCavity, what: "valid oral cavity designation code"},
	{seg: "SV3", elem: 4, comp: 2, codes: oralCavity, what: "valid oral cavity designation code"},
	{seg: "SV3", elem: 4, comp: 3, codes: oralCavity, what: "valid oral cavity designation code"},
	{seg: "SV3", elem: 4, comp: 4, codes: oralCavity, what: "valid oral cavity designation code"},
	{seg: "SV3", elem: 4, comp: 5, codes: oralCavity, what: "valid oral cavity designation code"},
	{seg: "SV3", elem: 5, codes: set("I", "R"), what: "prosthesis, crown or inlay code (I initial placement, R replacement)"},
	{seg: "SV3", elem: 6, decimal: true, what: "procedure count"},
	{seg: "TOO", elem: 1, codes: set("JP"), required: true, what: "code list qualifier: JP (universal national tooth designation system)"},
	{seg: "TOO", elem: 2, codes: teeth, required: true, what: "tooth number (1-32, A-T, 51-82, AS-TS)"},
	{seg: "TOO", elem: 3, comp: 1, codes: surfaces, what: "tooth surface code"},
	{seg: "TOO", elem: 3, comp: 2, codes: surfaces, what: "tooth surface code"},
	{seg: "TOO", elem: 3, comp: 3, codes: surfaces, what: "tooth surface code"},
	{seg: "TOO", elem: 3, comp: 4, codes: surfaces, what: "tooth surface code"},
	{seg: "TOO", elem: 3, comp: 5, codes: surfaces, what: "tooth surface code"},
	{seg: "DN1", elem: 1, decimal: true, what: "orthodontic total months of treatment"},
	{seg: "DN1", elem: 2, decimal: true, what: "orthodontic treatment months remaining"},
	{seg: "DN2", elem: 1, codes: teeth, required: true, what: "tooth number (1-32, A-T, 51-82, AS-TS)"},
	{seg: "DN2", elem: 2, codes: set("E", "I", "M", "X"), required: true, what: "tooth status code (E to be extracted, I impacted, M missing, X extracted)"},
	{seg: "DN2", elem: 6, codes: set("JP"), required: true, what: "code list qualifier: JP (universal national tooth designation system)"},
}

var (
	oralCavity = set("00", "01", "02", "09", "10", "20", "30", "40", "L", "R")
	surfaces   = set("B", "D", "F", "I", "L", "M", "O", "V")
	// teeth are the universal numbers: permanent 1-32, primary A-T, and
	// the supernumerary ones, 51-82 and AS-TS.
	teeth = func() map[string]bool {
		m := map[string]bool{}
		for n := 1; n <= 32; n++ {
			m[strconv.Itoa(n)] = true
			m[strconv.Itoa(n+50)] = true
		}
		for c := 'A'; c <= 'T'; c++ {
			m[string(c)] = true
			m[string(c)+"S"] = true
		}
		return m
	}()
)

// npi: NM109 is an NPI where NM108 says XX, its check digit right: an
// edit payers make on the NPI's own rule (SNIP 4), beyond the guide's
// element (2 to 80 characters).
var npi = rule{seg: "NM1", elem: 9, npi: true, situational: true, what: "NM108 XX",
	when: func(_ *checker, s *x12.Segment) bool { return string(s.Element(8)) == "XX" }}

// lengths are the lengths of the names, addresses and references every
// set carries, from the X12 element dictionary the guides use.
var lengths = []rule{
	{seg: "NM1", elem: 3, minLen: 1, maxLen: 60, what: "name, last or organization"},
	{seg: "NM1", elem: 4, minLen: 1, maxLen: 35, what: "first name"},
	{seg: "NM1", elem: 5, minLen: 1, maxLen: 25, what: "middle name"},
	{seg: "NM1", elem: 9, minLen: 2, maxLen: 80, what: "identification code"},
	{seg: "N3", elem: 1, minLen: 1, maxLen: 55, what: "address"},
	{seg: "N3", elem: 2, minLen: 1, maxLen: 55, what: "address"},
	{seg: "N4", elem: 1, minLen: 2, maxLen: 30, what: "city"},
	{seg: "N4", elem: 3, minLen: 3, maxLen: 15, what: "postal code"},
	{seg: "REF", elem: 2, minLen: 1, maxLen: 50, what: "reference identification"},
	{seg: "PER", elem: 2, minLen: 1, maxLen: 60, what: "contact name"},
}

// amounts: the elements of a segment of type R (a decimal amount).
func amounts(seg string, elems ...int) []rule {
	var out []rule
	for _, e := range elems {
		out = append(out, rule{seg: seg, elem: e, decimal: true, what: "amount"})
	}
	return out
}

// perQualifiers: the communication number qualifiers of PER.
func perQualifiers(elems ...int) []rule {
	var out []rule
	for _, e := range elems {
		out = append(out, rule{seg: "PER", elem: e, codes: set("EM", "EX", "FX", "TE", "UR"), what: "communication number qualifier"})
	}
	return out
}

// filingIndicators are SBR09's claim filing indicator codes.
var filingIndicators = set("11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM", "MA", "MB", "MC", "OF", "TV", "VA", "WC", "ZZ")

// noCountry: N404 (country) is empty, so N402 is a US state or a Canadian
// province.
func noCountry(_ *checker, s *x12.Segment) bool { return len(s.Element(4)) == 0 }

// hi is the rule of HIxx: a composite, written whole.
func hi(n int) rule {
	return rule{seg: "HI", elem: n, composite: true, what: "health care code information"}
}

func notUsed(seg string, elems ...int) []rule {
	var out []rule
	for _, e := range elems {
		out = append(out, rule{seg: seg, elem: e, notUsed: true, what: "not used in 005010X221A1"})
	}
	return out
}

// index groups rules (and lists of them) by segment.
func index(rules ...any) map[string][]rule {
	out := map[string][]rule{}
	for _, r := range rules {
		switch r := r.(type) {
		case rule:
			out[r.seg] = append(out[r.seg], r)
		case []rule:
			for _, x := range r {
				out[x.seg] = append(out[x.seg], x)
			}
		}
	}
	return out
}

var frequencies = set("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")

// states are the US states, the District of Columbia, the territories
// and armed forces codes, and the Canadian provinces and territories, as
// N402 takes them.
var states = set(
	"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
	"MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
	"TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
	"AS", "GU", "MP", "PR", "VI", "FM", "MH", "PW", "AA", "AE", "AP",
	"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
)

func set(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}
