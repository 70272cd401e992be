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
}
