package codeset_test

import (
	"archive/zip"
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/claimsgw/claimsgw/codeset"
)

// BenchmarkParseICD10CM parses CDC's FY2025 zip as shipped, beside the
// baseline of only unzipping its order file and counting its lines.
func BenchmarkParseICD10CM(b *testing.B) {
	zipData := shared(b, icdZipName)
	b.Run("baseline=unzip", func(b *testing.B) {
		b.SetBytes(int64(len(zipData)))
		for b.Loop() {
			if n := bytes.Count(unzipOrder(b, zipData), []byte{'\n'}); n != 97584 {
				b.Fatalf("%d lines", n)
			}
		}
	})
	b.Run("parse=zip", func(b *testing.B) {
		b.SetBytes(int64(len(zipData)))
		b.ReportAllocs()
		for b.Loop() {
			if s := parse(b, icdZipName, "", zipData); s.Codes != 97584 {
				b.Fatalf("%d rows", s.Codes)
			}
		}
	})
}

// unzipOrder reads the order file out of the zip as Parse does: into a
// buffer of its size, to the end (checking its CRC).
func unzipOrder(b *testing.B, zipData []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != icdOrderName {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			b.Fatal(err)
		}
		defer rc.Close()
		var buf bytes.Buffer
		buf.Grow(int(f.UncompressedSize64) + bytes.MinRead)
		if _, err := buf.ReadFrom(rc); err != nil {
			b.Fatal(err)
		}
		return buf.Bytes()
	}
	b.Fatal("no order file")
	return nil
}

// ptpPart writes part (0-3) of a generated PTP table of pairs edits in
// CMS's layout: made-up five-digit codes, column 1 codes split over four
// parts by range as CMS splits its table, 100 column 2 codes each.
func ptpPart(part, pairs int) []byte {
	const perCol1 = 100
	col1s := pairs / perCol1
	var buf []byte
	buf = append(buf, ptpHeader...)
	for i := part * col1s / 4; i < (part+1)*col1s/4; i++ {
		for j := 0; j < perCol1; j++ {
			buf = strconv.AppendInt(buf, int64(10000+i), 10)
			buf = append(buf, '\t')
			buf = strconv.AppendInt(buf, int64(10000+j*800+i%800), 10)
			buf = append(buf, '\t')
			if j%3 == 0 {
				buf = append(buf, '*')
			}
			buf = append(buf, '\t')
			buf = strconv.AppendInt(buf, int64(19960101+(i%25)*10000+j%12*100), 10)
			if j%10 == 9 {
				buf = append(buf, "\t20241231\t"...)
			} else {
				buf = append(buf, "\t*\t"...)
			}
			buf = append(buf, "019"[(i+j)%3])
			buf = append(buf, "\tMisuse of column two code with column one code\r\n"...)
		}
	}
	return buf
}

// mueTable writes a generated MUE table of n codes in CMS's layout.
func mueTable(n int) []byte {
	rows := make([]string, 0, n)
	for i := 0; i < n; i++ {
		ind := []string{"1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit: Clinical"}[i%3]
		rows = append(rows, strconv.Itoa(10000+i)+","+strconv.Itoa(1+i%20)+`,"`+ind+`","Nature of Service/Procedure"`)
	}
	return mueCSV(rows...)
}

const benchPairs = 2_000_000

// loadAll loads what a production gateway holds: two ICD-10-CM years
// (FY2025, and the same file as FY2026), HCPCS 2020, a PTP table of pairs
// edits in four parts, and an MUE table; it returns the heap the sets hold
// (measured after GC, before and after) and the sum of their MemoryBytes.
// In a benchmark, only the parsing is timed.
func loadAll(tb testing.TB, pairs int) (heap, estimate int64) {
	icd := shared(tb, icdZipName)
	icd2 := icdSecondYear(tb, icd, "2026")
	hcpcs := shared(tb, hcpcsZipName)
	mue := mueTable(15000)
	bench, _ := tb.(*testing.B)
	pause := func(stop bool) {
		switch {
		case bench == nil:
		case stop:
			bench.StopTimer()
		default:
			bench.StartTimer()
		}
	}
	pause(true)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	pause(false)
	sets := []*codeset.Set{
		parse(tb, icdZipName, "", icd),
		parse(tb, "icd10cm-code-descriptions-2026.zip", "", icd2),
		parse(tb, hcpcsZipName, "", hcpcs),
		parse(tb, "MCR_MUE_PractitionerServices_Eff_01-01-2025.csv", "", mue),
	}
	for part := 0; part < 4; part++ {
		pause(true)
		text := ptpPart(part, pairs)
		pause(false)
		sets = append(sets, parse(tb, "ccipra-v311r0-f"+strconv.Itoa(part+1)+".txt", "", text))
	}
	bundle := codeset.NewBundle(sets)
	pause(true)
	sets = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := 0
	for _, s := range bundle.Sets() {
		estimate += s.MemoryBytes()
		n += s.Codes
	}
	if e, ok := bundle.PTP(codeset.KindPTPPractitioner, "10001", "11601", 20250101); !ok || e.Modifier != '0' {
		tb.Fatalf("generated PTP edit: %+v %v", e, ok)
	}
	// The inputs were there before; they count neither way.
	runtime.KeepAlive(bundle)
	runtime.KeepAlive([][]byte{icd, icd2, hcpcs, mue})
	pause(false)
	return int64(after.HeapAlloc) - int64(before.HeapAlloc), estimate
}

