// Package sets chooses the typed decoder for each transaction set the
// gateway understands: 835 remittances, 277CA and 277 claim statuses, 999
// and 997 acknowledgments, and 837 claims.
package sets

import (
	"cmp"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/ack"
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/guide"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/status"
)

// Decoders returns an x12.DecoderFunc for every transaction set with a
// typed model; other sets stay at the envelope level. Use one per stream:
// the 835 decoder shares a table of repeated codes across the sets of a
// stream.
func Decoders() x12.DecoderFunc {
	return withGuide(first(remit.Decoders(), status.Decoders, ack.Decoders, claim.DecoderFor))
}

// Streamers is Decoders for a caller that takes each 835 claim as it is
// decoded, such as a payment poster (remit.Streamers): each is handed to
// each and not kept, so memory stays bounded by one claim whatever the
// size of a set; the other sets are decoded whole.
func Streamers(each func(*remit.Remittance, *remit.Claim) (keep bool)) x12.DecoderFunc {
	return withGuide(first(remit.Streamers(each), status.Decoders, ack.Decoders, claim.DecoderFor))
}

// Checkers is Decoders for a caller that wants only the problems, such as
// claimsgw x12 validate: no content is kept, and the 835 checks reuse one
// claim's memory, so memory stays bounded whatever the size of a set.
func Checkers() x12.DecoderFunc {
	return withGuide(first(remit.Checkers(), dropContent(first(status.Decoders, ack.Decoders, claim.DecoderFor))))
}

// withGuide adds the implementation guide's rules (package guide) to the
// typed decoders: each set's segments go to both, and the problems of both
// are the set's.
func withGuide(f x12.DecoderFunc) x12.DecoderFunc {
	return func(setID, implementation, groupVersion string) (string, x12.Decoder) {
		key, d := f(setID, implementation, groupVersion)
		g := guide.For(setID, implementation, groupVersion)
		switch {
		case g == nil:
			return key, d
		case d == nil:
			return "", g // no content: the set stays at the envelope level
		}
		b := &both{d: d, g: g}
		b.soFar, _ = d.(soFar)
		b.looper, _ = g.(looper)
		return key, b
	}
}

// both is a typed decoder and the guide's checker of one set.
type both struct {
	d, g   x12.Decoder
	soFar  soFar  // d's errors so far, when it shows them
	looper looper // g's loop
	seen   int    // the decoder's errors given their loop so far
}

// soFar is a decoder that shows the errors it has found so far, and a
// checker that tells the loop of the segment it read last.
type (
	soFar  interface{ ErrorsSoFar() []*x12.Error }
	looper interface{ Loop() string }
)

// Segment gives the decoder's errors of the segment the guide's loop, as
// the 999 names it (IK303), where the guide found nothing there itself.
func (b *both) Segment(r *x12.Reader, s *x12.Segment) {
	b.d.Segment(r, s)
	b.g.Segment(r, s)
	if b.soFar == nil || b.looper == nil {
		return
	}
	errs := b.soFar.ErrorsSoFar()
	for _, e := range errs[min(b.seen, len(errs)):] {
		if e.Loop == "" && e.SegmentIndex == s.Index {
			e.Loop = b.looper.Loop()
		}
	}
	b.seen = len(errs)
}

// Finish gives the set's problems: the decoder's, then the guide's that
// the decoder did not find already. Where both find the same element
// wrong (a CLM02 that is no amount), the decoder's problem is kept, with
// the guide's 999 codes and SNIP level where it has none.
func (b *both) Finish() (any, []*x12.Error) {
	content, errs := b.d.Finish()
	_, more := b.g.Finish()
	n := len(errs)
guide:
	for _, g := range more {
		for _, e := range errs[:n] {
			if e.Offset == g.Offset && e.Element == g.Element && e.Component == g.Component && e.Element > 0 {
				e.Level = cmp.Or(e.Level, g.Level)
				e.IK3, e.IK4, e.Loop = cmp.Or(e.IK3, g.IK3), cmp.Or(e.IK4, g.IK4), cmp.Or(e.Loop, g.Loop)
				continue guide
			}
		}
		errs = append(errs, g)
	}
	return content, errs
}

// first is the DecoderFunc that asks each of funcs in turn and takes the
// first decoder one has.
func first(funcs ...x12.DecoderFunc) x12.DecoderFunc {
	return func(setID, implementation, groupVersion string) (string, x12.Decoder) {
		for _, f := range funcs {
			if key, d := f(setID, implementation, groupVersion); d != nil {
				return key, d
			}
		}
		return "", nil
	}
}

// dropContent wraps a DecoderFunc so that each set's content is dropped as
// soon as it is decoded and only its problems are kept: memory stays
// bounded by the largest transaction set, not the file.
func dropContent(f x12.DecoderFunc) x12.DecoderFunc {
	return func(setID, implementation, groupVersion string) (string, x12.Decoder) {
		key, d := f(setID, implementation, groupVersion)
		if d == nil {
			return "", nil
		}
		return key, errorsOnly{d}
	}
}

type errorsOnly struct{ x12.Decoder }

func (e errorsOnly) ErrorsSoFar() []*x12.Error {
	if d, ok := e.Decoder.(soFar); ok {
		return d.ErrorsSoFar()
	}
	return nil
}

func (e errorsOnly) Finish() (any, []*x12.Error) {
	_, errs := e.Decoder.Finish()
	return nil, errs
}
