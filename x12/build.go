package x12

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// InterchangeHeader holds what the sender chooses for an ISA. The Writer
// pads each field to its fixed width and takes ISA11 and ISA16 from its
// delimiters.
type InterchangeHeader struct {
	AuthorizationQualifier string    // ISA01; "" means "00"
	AuthorizationInfo      string    // ISA02
	SecurityQualifier      string    // ISA03; "" means "00"
	SecurityInfo           string    // ISA04
	SenderQualifier        string    // ISA05, e.g. "ZZ"
	SenderID               string    // ISA06
	ReceiverQualifier      string    // ISA07
	ReceiverID             string    // ISA08
	Time                   time.Time // ISA09 and ISA10
	Version                string    // ISA12; "" means "00501"
	ControlNumber          int       // ISA13, 1 to 999999999: the caller owns its uniqueness
	AckRequested           bool      // ISA14
	Usage                  byte      // ISA15: 'T' (test) or 'P' (production)
}

// GroupHeader holds what the sender chooses for a GS.
type GroupHeader struct {
	FunctionalID  string    // GS01, e.g. "HC" for 837
	SenderCode    string    // GS02
	ReceiverCode  string    // GS03
	Time          time.Time // GS04 and GS05
	ControlNumber int       // GS06, 1 to 999999999
	Version       string    // GS08, e.g. "005010X222A1"
}

// writerEnvelope is what the Writer needs to close the envelopes it opened.
type writerEnvelope struct {
	inISA, inGS, inST bool
	isa13, gs06, st02 string
	groups, txs, segs int
}

// BeginInterchange writes an ISA segment.
func (w *Writer) BeginInterchange(h InterchangeHeader) {
	if w.err != nil {
		return
	}
	if w.env.inISA {
		w.fail(fmt.Errorf("x12: interchange %s is still open", w.env.isa13))
		return
	}
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	version := def(h.Version, "00501")
	rep := byte('U')
	if version >= "00402" {
		if w.d.Repetition == 0 {
			w.fail(fmt.Errorf("x12: ISA12 %s needs a repetition separator", version))
			return
		}
		rep = w.d.Repetition
	}
	if h.Usage != 'T' && h.Usage != 'P' {
		w.fail(fmt.Errorf("x12: ISA15 usage indicator %q is not T or P", h.Usage))
		return
	}
	if h.ControlNumber < 1 || h.ControlNumber > 999999999 {
		w.fail(fmt.Errorf("x12: ISA13 control number %d is not between 1 and 999999999", h.ControlNumber))
		return
	}
	ack := "0"
	if h.AckRequested {
		ack = "1"
	}
	fields := []struct {
		name  string
		v     string
		width int
	}{
		{"ISA01", def(h.AuthorizationQualifier, "00"), 2}, {"ISA02", h.AuthorizationInfo, 10},
		{"ISA03", def(h.SecurityQualifier, "00"), 2}, {"ISA04", h.SecurityInfo, 10},
		{"ISA05", h.SenderQualifier, 2}, {"ISA06", h.SenderID, 15},
		{"ISA07", h.ReceiverQualifier, 2}, {"ISA08", h.ReceiverID, 15},
		{"ISA09", h.Time.Format("060102"), 6}, {"ISA10", h.Time.Format("1504"), 4},
		{"ISA11", string(rep), 1}, {"ISA12", version, 5},
		{"ISA13", fmt.Sprintf("%09d", h.ControlNumber), 9}, {"ISA14", ack, 1}, {"ISA15", string(h.Usage), 1},
	}
	var b strings.Builder
	b.WriteString("ISA")
	for i, f := range fields {
		if len(f.v) > f.width {
			w.fail(fmt.Errorf("x12: %s is %d characters, at most %d", f.name, len(f.v), f.width))
			return
		}
		if i != 10 && strings.ContainsFunc(f.v, func(r rune) bool { return r < 256 && w.delim[r] }) {
			w.fail(fmt.Errorf("x12: %s holds a delimiter", f.name))
			return
		}
		b.WriteByte(w.d.Element)
		b.WriteString(f.v)
		b.WriteString(strings.Repeat(" ", f.width-len(f.v)))
	}
	b.WriteByte(w.d.Element)
	b.WriteByte(w.d.Component)
	b.WriteByte(w.d.Segment)
	b.WriteString(w.suffix)
	w.buf = append(w.buf, b.String()...)
	w.count++
	w.env = writerEnvelope{inISA: true, isa13: fields[12].v}
}

// BeginGroup writes a GS segment.
func (w *Writer) BeginGroup(h GroupHeader) {
	if w.err != nil {
		return
	}
	if !w.env.inISA || w.env.inGS {
		w.fail(fmt.Errorf("x12: GS needs an open interchange and no open group"))
		return
	}
	if h.ControlNumber < 1 || h.ControlNumber > 999999999 {
		w.fail(fmt.Errorf("x12: GS06 control number %d is not between 1 and 999999999", h.ControlNumber))
		return
	}
	ctl := strconv.Itoa(h.ControlNumber)
	w.Segment("GS", h.FunctionalID, h.SenderCode, h.ReceiverCode, h.Time.Format("20060102"), h.Time.Format("1504"), ctl, "X", h.Version)
	w.env.inGS, w.env.gs06, w.env.txs = true, ctl, 0
	w.env.groups++
}

// BeginTransaction writes an ST segment: ST01 is the set ID ("837"), ST02 the
// control number (at least 4 digits), ST03 the implementation guide ("" to
// leave it out).
func (w *Writer) BeginTransaction(setID string, controlNumber int, implementation string) {
	if w.err != nil {
		return
	}
	if !w.env.inGS || w.env.inST {
		w.fail(fmt.Errorf("x12: ST needs an open group and no open transaction set"))
		return
	}
	if controlNumber < 1 || controlNumber > 999999999 {
		w.fail(fmt.Errorf("x12: ST02 control number %d is not between 1 and 999999999", controlNumber))
		return
	}
	ctl := fmt.Sprintf("%04d", controlNumber)
	w.Segment("ST", setID, ctl, implementation)
	w.env.inST, w.env.st02, w.env.segs = true, ctl, 1
	w.env.txs++
}

// EndTransaction writes the SE segment with the count of segments from ST.
func (w *Writer) EndTransaction() {
	if w.err == nil && !w.env.inST {
		w.fail(fmt.Errorf("x12: SE without an open transaction set"))
	}
	w.Segment("SE", strconv.Itoa(w.env.segs+1), w.env.st02)
	w.env.inST = false
}

// EndGroup writes the GE segment.
func (w *Writer) EndGroup() {
	if w.err == nil && (!w.env.inGS || w.env.inST) {
		w.fail(fmt.Errorf("x12: GE needs an open group and no open transaction set"))
	}
	w.Segment("GE", strconv.Itoa(w.env.txs), w.env.gs06)
	w.env.inGS = false
}

// EndInterchange writes the IEA segment.
func (w *Writer) EndInterchange() {
	if w.err == nil && (!w.env.inISA || w.env.inGS) {
		w.fail(fmt.Errorf("x12: IEA needs an open interchange and no open group"))
	}
	w.Segment("IEA", strconv.Itoa(w.env.groups), w.env.isa13)
	w.env.inISA = false
}
