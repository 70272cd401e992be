package ledger_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

const mueTable = `"HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"
"J1100","10","1 Line Edit","Prescribing Information"
`

func TestImportCodeSets(t *testing.T) {
	icd, err := os.ReadFile(testutil.Shared(t, "codesets", "icd10cm-code-descriptions-2025.zip"))
	if err != nil {
		t.Fatal(err)
	}
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		stamp0, err := l.CodeSetStamp(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f, outcome, err := l.ImportCodeSet(ctx, "icd10cm-code-descriptions-2025.zip", "", icd)
		if err != nil || outcome != ledger.CodeSetAdded {
			t.Fatalf("import: %v, %s", err, outcome)
		}
		if f.Name != "ICD-10-CM FY2025" || f.From != "2024-10-01" || f.To != "2025-09-30" || f.Codes != 97584 {
			t.Errorf("imported %+v", f)
		}
		// The same file again changes nothing.
		if _, outcome, err := l.ImportCodeSet(ctx, "icd10cm-code-descriptions-2025.zip", "", icd); err != nil || outcome != ledger.CodeSetUnchanged {
			t.Fatalf("again: %v, %s", err, outcome)
		}
		stamp1, _ := l.CodeSetStamp(ctx)
		if stamp1 == stamp0 {
			t.Error("the stamp did not change with an import")
		}
		// Another MUE table of the same date replaces the one before.
		name := "MCR_MUE_PractitionerServices_Eff_01-01-2025.csv"
		if _, outcome, err := l.ImportCodeSet(ctx, name, "", []byte(mueTable)); err != nil || outcome != ledger.CodeSetAdded {
			t.Fatalf("mue: %v, %s", err, outcome)
		}
		if _, outcome, err := l.ImportCodeSet(ctx, name, "", []byte(strings.Replace(mueTable, `"10"`, `"12"`, 1))); err != nil || outcome != ledger.CodeSetReplaced {
			t.Fatalf("mue again: %v, %s", err, outcome)
		}
		// A file that is not what its name says is refused with its line,
		// and nothing of it is stored.
		_, _, err = l.ImportCodeSet(ctx, "MCR_MUE_DMESupplierServices_Eff_04-01-2025.csv", "", []byte(mueTable+"\"E0100\",\"two\",\"1 Line Edit\",\"x\"\n"))
		if err == nil || !strings.Contains(err.Error(), "line 3") {
			t.Errorf("a bad MUE value: %v", err)
		}
		files, err := l.CodeSetFiles(ctx)
		if err != nil || len(files) != 2 {
			t.Fatalf("files %+v, %v", files, err)
		}
		b, stamp, err := l.CodeSets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if stamp2, _ := l.CodeSetStamp(ctx); stamp != stamp2 || stamp == stamp1 {
			t.Errorf("stamps %s, %s, %s", stamp1, stamp, stamp2)
		}
		dos, _ := codeset.ParseDate("2025-02-03")
		if d := b.Diagnosis("E11.9", dos); !d.Found || !d.Billable || d.Set.Name != "ICD-10-CM FY2025" {
			t.Errorf("E11.9: %+v", d)
		}
		if m, ok := b.MUE(codeset.KindMUEPractitioner, "J1100", dos); !ok || m.Value != 12 {
			t.Errorf("the replacing MUE table is not the one loaded: %+v %v", m, ok)
		}
	})
}
