package x12

import (
	"fmt"
	"strings"
)

// Severity tells an error that makes a file wrong from a warning about
// something a strict partner may dislike.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Error codes. They are stable: tools match on them.
const (
	CodeNotX12           = "not_x12"            // the stream does not start with an ISA
	CodeISA              = "isa"                // an ISA that cannot be framed
	CodeISAWidth         = "isa_width"          // an ISA field not padded to its fixed width (warning)
	CodeSyntax           = "syntax"             // a malformed segment
	CodeElementCount     = "element_count"      // an envelope segment with too few or too many elements
	CodeUnterminated     = "unterminated"       // the last segment has no terminator
	CodeSegmentTooLong   = "segment_too_long"   // no terminator within Reader.MaxSegmentSize
	CodeSegmentCount     = "segment_count"      // SE01 differs from the segments counted
	CodeTransactionCnt   = "transaction_count"  // GE01 differs from the transaction sets counted
	CodeGroupCount       = "group_count"        // IEA01 differs from the groups counted
	CodeControlNumber    = "control_number"     // a trailer's control number differs from its header's
	CodeMissingTrailer   = "missing_trailer"    // SE, GE or IEA missing before the next header or the end
	CodeOutsideEnvelope  = "outside_envelope"   // a segment where its envelope is not open
	CodeTooManyErrors    = "too_many_errors"    // errors past Reader.MaxErrors were counted, not kept
	CodeTrailing         = "trailing_separator" // a segment ending in a separator: 5010 omits trailing empty elements
	CodeDuplicateISA13   = "duplicate_isa13"    // an interchange control number used twice by one sender and receiver
	CodeDuplicateControl = "duplicate_control"  // a GS06 used twice in an interchange, an ST02 twice in a group
)

// Error is one problem found in a stream, with where it is. It never holds
// element data, so it can be logged: claims carry PHI.
type Error struct {
	Offset       int64    `json:"offset"`                // byte offset of the segment in the stream
	SegmentIndex int      `json:"segment_index"`         // 1-based ordinal of the segment in the stream
	SegmentID    string   `json:"segment_id,omitempty"`  // the segment's ID, "" at the end of the stream
	Element      int      `json:"element,omitempty"`     // 1-based element position, 0 for the whole segment
	Component    int      `json:"component,omitempty"`   // 1-based component position, 0 for the whole element
	Interchange  string   `json:"interchange,omitempty"` // enclosing ISA13
	Group        string   `json:"group,omitempty"`       // enclosing GS06
	Transaction  string   `json:"transaction,omitempty"` // enclosing ST02
	Code         string   `json:"code"`
	Message      string   `json:"message"`
	Severity     Severity `json:"severity"`
	// Level is the error's SNIP type: 1 syntax and envelopes (the
	// reader's), 2 the implementation guide's requirements (segments,
	// elements, codes), 3 balancing, 4 situational rules.
	Level int `json:"snip_level,omitempty"`
	// IK3 and IK4 are the codes a 999 gives it: IK304 (the segment's
	// syntax error code) and, for an element, IK403 (the element's).
	IK3 string `json:"ik3,omitempty"`
	IK4 string `json:"ik4,omitempty"`
	// Loop is the implementation guide's loop the segment is in (2010BA,
	// 2300, ...), where the guide's structure placed it: a 999's IK303.
	// Empty in a set's header, and where no structure is tabled.
	Loop string `json:"loop,omitempty"`
}

// SNIP levels, as Error.Level gives them.
const (
	LevelSyntax      = 1
	LevelGuide       = 2
	LevelBalancing   = 3
	LevelSituational = 4
)

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "offset %d, segment %d", e.Offset, e.SegmentIndex)
	if e.SegmentID != "" {
		fmt.Fprintf(&b, " %s", e.SegmentID)
		if e.Element > 0 {
			fmt.Fprintf(&b, "%02d", e.Element)
			if e.Component > 0 {
				fmt.Fprintf(&b, "-%d", e.Component)
			}
		}
	}
	if e.Interchange != "" {
		fmt.Fprintf(&b, " (ISA13 %s", e.Interchange)
		if e.Group != "" {
			fmt.Fprintf(&b, ", GS06 %s", e.Group)
		}
		if e.Transaction != "" {
			fmt.Fprintf(&b, ", ST02 %s", e.Transaction)
		}
		b.WriteByte(')')
	}
	if e.Severity == SeverityWarning {
		b.WriteString(": warning")
	}
	fmt.Fprintf(&b, ": %s: %s", e.Code, e.Message)
	return b.String()
}

// HasErrors reports whether errs holds anything worse than a warning.
func HasErrors(errs []*Error) bool {
	for _, e := range errs {
		if e.Severity != SeverityWarning {
			return true
		}
	}
	return false
}
