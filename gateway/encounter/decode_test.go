package encounter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // a change to the professional example
		want     []want
	}{
		{"unknown field", `"patient_control_number"`, `"patient_control_numbr"`, []want{{"claim.patient_control_numbr", CodeUnknownField}}},
		{"unknown top-level field", `"payer_id"`, `"payer"`, []want{{"payer", CodeUnknownField}}},
		{"money as a number", `"total_charge": "235.00"`, `"total_charge": 235.00`, []want{{"claim.total_charge", CodeInvalidAmount}}},
		{"three decimals", `"charge": "50.00"`, `"charge": "50.005"`, []want{{"service_lines[1].charge", CodeInvalidAmount}}},
		{"pointer as a string", `"diagnosis_pointers": [1]`, `"diagnosis_pointers": ["1"]`, []want{{"service_lines[1].diagnosis_pointers[0]", CodeWrongType}}},
		{"pointer not an integer", `"diagnosis_pointers": [1]`, `"diagnosis_pointers": [1.5]`, []want{{"service_lines[1].diagnosis_pointers[0]", CodeWrongType}}},
		{"member ID as a number", `"member_id": "XJH123456789"`, `"member_id": 123456789`, []want{{"subscriber.member_id", CodeWrongType}}},
		{"object as a string", `"rendering_provider": {`, `"rendering_provider": "SMITH", "x": {`, []want{{"rendering_provider", CodeWrongType}, {"x", CodeUnknownField}}},
		{"array as an object", `"modifiers": ["25"]`, `"modifiers": {"a": "25"}`, []want{{"service_lines[0].procedure.modifiers", CodeWrongType}}},
		{"name in another case", `"payer_id"`, `"Payer_ID"`, []want{{"Payer_ID", CodeUnknownField}}},
		{"nested name in another case", `{"code": "87804"}`, `{"Code": "87804"}`, []want{{"service_lines[1].procedure.Code", CodeUnknownField}}},
		{"another case beside a wrong type", `"member_id": "XJH123456789"`, `"member_id": 5, "Group_Number": "G1"`, []want{{"subscriber.Group_Number", CodeUnknownField}, {"subscriber.member_id", CodeWrongType}}},
		{"a field twice", `"claim_type": "professional"`, `"claim_type": "professional", "claim_type": "institutional"`, []want{{"claim_type", CodeDuplicateField}}},
		{"a field twice, escaped", `"claim_type": "professional"`, `"claim_type": "professional", "claim\u005ftype": "institutional"`, []want{{"claim_type", CodeDuplicateField}}},
		{"a nested field twice", `{"code": "87804"}`, `{"code": "87804", "code": "99213"}`, []want{{"service_lines[1].procedure.code", CodeDuplicateField}}},
		{"a field twice, the first of the wrong type", `"payer_id": "SIMPAYER"`, `"payer_id": 5, "payer_id": "SIMPAYER"`, []want{{"payer_id", CodeDuplicateField}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(professionalJSON, tt.old, tt.new, 1)
			if src == professionalJSON {
				t.Fatal("the change did not apply")
			}
			_, err := Decode(strings.NewReader(src))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("want a *DecodeError, got %v", err)
			}
			var got []want
			for _, p := range de.Problems {
				got = append(got, want{p.Path, p.Code})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
			if de.ID != "enc-2026-000123" {
				t.Errorf("ID = %q", de.ID)
			}
			for _, phi := range []string{"XJH", "123456789", "SMITH", "DOE"} {
				if strings.Contains(err.Error(), phi) {
					t.Errorf("error %q holds PHI %q", err, phi)
				}
			}
		})
	}
}

func TestDecodeNotJSON(t *testing.T) {
	for _, src := range []string{"", "{", `{"id": }`, "[]", `"enc"`, professionalJSON + " x", professionalJSON + institutionalJSON} {
		_, err := Decode(strings.NewReader(src))
		var de *DecodeError
		if err == nil || errors.As(err, &de) {
			t.Errorf("%.20q: want a plain error, got %v", src, err)
		}
	}
}

