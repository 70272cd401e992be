package encounter

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/claimsgw/claimsgw/x12/claim"
)

// The X12 basic character set is A-Z, 0-9, space and ! " & ' ( ) * + , - .
// / : ; ? =. The extended set of the 5010 guides adds a-z and % @ [ ] _ { }
// \ | < > ~ # $. Nothing else is accepted: no control characters (tabs,
// line breaks), no letters with accents, no ^ or ` (pyx12 lets 5010 data
// carry them, but ^ is the usual repetition separator and partners differ).
const x12Specials = ` !"&'()*+,-./:;?=%@[]_{}\|<>~#$`

func inX12Set(r rune) bool {
	return r < utf8.RuneSelf && (isAlnum(byte(r)) || r >= 'a' && r <= 'z' || strings.ContainsRune(x12Specials, r))
}

// Normalize prepares an encounter for Check and for the 837: it trims and
// upper-cases every text that goes to the payer (all strings but id,
// claim_type, payer_id and the diagnosis and procedure types), writes ICD-10-CM codes without their dot, and
// fills the contract's defaults (frequency 1, qualifier HC, or AD on a
// dental line, unit type UN but on a dental line, which has none).
func Normalize(e *Encounter) {
	eachText(reflect.ValueOf(e), nil, 0, func(_ *textPath, s *string, _ int) {
		*s = strings.ToUpper(strings.TrimSpace(*s))
	})
	if cl := e.Claim; cl != nil {
		for _, d := range cl.Diagnoses {
			if d != nil {
				d.Code = NormalizeICD10(d.Code)
			}
		}
		if cl.Frequency == "" {
			cl.Frequency = "1"
		}
	}
	for _, l := range e.ServiceLines {
		if l == nil {
			continue
		}
		if l.UnitType == "" && e.ClaimType != claim.Dental {
			l.UnitType = "UN"
		}
		if l.Procedure != nil && l.Procedure.Qualifier == "" {
			l.Procedure.Qualifier = defaultQualifier(e.ClaimType)
		}
	}
}

// text checks every text that goes to the payer for its X12 length, for the
// route's delimiters and for characters outside the X12 extended set. The
// messages give positions, never the text.
func (c *checker) text() {
	d := c.opts.Delimiters
	names := map[byte]string{d.Element: "element separator", d.Component: "component separator", d.Segment: "segment terminator"}
	if d.Repetition != 0 {
		names[d.Repetition] = "repetition separator"
	}
	eachText(reflect.ValueOf(c.e), nil, 0, func(p *textPath, s *string, max int) {
		if n := utf8.RuneCountInString(*s); max > 0 && n > max {
			c.add(p.String(), CodeTooLong, "%d characters: the X12 element holds at most %d", n, max)
		}
		pos := 0
		for _, r := range *s {
			pos++
			if name, ok := names[byte(r)]; ok && r < utf8.RuneSelf {
				c.add(p.String(), CodeDelimiterInData, "character %d is the trading partner's %s %q", pos, name, r)
				return
			}
			if !inX12Set(r) {
				c.add(p.String(), CodeInvalidCharacter, "character %d (U+%04X) is outside the X12 extended character set", pos, r)
				return
			}
		}
	})
}

// eachText calls fn with every string of v that goes to the payer, its path
// and its X12 maximum length from the max tag (0 when none). Fields tagged
// scrub:"-" are skipped. The path is built only when fn asks for it: most
// strings are fine and need none.
func eachText(v reflect.Value, path *textPath, max int, fn func(path *textPath, s *string, max int)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			eachText(v.Elem(), path, max, fn)
		}
	case reflect.String:
		fn(path, v.Addr().Interface().(*string), max)
	case reflect.Slice:
		for i := range v.Len() {
			eachText(v.Index(i), &textPath{parent: path, index: i}, max, fn)
		}
	case reflect.Struct:
		for _, f := range textFieldsOf(v.Type()) {
			if f.anonymous {
				eachText(v.Field(f.index), path, 0, fn)
			} else {
				eachText(v.Field(f.index), &textPath{parent: path, name: f.name, index: -1}, f.max, fn)
			}
		}
	}
}

// textPath is a path like service_lines[1].procedure.code, kept as links
// until String is called.
type textPath struct {
	parent *textPath
	name   string // a field; "" for an index
	index  int    // a slice index; -1 for a field
}

func (p *textPath) String() string {
	if p == nil {
		return ""
	}
	parent := p.parent.String()
	if p.index >= 0 {
		return fmt.Sprintf("%s[%d]", parent, p.index)
	}
	return join(parent, p.name)
}

// textField is what eachText needs of a struct field, read from its tags
// once per type.
type textField struct {
	index     int
	name      string
	max       int
	anonymous bool
}

var textFields sync.Map // reflect.Type → []textField

func textFieldsOf(t reflect.Type) []textField {
	if fs, ok := textFields.Load(t); ok {
		return fs.([]textField)
	}
	var fs []textField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("scrub") == "-" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		n, _ := strconv.Atoi(f.Tag.Get("max"))
		fs = append(fs, textField{index: i, name: name, max: n, anonymous: f.Anonymous})
	}
	textFields.Store(t, fs)
	return fs
}