// checkMemory fails when the sets hold more than 300 MB, or MemoryBytes
// is off by more than half.
func checkMemory(tb testing.TB, heap, estimate int64) {
	tb.Helper()
	if heap > 300<<20 {
		tb.Errorf("all sets hold %.1f MB of heap, want under 300 MB", float64(heap)/(1<<20))
	}
	if r := float64(heap) / float64(estimate); r > 1.5 || r < 1/1.5 {
		tb.Errorf("heap %.1f MB, MemoryBytes %.1f MB: more than a factor of 1.5 apart", float64(heap)/(1<<20), float64(estimate)/(1<<20))
	}
}

func BenchmarkLoadAll(b *testing.B) {
	var heap, estimate int64
	for b.Loop() {
		heap, estimate = loadAll(b, benchPairs)
	}
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
	b.ReportMetric(float64(estimate)/(1<<20), "MB-estimate")
	checkMemory(b, heap, estimate)
}

func TestLoadAllMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a 2,000,000-pair PTP table; skipped in -short")
	}
	heap, estimate := loadAll(t, benchPairs)
	t.Logf("all sets: %.1f MB of heap, MemoryBytes %.1f MB", float64(heap)/(1<<20), float64(estimate)/(1<<20))
	checkMemory(t, heap, estimate)
}

var (
	bigOnce   sync.Once
	bigBundle *codeset.Bundle
)

// big is lookupBundle with a 2,000,000-pair PTP table beside it.
func big(b *testing.B) *codeset.Bundle {
	bigOnce.Do(func() {
		sets := lookupBundle(b).Sets()
		for part := 0; part < 4; part++ {
			sets = append(sets, parse(b, "ccipra-v312r0-f"+strconv.Itoa(part+1)+".txt", "", ptpPart(part, benchPairs)))
		}
		sets = append(sets, parse(b, "MCR_MUE_PractitionerServices_Eff_01-01-2025.csv", "", mueTable(15000)))
		bigBundle = codeset.NewBundle(sets)
	})
	return bigBundle
}

func BenchmarkLookup(b *testing.B) {
	bundle := big(b)
	dos := codeset.Date(20250315)
	diagnoses := []string{"E11.9", "E1165", "E11", "I10", "Z00.00", "S72.001A", "Q99.99", "j45.909"}
	procedures := []string{"J0121", "A4466", "G0101", "10001", "0001T", "D0001", "E0100", "Z9999"}
	pairs := [][2]string{{"10001", "11601"}, {"14999", "89999"}, {"G0101", "J1100"}, {"10001", "10002"}}
	mues := []string{"10001", "14999", "J1100", "99999"}
	k := codeset.KindPTPPractitioner
	b.Run("Diagnosis", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			bundle.Diagnosis(diagnoses[i%len(diagnoses)], dos)
			i++
		}
	})
	b.Run("BillableUnder", func(b *testing.B) {
		b.ReportAllocs()
		set := bundle.Diagnosis("E11", dos).Set
		dst := make([]string, 0, 5)
		for b.Loop() {
			dst = bundle.BillableUnder(set, "E11", 5, dst[:0])
		}
	})
	b.Run("Procedure", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			bundle.Procedure(procedures[i%len(procedures)], 20200601)
			i++
		}
	})
	b.Run("Modifier", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		mods := []string{"LT", "RT", "GA", "25"}
		for b.Loop() {
			bundle.Modifier(mods[i%len(mods)], 20200601)
			i++
		}
	})
	b.Run("PTP", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			p := pairs[i%len(pairs)]
			bundle.PTP(k, p[0], p[1], dos)
			i++
		}
	})
	b.Run("MUE", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			bundle.MUE(codeset.KindMUEPractitioner, mues[i%len(mues)], dos)
			i++
		}
	})
}
