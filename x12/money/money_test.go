package money

import (
	"encoding/json"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Cents
		ok   bool
	}{
		{"185", 18500, true}, {"185.5", 18550, true}, {"185.00", 18500, true}, {"-5.00", -500, true},
		{".50", 50, true}, {"0.05", 5, true}, {"+1", 100, true}, {"12.", 1200, true},
		{"", 0, false}, {"-", 0, false}, {".", 0, false}, {"1.234", 0, false}, {"1e3", 0, false},
		{"1,000", 0, false}, {" 1", 0, false}, {"1.2.3", 0, false}, {"99999999999999999999", 0, false},
	} {
		got, err := Parse(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Parse(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		c          Cents
		fixed, x12 string
	}{
		{18500, "185.00", "185"}, {18550, "185.50", "185.5"}, {5, "0.05", "0.05"}, {-500, "-5.00", "-5"},
		{0, "0.00", "0"}, {-1, "-0.01", "-0.01"}, {12345, "123.45", "123.45"},
	} {
		if got := tc.c.String(); got != tc.fixed {
			t.Errorf("%d.String() = %q, want %q", tc.c, got, tc.fixed)
		}
		if got := tc.c.X12(); got != tc.x12 {
			t.Errorf("%d.X12() = %q, want %q", tc.c, got, tc.x12)
		}
		back, err := Parse(tc.c.X12())
		if err != nil || back != tc.c {
			t.Errorf("Parse(%q) = %d, %v; want %d", tc.c.X12(), back, err, tc.c)
		}
	}
}

func TestJSON(t *testing.T) {
	var v struct{ A Cents }
	if err := json.Unmarshal([]byte(`{"A":"80.1"}`), &v); err != nil || v.A != 8010 {
		t.Fatalf("got %d, %v", v.A, err)
	}
	if err := json.Unmarshal([]byte(`{"A":80.1}`), &v); err == nil {
		t.Fatal("a JSON number was accepted as money")
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"A":"80.10"}` {
		t.Fatalf("marshal: %s", b)
	}
}
