package codeset

import "testing"

func TestThousandthsAndNCCIModifiers(t *testing.T) {
	for in, want := range map[string]int64{"1": 1000, "1.5": 1500, "0.25": 250, "2.0005": 2000, "10.": 10000, "": 0} {
		if got := Thousandths(in); got != want {
			t.Errorf("Thousandths(%q) = %d, want %d", in, got, want)
		}
	}
	if !NCCIModifier("GT", "59") || !NCCIModifier("XS") || NCCIModifier("GT", "26") || NCCIModifier() {
		t.Error("NCCI-associated modifiers: 59 and XS are, GT and 26 are not")
	}
	for _, tt := range []struct {
		ind          byte
		mods1, mods2 []string
		denies       bool
	}{{'0', []string{"59"}, nil, true}, {'1', nil, nil, true}, {'1', []string{"25"}, nil, false}, {'1', nil, []string{"XS"}, false}, {'9', nil, nil, false}} {
		if got := (PTPEdit{Modifier: tt.ind}).Denies(tt.mods1, tt.mods2); got != tt.denies {
			t.Errorf("indicator %c with %v and %v: denies %v, want %v", tt.ind, tt.mods1, tt.mods2, got, tt.denies)
		}
	}
}
