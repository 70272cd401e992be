package inbound

// The reasons a claim's history and its events give quote payer codes
// only, never the data around them: billing systems read them outside the
// process, and payer files carry PHI.

import (
	"fmt"
	"strings"

	"github.com/claimsgw/claimsgw/x12/ack"
	"github.com/claimsgw/claimsgw/x12/status"
)

// ik3Text describes one IK3 (and its IK4) without the bad data, which may
// be PHI.
func ik3Text(e *ack.Error) string {
	s := fmt.Sprintf("%s at position %d: %s", payerCode(e.SegmentID), e.Position, ack.SegmentErrorDescription(e.Code))
	if e.ElementError != nil {
		s += fmt.Sprintf(", element %d: %s", e.ElementPosition, ack.ElementErrorDescription(e.ElementCode))
	}
	return s
}

// statusText is an STC status composite as a claim's history and events
// give it: category:code:entity.
func statusText(st *status.Status) string {
	return strings.Trim(payerCode(st.Category)+":"+payerCode(st.Code)+":"+payerCode(st.Entity), ":")
}

// payerCode is a code value from a payer file as a claim's history and its
// events may carry it. The codes they quote (TA1 note codes, 999 segment
// IDs and IK5 codes, STC categories, status and entity codes, CLP02) have
// one to three letters and digits; anything else is not a code but data in
// the wrong place, which may be PHI (a name, a member ID), and becomes "?".
func payerCode(s string) string {
	if len(s) > 3 {
		return "?"
	}
	for i := range len(s) {
		if c := s[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return "?"
		}
	}
	return s
}
