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
		rule{seg: "CLM", elem: 1, maxLen: 20, minLen: 1, what: "patient control number, at most 20 in the 837"},
		// 2430: SVD01 names the other payer that adjudicated the line by
		// its 2330B NM109.
		rule{seg: "SVD", elem: 1, otherPayer: true, situational: true, what: "other payer primary identifier"},
		dental,
	),
	"835": index(
		rule{seg: "N4", elem: 2, codes: states, when: noCountry, what: "state or province code"},
		npi, perQualifiers(3, 5, 7),
	),
	"277": index(
		rule{seg: "N4", elem: 2, codes: states, when: noCountry, what: "state or province code"},
		npi,
		rule{seg: "DTP", elem: 3, date: true, what: "date"},
	),
}

func billingProvider(c *checker, _ *x12.Segment) bool { return c.billing }

// dental are the 837D's rules beyond its element tables (SV3, TOO, DN1
// and DN2 are tabled in elementsX224A2): a tooth number, an AN element
// the tables give no list, is one of the universal numbers.
var dental = []rule{
	{seg: "TOO", elem: 2, codes: teeth, required: true, what: "tooth number (1-32, A-T, 51-82, AS-TS)"},
	{seg: "DN2", elem: 1, codes: teeth, required: true, what: "tooth number (1-32, A-T, 51-82, AS-TS)"},
}

var (
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
