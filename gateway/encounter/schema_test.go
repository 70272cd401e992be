package encounter

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// schemaFile is the JSON Schema integrators get.
const schemaFile = "../../docs/encounter.schema.json"

// TestSchemaMatchesTypes walks the Go types and the schema side by side:
// every JSON name the decoder accepts is a property of the schema and the
// other way round, every object refuses other properties, and max tags
// agree with maxLength.
func TestSchemaMatchesTypes(t *testing.T) {
	b, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12", root["$schema"])
	}
	defs, _ := root["$defs"].(map[string]any)
	resolve := func(s map[string]any) map[string]any {
		for {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			s, _ = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
	}
	var compare func(path string, typ reflect.Type, s map[string]any)
	compare = func(path string, typ reflect.Type, s map[string]any) {
		s = resolve(s)
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			if typ.Kind() == reflect.Slice {
				items, _ := s["items"].(map[string]any)
				s = resolve(items)
			}
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct {
			return
		}
		if s["additionalProperties"] != false {
			t.Errorf("%s: the schema object allows additional properties", path)
		}
		props, _ := s["properties"].(map[string]any)
		fields := jsonFields(typ)
		var goNames, schemaNames []string
		for name := range fields {
			goNames = append(goNames, name)
		}
		for name := range props {
			schemaNames = append(schemaNames, name)
		}
		sort.Strings(goNames)
		sort.Strings(schemaNames)
		if !reflect.DeepEqual(goNames, schemaNames) {
			t.Errorf("%s: Go fields %v, schema properties %v", path, goNames, schemaNames)
		}
		for name, f := range fields {
			p, ok := props[name].(map[string]any)
			if !ok {
				continue
			}
			if max := f.Tag.Get("max"); max != "" {
				if want, _ := strconv.Atoi(max); resolve(p)["maxLength"] != float64(want) {
					t.Errorf("%s: max %s, schema maxLength %v", join(path, name), max, resolve(p)["maxLength"])
				}
			}
			compare(join(path, name), f.Type, p)
		}
	}
	compare("", reflect.TypeFor[Encounter](), root)
	// The id's limit is the contract's, checked apart from the text
	// fields (it is no X12 element).
	props, _ := root["properties"].(map[string]any)
	if id, _ := props["id"].(map[string]any); id["maxLength"] != float64(MaxIDLength) {
		t.Errorf("id: schema maxLength %v, want %d (MaxIDLength)", id["maxLength"], MaxIDLength)
	}
}
