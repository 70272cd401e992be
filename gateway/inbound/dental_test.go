package inbound_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// Dental claims (837D) are matched as the others are: a 999 by the group
// and set they went in (their own group, X224A2, beside the 837P's), a
// 277CA by the patient control number, an 835 by CLP01 and its SVCs
// (SVC01 AD with the CDT code) to the claim lines by REF*6R, or by
// procedure (AD:code), charge and date without it.
func TestDentalClaimMatching(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		f := h.Submit(gatewaytest.DentalEncounterJSON("DENTA", 6000, 19000, 6000, 95000), gatewaytest.EncounterJSON("MEDA", 10000),
			gatewaytest.DentalEncounterJSON("DENTB", 6000, 19000))
		sets := map[string]ledger.FileClaim{}
		for _, fc := range f.Claims {
			sets[fc.ClaimID] = fc
		}
		dent, med := sets["DENTA"], sets["MEDA"]
		if dent.GS06 == med.GS06 || sets["DENTB"].GS06 != dent.GS06 {
			t.Fatalf("the 837D claims are not in a group of their own: %+v", f.Claims)
		}

		// The 999 of the dental group acknowledges its claims alone.
		h.Apply("999", gatewaytest.Interchange("FA", "005010X231A1", "999", []string{
			fmt.Sprintf("AK1*HC*%d*005010X224A2", dent.GS06), fmt.Sprintf("AK2*837*%04d*005010X224A2", dent.ST02), "IK5*A", "AK9*A*1*1*1"}))
		for id, want := range map[string]ledger.Status{"DENTA": ledger.StatusAcknowledged, "DENTB": ledger.StatusAcknowledged, "MEDA": ledger.StatusSubmitted} {
			if got := h.Status(id); got != want {
				t.Errorf("%s after the dental 999: %s, want %s", id, got, want)
			}
		}

		// The 277CA accepts DENTA and rejects DENTB.
		h.Apply("277CA", gatewaytest.Interchange("HN", "005010X214", "277", []string{
			"BHT*0085*08*X1*20261123*1200*TH", "HL*1**20*1", "NM1*PR*2*SIM HEALTH PLAN*****PI*SIMPAYER", "TRN*1*X1",
			"DTP*050*D8*20261123", "DTP*009*D8*20261123", "HL*2*1*21*1", "NM1*41*2*CLAIMSGW*****46*CLAIMSGW", "TRN*2*1",
			"HL*3*2*19*1", "NM1*85*2*LAKESIDE DENTAL GROUP*****XX*1234567893", "TRN*1*P1",
			"HL*4*3*PT", "NM1*QC*1*DOE*JANE****MI*DNT55500123", "TRN*2*DENTA", "STC*A2:20:PR*20261123*WQ*1260", "REF*1K*PAYDA", "DTP*472*D8*20261102",
			"HL*5*3*PT", "NM1*QC*1*DOE*JANE****MI*DNT55500123", "TRN*2*DENTB", "STC*A7:164:IL*20261123*U*250", "DTP*472*D8*20261102"}))
		if got := h.Status("DENTA"); got != ledger.StatusAccepted {
			t.Errorf("DENTA after the 277CA: %s", got)
		}
		if got := h.Status("DENTB"); got != ledger.StatusRejected {
			t.Errorf("DENTB after the 277CA: %s", got)
		}

		// The 835 pays DENTA's lines: three by REF*6R, the cleaning by its
		// procedure, charge and date.
		h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTD1", "", [][]string{
			{"CLP*DENTA*1*1260*948*20*12*PAYDA*11*1", "NM1*QC*1*DOE*JANE****MI*DNT55500123",
				"SVC*AD:D0120*60*28**1", "DTM*472*20261102", "CAS*CO*45*12", "CAS*PR*3*20", "REF*6R*DENTA-1",
				"SVC*AD:D2392*190*152**1", "DTM*472*20261102", "CAS*CO*45*38", "REF*6R*DENTA-2",
				"SVC*AD:D1110*60*48**1", "DTM*472*20261102", "CAS*CO*45*12",
				"SVC*AD:D2750*950*720**1", "DTM*472*20261102", "CAS*CO*45*230", "REF*6R*DENTA-4"},
		})))
		if got := h.Status("DENTA"); got != ledger.StatusPaid {
			t.Errorf("DENTA after the 835: %s", got)
		}
		if n := h.Exceptions(); n != 0 {
			t.Errorf("%d exceptions", n)
		}
		ps, err := l.Payments(h.Ctx, "DENTA")
		if err != nil || len(ps) != 1 || ps[0].Paid != 94800 {
			t.Fatalf("DENTA payments %+v, %v", ps, err)
		}
		lines := map[int]string{}
		for _, a := range ps[0].Adjustments {
			lines[a.LineNo] += a.Group + "-" + a.Reason + " "
		}
		if want := map[int]string{1: "CO-45 PR-3 ", 2: "CO-45 ", 3: "CO-45 ", 4: "CO-45 "}; fmt.Sprint(lines) != fmt.Sprint(want) {
			t.Errorf("adjustments by claim line %v, want %v", lines, want)
		}
	})
}