func TestReaderStream(t *testing.T) {
	bad := strings.Replace(professionalJSON, `"payer_id"`, `"payer"`, 1)
	lines := []string{professionalJSON, bad, institutionalJSON}
	for i := range lines {
		lines[i] = strings.ReplaceAll(lines[i], "\n", " ")
	}
	r := NewReader(strings.NewReader(strings.Join(lines, "\n") + "\n"))
	var got []string
	for {
		e, err := r.Read()
		if err == io.EOF {
			break
		}
		var de *DecodeError
		switch {
		case errors.As(err, &de):
			got = append(got, "bad "+de.ID)
		case err != nil:
			t.Fatal(err)
		default:
			got = append(got, e.ID)
		}
	}
	if want := "[enc-2026-000123 bad enc-2026-000123 enc-2026-000124]"; fmt.Sprint(got) != want {
		t.Errorf("got %v, want %s", got, want)
	}

	r = NewReader(strings.NewReader(professionalJSON + "\n{oops}\n" + institutionalJSON))
	if _, err := r.Read(); err != nil {
		t.Fatal(err)
	}
	_, err := r.Read()
	var de *DecodeError
	if err == nil || errors.As(err, &de) || !strings.Contains(err.Error(), "byte") {
		t.Errorf("want a syntax error with its offset, got %v", err)
	}
	if _, err2 := r.Read(); err2 == nil || err2 == io.EOF {
		t.Errorf("reading after a syntax error: got %v", err2)
	}
}

// DecodeBytes gives what Decode gives, encounter or error, for every kind
// of input: it only skips a pass when the object decodes at once.
func TestDecodeBytesIsDecode(t *testing.T) {
	inputs := map[string]string{
		"the example":              professionalJSON,
		"white space around":       "\n  " + professionalJSON + " \n",
		"unknown field":            strings.Replace(professionalJSON, `"payer_id"`, `"payer"`, 1),
		"money as a number":        strings.Replace(professionalJSON, `"total_charge": "235.00"`, `"total_charge": 235.00`, 1),
		"not JSON":                 `{"id": "x",`,
		"an array":                 `[1, 2]`,
		"empty":                    "  ",
		"two objects":              professionalJSON + professionalJSON,
		"something after":          professionalJSON + " x",
		"no id, unknown fields":    `{"nope": 1}`,
		"a name in another case":   strings.Replace(professionalJSON, `"payer_id"`, `"PAYER_ID"`, 1),
		"a field twice":            strings.Replace(professionalJSON, `"payer_id": "SIMPAYER"`, `"payer_id": "SIMPAYER", "payer_id": "OTHER"`, 1),
		"empty objects and arrays": strings.Replace(professionalJSON, `"modifiers": ["25"]`, `"modifiers": [], "qualifier": "HC"`, 1),
	}
	for name, in := range inputs {
		want, wantErr := Decode(strings.NewReader(in))
		got, gotErr := DecodeBytes([]byte(in))
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: DecodeBytes gave %v, %v; Decode %v, %v", name, got != nil, gotErr, want != nil, wantErr)
		}
	}
}

// keyProblems reads keys, not the strings and brackets inside values.
func TestKeyProblems(t *testing.T) {
	raw := `{"a": [{}, "x,\"y\":", [], {"b": 1, "B": 2, "b": 3}], "s": "{\"s\": 1, \"s\": 2}", "c": {}, "d": {"e": {"f": [1, {"f": 2}]}, "e": null}}`
	var got []want
	for _, p := range keyProblems([]byte(raw), true) {
		got = append(got, want{p.Path, p.Code})
	}
	w := []want{{"a[3].B", CodeUnknownField}, {"a[3].b", CodeDuplicateField}, {"d.e", CodeDuplicateField}}
	if fmt.Sprint(got) != fmt.Sprint(w) {
		t.Errorf("got  %v\nwant %v", got, w)
	}
}

