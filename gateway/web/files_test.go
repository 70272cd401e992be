package web

import (
	"slices"
	"testing"
)

// A payer file's page shows its control numbers: each interchange's
// ISA13, each group's GS06 and each set's ST02.
func TestEnvelopesOf(t *testing.T) {
	const in = "ISA*00*          *00*          *ZZ*SIMPAYER       *ZZ*CLAIMSGW       *261202*1200*^*00501*000000777*0*T*:~" +
		"GS*FA*SIMPAYER*CLAIMSGW*20261202*1200*41*X*005010X231A1~ST*999*0001*005010X231A1~AK1*HC*1*005010X222A1~AK9*A*0*0*0~SE*4*0001~" +
		"ST*999*0002*005010X231A1~AK1*HC*2*005010X222A1~AK9*A*0*0*0~SE*4*0002~GE*2*41~IEA*1*000000777~"
	got := envelopesOf([]byte(in))
	if len(got) != 1 || got[0].ISA13 != "000000777" || len(got[0].Groups) != 1 || got[0].Groups[0].GS06 != "41" ||
		!slices.Equal(got[0].Groups[0].Sets, []string{"999 0001", "999 0002"}) {
		t.Errorf("envelopes: %+v", got)
	}
	if got := envelopesOf([]byte("not x12")); len(got) != 0 {
		t.Errorf("not X12: %+v", got)
	}
}
