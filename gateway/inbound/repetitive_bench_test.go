package inbound_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// repeats is how many times the 835 of BenchmarkApplyRepetitive835 repeats
// its CLP: as many as in issue 17's payer file.
const repeats = 204_281

// BenchmarkApplyRepetitive835 applies issue 17's payer file: a 60 MB 835
// whose one payment repeats one CLP 204,281 times. The first CLP pays its
// claim; every other one would pay it again, is refused, and is an
// exception. Two sub-benchmarks:
//
//   - read: the baseline in the same run, the least the processor does
//     with any payer file: read it back from the ledger and split it into
//     segments with the x12 Reader. apply cannot take less.
//   - apply: the inbound stage's Process on the archived file (archiving
//     it is not timed), on an SQLite ledger holding the claim.
//
// Each reports what the work took on top of the benchmark's own data (the
// file, 60 MB, its copies, the harness), at its peak: peak-MB, the memory
// the Go runtime held from the system (mapped, not released) beyond what
// it held when the work began, having returned all it could, and rss-MB,
// the process's resident set beyond what it was, SQLite's own memory
// included. apply reports the exceptions it opened too. Each iteration of apply pays a claim of its own, 10 at most:
//
//	go test ./gateway/inbound -run XXX -bench ApplyRepetitive835 -benchtime 1x
func BenchmarkApplyRepetitive835(b *testing.B) {
	gen, clp := repetitive835(b, repeats)
	l, path := ledgertest.SQLiteFile(b)
	const sets = 10
	seedSubmitted(b, path, []*remit.Claim{clp}, sets, sets)
	h := gatewaytest.New(b, l)
	b.Run("read", func(b *testing.B) {
		sha := h.Archive("read.835", "835", string(gen))
		b.SetBytes(int64(len(gen)))
		debug.FreeOSMemory()
		peak := watchMemory()
		for b.Loop() {
			in, err := h.Ledger.InboundContent(h.Ctx, sha)
			if err != nil {
				b.Fatal(err)
			}
			r := x12.NewReader(bytes.NewReader(in.Content))
			for {
				if _, err := r.Read(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
		goMB, rssMB := peak()
		b.ReportMetric(goMB, "peak-MB")
		b.ReportMetric(rssMB, "rss-MB")
	})
	b.Run("apply", func(b *testing.B) {
		set := 0
		var peakMB, rssMB float64
		for b.Loop() {
			if set == sets {
				b.Fatalf("the ledger holds claims for %d iterations", sets)
			}
			b.StopTimer()
			data := bytes.ReplaceAll(gen, []byte("PCN"), fmt.Appendf(nil, "P%02d", set))
			data = bytes.ReplaceAll(data, []byte("EFT"), fmt.Appendf(nil, "E%02d", set))
			sha := h.Archive(fmt.Sprintf("repetitive%d.835", set), "835", string(data))
			before := h.Exceptions()
			data = nil
			debug.FreeOSMemory()
			b.StartTimer()
			peak := watchMemory()
			if err := h.Inbound.Process(h.Ctx, &queue.Message{Data: []byte(sha), Deliveries: 1, Published: gatewaytest.Now.Add(-h.Options.OrderWait)}); err != nil {
				b.Fatal(err)
			}
			goMB, rss := peak()
			peakMB, rssMB = max(peakMB, goMB), max(rssMB, rss)
			b.StopTimer()
			id := fmt.Sprintf("C%02d%08d", set, 1)
			if n, net := h.PaidOn(id); n != 1 || net != clp.Paid {
				b.Fatalf("claim %s after the 835: %d payments, %s", id, n, net)
			}
			b.ReportMetric(float64(h.Exceptions()-before), "exceptions")
			set++
			b.StartTimer()
		}
		b.ReportMetric(peakMB, "peak-MB")
		b.ReportMetric(rssMB, "rss-MB")
		b.ReportMetric(float64(set*repeats)/b.Elapsed().Seconds(), "CLP/s")
	})
}

// repetitive835 is issue 17's payer file with n CLPs: one interchange of
// one 835 payment whose CLPs are all one CLP of 292 bytes (one service
// line, the patient and rendering provider, dates, adjustments, a
// remark), BPR02 n times its payment, so that the payment balances; and
// that CLP. The envelope and the payment's header are x12test.Remittance's.
func repetitive835(tb testing.TB, n int) ([]byte, *remit.Claim) {
	tb.Helper()
	var one bytes.Buffer
	if err := x12test.Remittance(&one, x12.DefaultDelimiters, 1, 7); err != nil {
		tb.Fatal(err)
	}
	segs := strings.Split(strings.TrimSuffix(one.String(), "~"), "~")
	index := func(id string) int {
		return slices.IndexFunc(segs, func(s string) bool { return strings.HasPrefix(s, id+"*") })
	}
	st, first, se := index("ST"), index("CLP"), index("SE")
	clp := []string{"CLP*PCN00000001*1*150*95.5*34.5*12*PAY0000000001*11*1", "NM1*QC*1*GARCIA*MARIA****MI*XJH123456789",
		"NM1*82*1*RIVERA*ANA****XX*1497758544", "DTM*232*20261102", "DTM*233*20261102", "AMT*AU*130",
		"SVC*HC:99214:25*150*95.5**1", "DTM*472*20261102", "CAS*CO*45*20", "CAS*PR*2*34.5", "REF*6R*PCN00000001-1", "AMT*B6*130", "LQ*HE*N130"}
	body := strings.Join(clp, "~") + "~"
	build := func(n int) []byte {
		var out bytes.Buffer
		out.Grow(len(body)*n + one.Len())
		for _, s := range segs[:first] {
			if bpr, ok := strings.CutPrefix(s, "BPR*"); ok {
				els := strings.Split(bpr, "*")
				els[1] = (9550 * money.Cents(n)).X12()
				s = "BPR*" + strings.Join(els, "*")
			}
			out.WriteString(s + "~")
		}
		for range n {
			out.WriteString(body)
		}
		fmt.Fprintf(&out, "SE*%d*%s~", first-st+1+n*len(clp), strings.Split(segs[se], "*")[2])
		out.WriteString(strings.Join(segs[se+1:], "~") + "~")
		return out.Bytes()
	}
	rems, errs, err := remit.Decode(bytes.NewReader(build(1)))
	if err != nil || len(errs) > 0 || len(rems) != 1 || len(rems[0].Claims) != 1 {
		tb.Fatal(errs, err)
	}
	return build(n), rems[0].Claims[0]
}

// watchMemory measures the memory something takes, until the function it
// returns is called, which returns the most it took beyond what was held
// at the start: of the Go runtime (what it holds from the system, mapped
// less released, sampled every 10 ms), and of the process's resident set,
// which counts SQLite's own memory too (its peak, Linux's VmHWM, is reset
// at the start; 0 where it cannot be).
func watchMemory() (peak func() (goMB, rssMB float64)) {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	held := func() uint64 {
		metrics.Read(samples)
		return samples[0].Value.Uint64() - samples[1].Value.Uint64()
	}
	rss := func(field string) uint64 {
		b, _ := os.ReadFile("/proc/self/status")
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				return kb << 10
			}
		}
		return 0
	}
	reset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	startRSS := rss("VmRSS")
	start := held()
	most := start
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				most = max(most, held())
			}
		}
	}()
	return func() (float64, float64) {
		close(stop)
		<-done
		goMB := float64(max(most, held())-start) / 1e6
		if !reset {
			return goMB, 0
		}
		return goMB, float64(rss("VmHWM")-startRSS) / 1e6
	}
}
