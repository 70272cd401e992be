package config

import (
	"testing"
	"time"
)

func TestCheckFileName(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		ok      bool
	}{
		{DefaultFileName, true},
		{"{payer}_{usage}_{isa13}_{date}{time}.x12", true},
		{"{isa13}", true},
		{"", false},
		{"{payer}_{date}.837", false},  // no {isa13}
		{"{isa13}_{yyyy}.837", false},  // unknown placeholder
		{"{isa13}_{date.837", false},   // unclosed
		{"{isa13}_date}.837", false},   // stray }
		{"out/{isa13}.837", false},     // directory
		{".{isa13}.837", false},        // hidden
		{"{isa13} {date}.837", false},  // space
		{"{isa13}_{PAYER}.837", false}, // names are lower case
		{"{isa13}" + string(make([]byte, 200)), false},
	} {
		if err := CheckFileName(tc.pattern); (err == nil) != tc.ok {
			t.Errorf("CheckFileName(%q) = %v, want ok=%v", tc.pattern, err, tc.ok)
		}
	}
}

func TestRenderFileName(t *testing.T) {
	// 23:30 on Dec 31 in New York is Jan 1 in UTC.
	ny := time.FixedZone("EST", -5*3600)
	v := NameValues{PayerID: "60054", ISA13: 1234, Usage: "P", Time: time.Date(2026, 12, 31, 23, 30, 5, 0, ny)}
	for _, tc := range []struct {
		pattern string
		v       NameValues
		want    string
		ok      bool
	}{
		{DefaultFileName, v, "60054_000001234_20270101.837", true},
		{"{payer}-{usage}-{isa13}-{date}T{time}.x12", v, "60054-P-000001234-20270101T043005.x12", true},
		{"{isa13}", NameValues{ISA13: 999999999}, "999999999", true},
		{"{isa13}", NameValues{ISA13: 1000000000}, "", false},
		{"{isa13}", NameValues{ISA13: -1}, "", false},
		{"{payer}_{isa13}", NameValues{PayerID: "../x"}, "", false},
		{"{payer}_{isa13}", NameValues{}, "", false},
		{"{usage}{isa13}", NameValues{Usage: "X"}, "", false},
		{"{date}", v, "", false},
	} {
		got, err := RenderFileName(tc.pattern, tc.v)
		if (err == nil) != tc.ok || tc.ok && got != tc.want {
			t.Errorf("RenderFileName(%q, %+v) = %q, %v; want %q", tc.pattern, tc.v, got, err, tc.want)
		}
		again, _ := RenderFileName(tc.pattern, tc.v)
		if again != got {
			t.Errorf("RenderFileName(%q) not deterministic: %q then %q", tc.pattern, got, again)
		}
	}
}