// A DecodeError's Scrub gives the problems of the rest of the encounter
// too, but not those the decoding problems explain.
func TestDecodeErrorScrub(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // a change to the professional example
		want     []want
	}{
		{"a typo and a bad CPT", `"patient_control_number": "PCN000123", `, `"patient_control_numbr": "PCN000123", `, nil},
		{"a bad amount: no total mismatch", `"charge": "50.00"`, `"charge": 50`, []want{{"service_lines[1].charge", CodeInvalidAmount}}},
		{"an object as a string", `"claim": {`, `"claim": "x", "x": {`, []want{{"claim", CodeWrongType}, {"x", CodeUnknownField}}},
		{"a name in another case and a bad CPT", `"payer_id"`, `"Payer_ID"`, []want{{"Payer_ID", CodeUnknownField}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(professionalJSON, tt.old, tt.new, 1)
			src = strings.Replace(src, `"code": "87804"`, `"code": "9921"`, 1) // and a bad CPT, which only the scrubber finds
			if src == professionalJSON || !strings.Contains(src, tt.new) {
				t.Fatal("the change did not apply")
			}
			_, err := Decode(strings.NewReader(src))
			var de *DecodeError
			if !errors.As(err, &de) || de.Partial == nil {
				t.Fatalf("want a *DecodeError with what did decode, got %v", err)
			}
			var got []want
			for _, p := range de.Scrub(Options{Now: today}) {
				if p.Severity == SeverityError {
					got = append(got, want{p.Path, p.Code})
				}
			}
			w := append([]want{}, tt.want...)
			if tt.name == "a typo and a bad CPT" {
				w = []want{{"claim.patient_control_numbr", CodeUnknownField}, {"claim.patient_control_number", CodeRequired}}
			}
			w = append(w, want{"service_lines[1].procedure.code", CodeInvalidCPT})
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("got  %v\nwant %v", got, w)
			}
		})
	}
}

// An object over a limit is a DecodeError with the one problem that says
// which, and the id; up to the limit it decodes. Values are counted at
// every depth, each field's and each array element.
func TestDecodeLimits(t *testing.T) {
	base := strings.Replace(professionalJSON, `"modifiers": ["25"]`, `"modifiers": [ ]`, 1) // an empty array holds no value
	var generic any
	if err := json.Unmarshal([]byte(base), &generic); err != nil {
		t.Fatal(err)
	}
	values := countValues(generic)
	pointers := func(n int) string { // with n more diagnosis pointers on the second line
		return strings.Replace(base, `"diagnosis_pointers": [1]}`, `"diagnosis_pointers": [1`+strings.Repeat(", 1", n)+`]}`, 1)
	}
	notes := func(n int) string { // the example, n bytes long, the rest in the claim's notes
		pad := n - len(professionalJSON) - len(`"notes": "", `)
		return strings.Replace(professionalJSON, `"claim": {`, `"claim": {"notes": "`+strings.Repeat("x", pad)+`", `, 1)
	}
	tests := []struct {
		name, src string
		want      []want // nil: it decodes
	}{
		{"as many values as allowed", pointers(MaxValues - values), nil},
		{"one value more", pointers(MaxValues - values + 1), []want{{"", CodeTooManyValues}}},
		{"as many bytes as allowed", notes(MaxBytes), nil},
		{"one byte more", notes(MaxBytes + 1), []want{{"", CodeTooLarge}}},
	}
	for _, tt := range tests {
		for name, decode := range map[string]func(string) (*Encounter, error){
			"Decode":      func(s string) (*Encounter, error) { return Decode(strings.NewReader(s)) },
			"DecodeBytes": func(s string) (*Encounter, error) { return DecodeBytes([]byte(s)) },
		} {
			_, err := decode(tt.src)
			var de *DecodeError
			var got []want
			if errors.As(err, &de) {
				for _, p := range de.Problems {
					got = append(got, want{p.Path, p.Code})
				}
			}
			switch {
			case tt.want == nil && err != nil:
				t.Errorf("%s, %s: %v", tt.name, name, err)
			case tt.want == nil:
			case de == nil:
				t.Errorf("%s, %s: want a *DecodeError, got %v", tt.name, name, err)
			case fmt.Sprint(got) != fmt.Sprint(tt.want) || de.ID != "enc-2026-000123" || de.Partial != nil:
				t.Errorf("%s, %s: %q, %v, partial %v", tt.name, name, de.ID, de.Problems, de.Partial != nil)
			}
		}
	}
}

// countValues counts the values below v as the limit does.
func countValues(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			n += 1 + countValues(x)
		}
	case []any:
		for _, x := range v {
			n += 1 + countValues(x)
		}
	}
	return n
}
