package guide

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/claimsgw/claimsgw/x12"
)

// Loops, segment usage and repeats: each transaction's structure as its
// implementation guide gives it (loops_tables.go), and the walk that
// places each segment of a set in it. What does not fit is an error with
// the 999's IK304: 2 an unexpected segment (in no loop open here), 3 a
// required segment or loop missing (at the segment that ends its loop,
// where pyx12 names it too), 4 a loop repeated more than the guide allows,
// 5 a segment used more often than it allows.

// Code of the structure's errors.
const CodeStructure = "guide_structure"

// entry is a segment or a loop in a loop of the table.
type entry struct {
	seg   string          // the segment's ID; a loop's is its first segment's
	key   uint32          // segKey(seg)
	quals map[string]bool // the values of its qualifier (HL03, else element 1) it takes; nil for any
	req   bool
	max   int    // uses of the segment, repeats of the loop; 0 means no limit
	loop  *loopT // a loop: its table; nil for a segment
	name  string // a loop's ID, for messages: 2100
}

// loopT is a loop of the table: its entries, the first being its trigger.
type loopT struct {
	name    string
	entries []*entry
}

func (e *entry) matches(key uint32, s *x12.Segment) bool {
	if key != e.key {
		return false
	}
	if e.quals == nil {
		return true
	}
	el := 1
	if e.seg == "HL" {
		el = 3
	}
	return e.quals[string(s.Element(el))]
}

// parseLoops reads a table: a line a segment (ID[*QUALIFIER|...] R|S MAX)
// or a loop (loop NAME R|S REPEAT, its entries indented by two spaces
// below it, its trigger first). MAX and REPEAT are a number or >1.
func parseLoops(name, table string) *loopT {
	root := &loopT{}
	stack := []*loopT{root}
	for n, line := range strings.Split(table, "\n") {
		text := strings.TrimLeft(line, " ")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		depth := (len(line) - len(text)) / 2
		if depth >= len(stack) {
			panic(fmt.Sprintf("guide: %s table line %d: indented past its loop", name, n+1))
		}
		stack = stack[:depth+1]
		f := strings.Fields(text)
		e := &entry{}
		if f[0] == "loop" {
			e.name, f = f[1], f[1:]
			e.loop = &loopT{name: e.name}
		}
		if len(f) != 3 || (f[1] != "R" && f[1] != "S") {
			panic(fmt.Sprintf("guide: %s table line %d: %q", name, n+1, text))
		}
		e.req = f[1] == "R"
		if f[2] != ">1" {
			e.max, _ = strconv.Atoi(f[2])
		}
		parent := stack[len(stack)-1]
		if e.loop != nil {
			parent.entries = append(parent.entries, e)
			stack = append(stack, e.loop)
			continue
		}
		id, quals, _ := strings.Cut(f[0], "*")
		e.seg, e.key = id, segKey(id)
		if quals != "" {
			e.quals = map[string]bool{}
			for _, q := range strings.Split(quals, "|") {
				e.quals[q] = true
			}
		}
		if len(parent.entries) == 0 && parent != root {
			// The loop's trigger: its entry in the parent matches as it does.
			for _, pe := range stack[len(stack)-2].entries {
				if pe.loop == parent {
					pe.seg, pe.key, pe.quals = e.seg, e.key, e.quals
				}
			}
		}
		parent.entries = append(parent.entries, e)
	}
	return root
}

// open is a loop being read: where in its entries the last segment was
// placed, and how often each entry was used.
type open struct {
	t      *loopT
	pos    int
	counts []int
}

// structure walks one transaction set through its table. Its frames are
// the loops open, outermost first; those past depth are kept for reuse,
// so a set of 100,000 claims opens its loops without allocating.
type structure struct {
	frames []open
	depth  int // frames[:depth] are open
	errs   []*x12.Error
	ctl    *x12.Control
	// last is the segment read last: where the loops still open at the end
	// are checked.
	last   x12.Position
	lastID string
}

