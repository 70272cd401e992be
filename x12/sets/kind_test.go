package sets

import "testing"

func TestKind(t *testing.T) {
	isa := "ISA*00*          *00*          *ZZ*SIMPAYER       *ZZ*CLAIMSGW       *261123*1200*^*00501*000000777*0*T*:~"
	for _, tt := range []struct{ name, data, want string }{
		{"835", isa + "GS*HP*S*C*20261123*1200*1*X*005010X221A1~ST*835*0001~", "835"},
		{"999", isa + "GS*FA*S*C*20261123*1200*1*X*005010X231A1~ST*999*0001*005010X231A1~", "999"},
		{"997", isa + "GS*FA*S*C*20261123*1200*1*X*004010~ST*997*0001~", "997"},
		{"277CA", isa + "GS*HN*S*C*20261123*1200*1*X*005010X214~ST*277*0001*005010X214~", "277CA"},
		{"277", isa + "GS*HN*S*C*20261123*1200*1*X*005010X212~ST*277*0001*005010X212~", "277"},
		{"TA1 alone", isa + "TA1*000000001*261123*1200*R*025~IEA*0*000000777~", "TA1"},
		{"another set", isa + "GS*HC*S*C*20261123*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~", "unknown"},
		{"not X12", "this is not an X12 file", "unknown"},
		{"empty", "", "unknown"},
	} {
		if got := Kind([]byte(tt.data)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
