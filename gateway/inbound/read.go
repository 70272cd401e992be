package inbound

// A payer file read to be applied. An 835's CLPs are not kept: decoded
// whole, a large 835's models take many times the file's size before
// anything is applied (the README's speed table has what issue 17's
// repetitive 835 took, before and after). The file is read once for its
// envelopes, the typed content of its other sets and what each 835's CLPs
// add up to (clpSummary), and its CLPs once more, one at a time, as they
// are applied (clpReader).

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/sets"
)

// payerFile is a payer file read to be applied: its envelopes with the
// typed content of each set, an 835's without its CLPs.
type payerFile struct {
	doc  *x12.File
	sums map[*remit.Remittance]*clpSummary
	clps clpReader
}

// clpSummary is what the CLPs of an 835 set add up to: what its payment
// is checked and recorded with before any CLP is posted.
type clpSummary struct {
	count int
	paid  money.Cents     // Σ CLP04
	pcns  []string        // the patient control numbers they name, each once, in order
	seen  map[string]bool // of pcns, while the file is read
}

// readPayerFile reads a payer file to apply it. The error is only one of
// reading (the file's problems are in doc.Errors).
func readPayerFile(content []byte) (*payerFile, error) {
	f := &payerFile{sums: map[*remit.Remittance]*clpSummary{}, clps: clpReader{content: content}}
	doc, err := x12.ReadFileWith(bytes.NewReader(content), sets.Streamers(func(r *remit.Remittance, c *remit.Claim) bool {
		s := f.sums[r]
		if s == nil {
			s = &clpSummary{seen: map[string]bool{}}
			f.sums[r] = s
		}
		s.count++
		s.paid += c.Paid
		if pcn := c.PatientControlNumber; !s.seen[pcn] {
			s.seen[pcn] = true
			s.pcns = append(s.pcns, pcn)
		}
		return false
	}))
	if err != nil {
		return nil, err
	}
	for _, s := range f.sums {
		s.seen = nil
	}
	f.doc = doc
	return f, nil
}

// summary is what the CLPs of an 835 set of the file add up to.
func (f *payerFile) summary(r *remit.Remittance) *clpSummary {
	if s := f.sums[r]; s != nil {
		return s
	}
	return &clpSummary{}
}

// set finds the 835 transaction set of the file named as setRefs names it
// (the set carries that name), with its group; nils when there is none.
func (f *payerFile) set(st02 string) (*x12.Group, *x12.Transaction, *remit.Remittance) {
	refs := setRefs(f.doc)
	for _, ic := range f.doc.Interchanges {
		for _, g := range ic.Groups {
			for _, t := range g.Transactions {
				if r, ok := t.Remittance.(*remit.Remittance); ok && refs[t] == st02 {
					return g, withRef(t, st02), r
				}
			}
		}
	}
	return nil, nil, nil
}

// clpAt is the CLP of 835 set t (of group g) at a segment position, nil
// when none is there.
func (f *payerFile) clpAt(g *x12.Group, t *x12.Transaction, position int) (*remit.Claim, error) {
	var found *remit.Claim
	err := f.clps.read(g, t, func(c *remit.Claim) (bool, error) {
		if c.Position.Position == position {
			found = c
			return true, errFound
		}
		return false, nil
	})
	if errors.Is(err, errFound) {
		err = nil
	}
	return found, err
}

// errFound stops reading CLPs once the one sought is found.
var errFound = errors.New("found")

// each calls do with each CLP of 835 set t (of group g), in order, until
// it returns an error. A CLP is valid only during the call.
func (f *payerFile) each(g *x12.Group, t *x12.Transaction, do func(*remit.Claim) error) error {
	return f.clps.read(g, t, func(c *remit.Claim) (bool, error) { return false, do(c) })
}

// clpReader reads the CLPs of a file's 835 sets again. It reads forward,
// starting again only for a set behind it: the processor applies the sets
// in file order, so a file is read twice in all, whatever its sets.
type clpReader struct {
	content []byte
	r       *x12.Reader
	at      int64 // the offset of the last segment read
}

// read hands each CLP of 835 set t (of group g) to do, in order, until do
// returns an error, or true to keep the CLP it was given (which is then
// not reused).
func (c *clpReader) read(g *x12.Group, t *x12.Transaction, do func(*remit.Claim) (keep bool, err error)) error {
	if c.r == nil || c.at >= t.Offset {
		c.r, c.at = x12.NewReader(bytes.NewReader(c.content)), -1
	}
	var err error
	_, d := remit.Streamers(func(_ *remit.Remittance, clp *remit.Claim) bool {
		if err != nil {
			return false
		}
		var keep bool
		keep, err = do(clp)
		return keep
	})("835", t.Implementation, g.Version)
	started := false
	for {
		s, rerr := c.r.Read()
		if rerr == io.EOF {
			return fmt.Errorf("inbound: transaction set %s is not in the file read again", t.ControlNumber)
		}
		if rerr != nil {
			return rerr
		}
		c.at = s.Offset
		if !started {
			if started = s.ID() == "ST" && s.Offset == t.Offset; !started {
				continue
			}
		}
		d.Segment(c.r, s)
		if err != nil {
			return err
		}
		if s.ID() == "SE" {
			d.Finish()
			return err
		}
	}
}
