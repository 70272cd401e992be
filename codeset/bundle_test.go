package codeset_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/claimsgw/claimsgw/codeset"
)

func TestNothingLoaded(t *testing.T) {
	for name, b := range map[string]*codeset.Bundle{"nil": nil, "empty": codeset.NewBundle(nil), "nil sets": codeset.NewBundle([]*codeset.Set{nil})} {
		if d := b.Diagnosis("E11.9", 20250101); d != (codeset.Diagnosis{}) {
			t.Errorf("%s: Diagnosis %+v", name, d)
		}
		if p := b.Procedure("J1100", 20250101); p != (codeset.Procedure{}) {
			t.Errorf("%s: Procedure %+v", name, p)
		}
		if p := b.Procedure("10001", 20250101); p != (codeset.Procedure{}) {
			t.Errorf("%s: Procedure %+v", name, p)
		}
		if s, ok := b.Modifier("LT", 20250101); s != nil || ok {
			t.Errorf("%s: Modifier", name)
		}
		if _, ok := b.PTP(codeset.KindPTPPractitioner, "G0101", "G0102", 20250101); ok {
			t.Errorf("%s: PTP", name)
		}
		if _, ok := b.MUE(codeset.KindMUEPractitioner, "G0101", 20250101); ok {
			t.Errorf("%s: MUE", name)
		}
		if got := b.BillableUnder(nil, "E11", 5, nil); got != nil {
			t.Errorf("%s: BillableUnder %v", name, got)
		}
		for _, k := range codeset.Kinds {
			if b.Has(k) {
				t.Errorf("%s: Has(%s)", name, k)
			}
		}
		if len(b.Sets()) != 0 {
			t.Errorf("%s: Sets %v", name, b.Sets())
		}
	}
	var s *codeset.Set
	if s.MemoryBytes() != 0 {
		t.Error("a nil set holds memory")
	}
}

// Of sets with the same kind, version and part, the last given wins.
func TestNewBundleLastWins(t *testing.T) {
	name := "MCR_MUE_PractitionerServices_Eff_01-01-2025.csv"
	first := parse(t, name, "", mueCSV(`G0101,1,2 Date of Service Edit: Policy,x`))
	second := parse(t, name, "", mueCSV(`G0101,2,2 Date of Service Edit: Policy,x`))
	b := codeset.NewBundle([]*codeset.Set{first, second})
	if m, ok := b.MUE(codeset.KindMUEPractitioner, "G0101", 20250101); !ok || m.Set != second || m.Value != 2 {
		t.Errorf("MUE %+v %v, want the second's", m, ok)
	}
	if sets := b.Sets(); len(sets) != 1 || sets[0] != second {
		t.Errorf("Sets %v", sets)
	}
	b = codeset.NewBundle([]*codeset.Set{second, first})
	if m, _ := b.MUE(codeset.KindMUEPractitioner, "G0101", 20250101); m.Set != first {
		t.Errorf("reversed: %+v", m)
	}

	p1 := parse(t, "ccipra-v311r0-f1.txt", "", []byte(ptpHeader+"G0101\tG0102\t\t20040101\t*\t1\tx\r\n"))
	p2 := parse(t, "ccipra-v311r0-f1.txt", "", []byte(ptpHeader+"G0101\tG0102\t\t20040101\t*\t0\tx\r\n"))
	if e, _ := codeset.NewBundle([]*codeset.Set{p1, p2}).PTP(codeset.KindPTPPractitioner, "G0101", "G0102", 20250101); e.Set != p2 || e.Modifier != '0' {
		t.Errorf("PTP %+v, want the second's", e)
	}

	// Of lists, the newest is the last given.
	l1 := parse(t, "cpt-a.txt", "", []byte("10001\n"))
	l2 := parse(t, "cpt-b.txt", "", []byte("10002\n"))
	b = codeset.NewBundle([]*codeset.Set{l1, l2})
	if p := b.Procedure("10001", 20250101); p.Set != l2 || p.Found {
		t.Errorf("lists: %+v, want the last given's", p)
	}
	if !b.Has(codeset.KindCPT) || b.Has(codeset.KindCDT) || len(b.Sets()) != 2 {
		t.Errorf("Has/Sets")
	}
}