// Dental claims through the payer simulator: its 999, 277CA and 835s for
// a file of 837D claims settle every one of them, and match each CLP and
// SVC (SVC*AD) to its claim and line.
func TestDentalClaimsWithTheSimulator(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		var encs [][]byte
		var ids []string
		for i := range 12 {
			id := fmt.Sprintf("DSIM%02d", i+1)
			ids = append(ids, id)
			encs = append(encs, gatewaytest.DentalEncounterJSON(id, 6000, 19000, 6000, 95000))
		}
		f := h.Submit(encs...)
		sim := simPayer()
		as, err := sim.Answer(f.Name, f.Content)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			h.Apply(a.Kind, string(a.Data))
		}
		paid := 0
		for _, id := range ids {
			if st := h.Status(id); !st.Settled() {
				t.Errorf("%s: %s, not settled", id, st)
			}
			ps, err := l.Payments(h.Ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if p.Paid > 0 {
					paid++
				}
				for _, a := range p.Adjustments {
					if a.LineNo < 1 || a.LineNo > 4 {
						t.Errorf("%s: an adjustment on line %d: an SVC matched no claim line", id, a.LineNo)
					}
				}
			}
		}
		if n := h.Exceptions(); n != 0 {
			t.Errorf("%d exceptions", n)
		}
		if paid == 0 {
			t.Error("the simulator paid no dental claim")
		}
	})
}

// A predetermination of benefits, answered by the simulator with CLP02 25
// (an estimate, nothing paid), leaves its claim predetermined: settled,
// owed nothing, and not a denial. Before, it was denied ("CLP02 25").
func TestPredeterminationWithTheSimulator(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		enc := strings.NewReplacer(`, "service_date": "2026-11-02"`, ``, `"place_of_service": "11"`, `"place_of_service": "11", "predetermination": true`).
			Replace(string(gatewaytest.DentalEncounterJSON("DPRE01", 6000, 95000)))
		f := h.Submit([]byte(enc))
		as, err := simPayer().Answer(f.Name, f.Content)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			h.Apply(a.Kind, string(a.Data))
		}
		if st := h.Status("DPRE01"); st != ledger.StatusPredetermined || !st.Settled() {
			t.Errorf("the predetermination is %s, want predetermined", st)
		}
		ps, err := l.Payments(h.Ctx, "DPRE01")
		if err != nil || len(ps) != 1 || ps[0].Paid != 0 {
			t.Errorf("payments %+v %v: want the one estimate, paid nothing", ps, err)
		}
		if n := h.Exceptions(); n != 0 {
			t.Errorf("%d exceptions", n)
		}
		if rows, err := l.Denials(h.Ctx, ledger.ReportFilter{}); err != nil || len(rows) != 0 {
			t.Errorf("denials %+v %v: an estimate denies nothing", rows, err)
		}
	})
}