func newStructure(t *loopT, ctl *x12.Control) *structure {
	st := &structure{ctl: ctl}
	st.push(t)
	return st
}

// push opens a loop, its first entry used once (the root's, ST, not yet).
func (st *structure) push(t *loopT) {
	if st.depth == len(st.frames) {
		st.frames = append(st.frames, open{})
	}
	o := &st.frames[st.depth]
	o.t, o.pos = t, 0
	if cap(o.counts) >= len(t.entries) {
		o.counts = o.counts[:len(t.entries)]
		clear(o.counts)
	} else {
		o.counts = make([]int, len(t.entries))
	}
	if st.depth > 0 {
		o.counts[0] = 1
	}
	st.depth++
}

func (st *structure) segment(r *x12.Reader, s *x12.Segment) {
	key := segKey(s.ID())
	for depth := st.depth - 1; depth >= 0; depth-- {
		o := &st.frames[depth]
		// Within the loop, from where it is on: a segment or a child loop.
		// Its own trigger (entry 0) again is the loop's next repeat, which
		// its parent places.
		from := o.pos
		if depth > 0 && from == 0 {
			from = 1
		}
		for i := from; i < len(o.t.entries); i++ {
			e := o.t.entries[i]
			if !e.matches(key, s) {
				continue
			}
			pos := r.Position(s)
			st.last, st.lastID = pos, s.ID()
			for d := st.depth - 1; d > depth; d-- {
				st.close(&st.frames[d], pos, s.ID())
			}
			st.depth = depth + 1
			o.pos = i
			o.counts[i]++
			if e.max > 0 && o.counts[i] > e.max {
				what, ik3 := "segment "+s.ID()+" is used more often than the guide allows here", "5"
				if e.loop != nil {
					what, ik3 = "loop "+e.name+" repeats more often than the guide allows", "4"
				}
				st.add(pos, s.ID(), ik3, "%s (%d at most)", what, e.max)
			}
			if e.loop != nil {
				st.push(e.loop)
			}
			return
		}
	}
	pos := r.Position(s)
	st.last, st.lastID = pos, s.ID()
	st.add(pos, s.ID(), "2", "segment %s is not expected here: the guide has no place for it after the segments before it", s.ID())
}

// close checks what a loop that ends lacks: errors at the segment that
// ends it (where pyx12 reports them too), the SE for the last ones.
func (st *structure) close(o *open, pos x12.Position, id string) {
	for i, e := range o.t.entries {
		if e.req && o.counts[i] == 0 {
			what := "segment " + e.seg
			if e.loop != nil {
				what = "loop " + e.name
			}
			if q := quals(e); q != "" {
				what += "*" + q
			}
			st.add(pos, id, "3", "%s, which the guide requires in %s, is missing", what, loopName(o.t))
			st.errs[len(st.errs)-1].Loop = o.t.name
		}
	}
}

func quals(e *entry) string {
	var q []string
	for k := range e.quals {
		q = append(q, k)
	}
	if len(q) != 1 {
		return ""
	}
	return q[0]
}

func loopName(t *loopT) string {
	if t.name == "" {
		return "the transaction set"
	}
	return "loop " + t.name
}

func (st *structure) finish() []*x12.Error {
	for d := st.depth - 1; d >= 0; d-- {
		st.close(&st.frames[d], st.last, st.lastID)
	}
	st.depth = 0
	return st.errs
}

func (st *structure) add(pos x12.Position, id, ik3, format string, args ...any) {
	e := st.ctl.Errorf(pos, id, 0, 0, x12.SeverityError, CodeStructure, format, args...)
	e.Level, e.IK3, e.Loop = x12.LevelGuide, ik3, st.loop()
	st.errs = append(st.errs, e)
}

// loop is the ID of the innermost loop open: where the segment last
// placed is ("" in the set's header).
func (st *structure) loop() string {
	if st.depth == 0 {
		return ""
	}
	return st.frames[st.depth-1].t.name
}