func TestSetsOrder(t *testing.T) {
	mue := parse(t, "MCR_MUE_DMESupplierServices_Eff_01-01-2025.csv", "", mueCSV(`A4466,8,1 Line Edit,x`))
	mueOld := parse(t, "MCR_MUE_DMESupplierServices_Eff_10-01-2024.csv", "", mueCSV(`A4466,8,1 Line Edit,x`))
	ptp := parse(t, "ccipra-v311r0-f1.txt", "", []byte(ptpHeader+ptpRows))
	cdt := parse(t, "cdt.txt", "", []byte("D0001\n"))
	cpt := parse(t, "cpt.txt", "", []byte("10001\n"))
	b := codeset.NewBundle([]*codeset.Set{mue, ptp, cdt, mueOld, cpt})
	if got, want := b.Sets(), []*codeset.Set{cpt, cdt, ptp, mueOld, mue}; !slices.Equal(got, want) {
		t.Errorf("Sets not in Kinds order, then From")
	}
	b.Sets()[0] = nil // a copy
	if b.Sets()[0] != cpt {
		t.Error("Sets gave the bundle's own slice")
	}
}

// lookupBundle is every kind of set, from the tests' own files (and the
// shared zips when present).
func lookupBundle(t testing.TB) *codeset.Bundle {
	sets := []*codeset.Set{
		parse(t, "ccipra-v311r0-f1.txt", "", []byte(ptpHeader+ptpRows)),
		parse(t, "MCR_MUE_PractitionerServices_Eff_01-01-2025.csv", "", mueCSV(mueRows...)),
		parse(t, "cpt.txt", "", []byte(cptList)),
		parse(t, "cdt.txt", "", []byte("D0001\n")),
		parse(t, icdZipName, "", shared(t, icdZipName)),
		parse(t, hcpcsZipName, "", shared(t, hcpcsZipName)),
	}
	return codeset.NewBundle(sets)
}

func TestLookupsAllocateNothing(t *testing.T) {
	b := lookupBundle(t)
	icd := b.Diagnosis("E11.9", 20250101).Set
	dst := make([]string, 0, 5)
	k := codeset.KindPTPPractitioner
	for name, f := range map[string]func(){
		"Diagnosis dotted":   func() { b.Diagnosis("E11.65", 20250101) },
		"Diagnosis":          func() { b.Diagnosis("E1165", 20251201) },
		"Diagnosis unknown":  func() { b.Diagnosis("Q99.99", 20250101) },
		"BillableUnder":      func() { dst = b.BillableUnder(icd, "E11", 5, dst[:0]) },
		"Procedure HCPCS":    func() { b.Procedure("J0121", 20200601) },
		"Procedure CPT":      func() { b.Procedure("10001", 20200601) },
		"Procedure CDT":      func() { b.Procedure("D0001", 20200601) },
		"Modifier HCPCS":     func() { b.Modifier("LT", 20200601) },
		"Modifier CPT":       func() { b.Modifier("25", 20200601) },
		"PTP":                func() { b.PTP(k, "G0101", "J1100", 20250101) },
		"PTP none":           func() { b.PTP(k, "G0102", "G0101", 20250101) },
		"MUE":                func() { b.MUE(codeset.KindMUEPractitioner, "J1100", 20250101) },
		"Procedure lower":    func() { b.Procedure("j0121", 20200601) },
		"PTP lower":          func() { b.PTP(k, "g0101", "j1100", 20250101) },
		"Diagnosis lower":    func() { b.Diagnosis("e11.9", 20250101) },
		"Modifier lower":     func() { b.Modifier("lt", 20200601) },
		"Procedure no shape": func() { b.Procedure("J01", 20200601) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
	if len(dst) != 5 {
		t.Errorf("BillableUnder gave %v", dst)
	}
}

// A bundle answers from many goroutines at once (go test -race).
func TestBundleConcurrent(t *testing.T) {
	b := lookupBundle(t)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Go(func() {
			var dst []string
			for i := 0; i < 1000; i++ {
				d := b.Diagnosis("E11", 20250101)
				dst = b.BillableUnder(d.Set, "E11", 5, dst[:0])
				b.Procedure("A4466", 20200101)
				b.PTP(codeset.KindPTPPractitioner, "G0101", "J1100", 20250101)
				b.MUE(codeset.KindMUEPractitioner, "J1100", 20250101)
			}
		})
	}
	wg.Wait()
}
