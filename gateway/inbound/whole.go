package inbound

// What of a payer file may be applied: only transaction sets read whole,
// in a group and an interchange that close, from the route's payer to the
// gateway. A file cut short (a transfer that broke off, a payer that
// wrote half a file) posts nothing of what it holds; the whole file, when
// it comes, is a file of its own (another sha256) and applies in full.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/x12"
)

// unclosed says why an interchange did not close, "" when it did: it was cut
// short, its IEA does not count its groups or name its ISA13, or the file
// ends in the IEA without its terminator.
func unclosed(doc *x12.File, ic *x12.Interchange) string {
	if !ic.Complete || ic == doc.Interchanges[len(doc.Interchanges)-1] && slices.ContainsFunc(doc.Errors, func(e *x12.Error) bool { return e.Code == x12.CodeUnterminated }) {
		codes := errorCodes(doc.Errors, func(e *x12.Error) bool { return e.Interchange == ic.ControlNumber })
		// Not readable: segments it cannot read before the last one (a
		// file cut short may end in half a segment).
		if slices.ContainsFunc(doc.Errors, func(e *x12.Error) bool {
			return e.Code == x12.CodeSyntax && e.Interchange == ic.ControlNumber && e.SegmentIndex < doc.Segments
		}) {
			return "interchange " + ic.ControlNumber + " is not readable X12 (" + codes + ")"
		}
		return "interchange " + ic.ControlNumber + " is not whole (" + codes + ")"
	}
	return ""
}

// cut says why a file of interchanges was not read whole, "" when it
// was: one of its interchanges did not close (unclosed), or the file could
// not be read past an ISA after its last interchange that closed (a file
// cut inside the ISA of the interchange after it: the reader stops
// there), or past a segment without a terminator within the reader's
// bounds. Nothing of such a file is applied, not even the interchanges
// before the cut that closed: the whole file, when it comes, is another
// file (another sha256), and it applies once and in full only when none
// of it was posted from the cut one.
//
// It also returns the interchange the exception is at: the first that did
// not close, else the last (1-based).
func cut(doc *x12.File) (why string, at int) {
	var whys []string
	for i, ic := range doc.Interchanges {
		if why := unclosed(doc, ic); why != "" {
			whys = append(whys, why)
			if at == 0 {
				at = i + 1
			}
		}
	}
	if len(whys) == 0 {
		if i := slices.IndexFunc(doc.Errors, func(e *x12.Error) bool { return e.Code == x12.CodeISA || e.Code == x12.CodeSegmentTooLong }); i >= 0 {
			last := doc.Interchanges[len(doc.Interchanges)-1]
			whys = append(whys, fmt.Sprintf("the file is not whole after interchange %s: it cannot be read past offset %d (%s)",
				last.ControlNumber, doc.Errors[i].Offset, doc.Errors[i].Code))
			at = len(doc.Interchanges)
		}
	}
	if len(whys) == 0 {
		return "", 0
	}
	why = strings.Join(whys, "; ")
	if n := len(doc.Interchanges); n > 1 {
		why += fmt.Sprintf(": nothing of the file's %d interchanges is applied", n)
	} else {
		why += ": nothing of it is applied"
	}
	if strings.Contains(why, "not readable") {
		return why + "; the file is kept with its errors", at
	}
	return why + "; the file is kept, and the whole file applies when it comes", at
}

// foreign says why an interchange that closed is not from the route's
// payer to the gateway, "" when it is.
func (a *applier) foreign(ic *x12.Interchange) string {
	r := a.route
	if r == nil {
		return ""
	}
	if ic.SenderID != r.isaPayer || ic.ReceiverID != r.isaUs {
		return fmt.Sprintf("interchange %s is from ISA06 %q to ISA08 %q, not from the route's payer %q to the gateway %q: not applied",
			ic.ControlNumber, ic.SenderID, ic.ReceiverID, r.isaPayer, r.isaUs)
	}
	for _, g := range ic.Groups {
		if g.SenderCode != r.gsPayer || g.ReceiverCode != r.gsUs {
			return fmt.Sprintf("group %s of interchange %s is from GS02 %q to GS03 %q, not from the route's payer %q to the gateway %q: not applied",
				g.ControlNumber, ic.ControlNumber, g.SenderCode, g.ReceiverCode, r.gsPayer, r.gsUs)
		}
	}
	return ""
}

// route is who a payer file must come from and be to: the route's payer
// and the gateway, as the route's ISA and GS name them in the 837s.
type route struct{ isaPayer, isaUs, gsPayer, gsUs string }

// senders is the route of payer p, nil for none.
func senders(p *config.Payer) *route {
	if p == nil {
		return nil
	}
	r := &route{isaPayer: p.ISA.ReceiverID, isaUs: p.ISA.SenderID}
	r.gsPayer, r.gsUs = cmp.Or(p.GS.ReceiverCode, r.isaPayer), cmp.Or(p.GS.SenderCode, r.isaUs)
	return r
}

// whole says why a transaction set may not be applied, "" when it may:
// it was read whole (its SE counts its segments and names its ST02) in a
// group that closed (its GE counts its sets and names its GS06).
func whole(doc *x12.File, ic *x12.Interchange, g *x12.Group, t *x12.Transaction) string {
	var what string
	switch {
	case !t.Complete:
		what = "the transaction set is not whole"
	case !g.Complete:
		what = "its group " + g.ControlNumber + " is not whole"
	default:
		return ""
	}
	codes := errorCodes(doc.Errors, func(e *x12.Error) bool {
		return e.Interchange == ic.ControlNumber && e.Group == g.ControlNumber && (e.Transaction == "" || e.Transaction == t.ControlNumber ||
			strings.HasSuffix(t.ControlNumber, "/"+e.Transaction))
	})
	return what + " (" + codes + "): nothing of it is applied; the file is kept, and the whole file applies when it comes"
}

// errorCodes lists the codes of the envelope errors that of says are about
// a part of a file (all of them for nil), "truncated" for the signs of a
// file cut short.
func errorCodes(errs []*x12.Error, of func(e *x12.Error) bool) string {
	var codes []string
	for _, e := range errs {
		if e.Severity != x12.SeverityError || of != nil && !of(e) {
			continue
		}
		code := e.Code
		if code == x12.CodeUnterminated || code == x12.CodeMissingTrailer {
			code = "truncated"
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	if len(codes) == 0 {
		return "truncated"
	}
	return strings.Join(codes, ", ")
}
