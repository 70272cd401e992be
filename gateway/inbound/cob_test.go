package inbound_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/guide"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/x12test"
)

// Coordination of benefits after an 835: the claim to the next payer
// built (queued, or pending after a crossover) with the payer before's
// adjudication, answered by that payer, and stopped or voided when the
// adjudication it carries is reversed.

const (
	secondPayer = "SIMPAYER2"
	thirdPayer  = "SIMPAYER3"
)

// cobHarness is a harness with routes to SIMPAYER2 and SIMPAYER3 beside
// SIMPAYER's.
func cobHarness(t *testing.T, l *ledger.Ledger) *gatewaytest.Harness {
	t.Helper()
	cfg := gatewaytest.Config()
	for _, id := range []string{secondPayer, thirdPayer} {
		p := cfg.Payers[0]
		p.PayerID, p.Name, p.ISA.ReceiverID = id, id+" PLAN", id
		cfg.Payers = append(cfg.Payers, p)
	}
	return gatewaytest.NewWith(t, l, cfg)
}

// cobEncounter is EncounterJSON(id, 185.00, 50.00) with the other payers
// given: the first responsibility S, the second T.
func cobEncounter(id string, others ...string) []byte {
	raw := gatewaytest.EncounterJSON(id, 18500, 5000)
	if len(others) == 0 {
		return raw
	}
	var ops []string
	for i, p := range others {
		ops = append(ops, fmt.Sprintf(`{"payer_id": "%s", "name": "%s PLAN", "responsibility": "%s", "relationship": "01",
  "subscriber": {"member_id": "SEC%d9887766", "last_name": "DOE", "first_name": "MARY", "birth_date": "1982-05-09", "gender": "F",
    "group_number": "SG100", "claim_filing_indicator": "CI"}}`, p, p, "ST"[i:i+1], i+1))
	}
	return append(raw[:len(raw)-1:len(raw)-1], []byte(`, "other_payers": [`+strings.Join(ops, ",")+`]}`)...)
}

// cas is one adjustment of an SVC.
type cas struct {
	group, reason string
	amount        money.Cents
}

// cobLine is what a payer decided on one line of a cobEncounter claim.
type cobLine struct {
	paid money.Cents
	cas  []cas
}

var cobCharges = [2]money.Cents{18500, 5000}

// cobCLP is a CLP of a cobEncounter claim (235.00, lines 185.00 and
// 50.00): CLP02 code, CLP07 payerNo, each line's SVC paid and adjusted as
// given (CLP04 their sum, CLP05 their PR), sign -1 for a reversal of it;
// extra segments (NM1*TT) after NM1*QC.
func cobCLP(pcn, code, payerNo string, sign money.Cents, lines [2]cobLine, extra ...string) []string {
	var paid, patient money.Cents
	var svcs []string
	for i, l := range lines {
		paid += l.paid
		svcs = append(svcs, fmt.Sprintf("SVC*HC:%s*%s*%s**1", []string{"99214", "87804"}[i], sign*cobCharges[i], sign*l.paid), "DTM*472*20261102")
		for _, c := range l.cas {
			if c.group == "PR" {
				patient += c.amount
			}
			svcs = append(svcs, fmt.Sprintf("CAS*%s*%s*%s", c.group, c.reason, sign*c.amount))
		}
		svcs = append(svcs, fmt.Sprintf("REF*6R*%s-%d", pcn, i+1))
	}
	out := []string{fmt.Sprintf("CLP*%s*%s*%s*%s*%s*12*%s*11*1", pcn, code, sign*23500, sign*paid, sign*patient, payerNo), "NM1*QC*1*DOE*JOHN****MI*XJH123456789"}
	out = append(out, extra...)
	return append(out, svcs...)
}

// partly is the primary's usual decision: each line reduced (CO 45) and
// partly the patient's (PR 2, PR 3): 150.00 paid, 30.00 left to the
// patient.
var partly = [2]cobLine{
	{paid: 12000, cas: []cas{{"CO", "45", 4500}, {"PR", "2", 2000}}},
	{paid: 3000, cas: []cas{{"CO", "45", 1000}, {"PR", "3", 1000}}},
}

// remit835 is an 835 from payer of one payment (trace) of the CLPs.
func remit835(payer, trace string, clps ...[]string) string {
	data := gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance(trace, "", clps))
	if payer != gatewaytest.PayerID {
		data = strings.Replace(data, "*ZZ*SIMPAYER       *", fmt.Sprintf("*ZZ*%-15s*", payer), 1)
		data = strings.Replace(data, "GS*HP*SIMPAYER*", "GS*HP*"+payer+"*", 1)
	}
	return data
}

// applyFrom archives a payer file from payer and has the inbound stage
// process it, as Harness.Apply does for SIMPAYER's.
func applyFrom(t *testing.T, h *gatewaytest.Harness, payer, kind, content string) {
	t.Helper()
	if payer == gatewaytest.PayerID {
		h.Apply(kind, content)
		return
	}
	if err := deliverFrom(t, h, payer, kind, content, h.Options.OrderWait+time.Second); err != nil {
		t.Fatal(err)
	}
}

// deliverFrom archives a payer file from payer (once) and hands it to the
// inbound stage as the queue does when it has waited that long.
func deliverFrom(t *testing.T, h *gatewaytest.Harness, payer, kind, content string, waited time.Duration) error {
	t.Helper()
	sum := sha256.Sum256([]byte(content))
	sha := hex.EncodeToString(sum[:])
	if _, err := h.Ledger.RecordInbound(h.Ctx, ledger.InboundFile{SHA256: sha, PayerID: payer, Name: sha[:12] + "." + kind, Kind: kind, Content: []byte(content)}); err != nil {
		t.Fatal(err)
	}
	return h.Inbound.Process(h.Ctx, &queue.Message{Data: []byte(sha), Deliveries: 1, Published: gatewaytest.Now.Add(-waited)})
}

var errPeek = errors.New("peeked")

// queuedOf are the payer's queued claims as the batcher gets them (with
// their encounter and billing), nothing taken.
func queuedOf(t *testing.T, h *gatewaytest.Harness, payer string) map[string]ledger.Pending {
	t.Helper()
	out := map[string]ledger.Pending{}
	_, err := h.Ledger.CreateFile(h.Ctx, payer, 1000, func(_ ledger.Allocator, ps []ledger.Pending) (*ledger.File, error) {
		for _, p := range ps {
			out[p.ClaimID] = p
		}
		return nil, errPeek
	})
	if err != nil && !errors.Is(err, errPeek) && !errors.Is(err, ledger.ErrNothingQueued) {
		t.Fatal(err)
	}
	return out
}

// billingOf is the billing of a queued claim of payer.
func billingOf(t *testing.T, h *gatewaytest.Harness, payer, id string) (ledger.Pending, encounter.Billing) {
	t.Helper()
	p, ok := queuedOf(t, h, payer)[id]
	if !ok {
		t.Fatalf("claim %s is not queued for %s", id, payer)
	}
	var b encounter.Billing
	if err := json.Unmarshal([]byte(p.Billing), &b); err != nil {
		t.Fatalf("claim %s billing %q: %v", id, p.Billing, err)
	}
	return p, b
}

// sendTo batches payer's queued claims into a file, marked delivered,
// and returns it.
func sendTo(t *testing.T, h *gatewaytest.Harness, payer, id string) *ledger.File {
	t.Helper()
	if err := h.Batcher.Batch(h.Ctx, h.Options.Payer(payer), true); err != nil {
		t.Fatal(err)
	}
	c := cobClaim(t, h, id)
	if c == nil || c.FileID == "" {
		t.Fatalf("claim %s after the batch: %+v", id, c)
	}
	if _, err := h.Ledger.MarkDelivered(h.Ctx, c.FileID); err != nil {
		t.Fatal(err)
	}
	return h.File(c.FileID)
}

// cobClaim is a claim, nil when there is none.
func cobClaim(t *testing.T, h *gatewaytest.Harness, id string) *ledger.Claim {
	t.Helper()
	c, err := h.Ledger.Claim(h.Ctx, id)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// payerNames names a payer by its route, as the batcher does.
func payerNames(h *gatewaytest.Harness) func(id string) claim.Payer {
	return func(id string) claim.Payer {
		if p := h.Options.Payer(id); p != nil {
			return claim.Payer{Name: p.Name, ID: p.PayerID}
		}
		return claim.Payer{ID: id}
	}
}

// checkBalances checks an adjudication against the claim's lines to the
// cent: each line's charge is what it paid and its CAS; the claim's, the
// paid, the claim CAS and every line's CAS.
func checkBalances(t *testing.T, adj *claim.Adjudication, lines []ledger.Line, charge money.Cents) {
	t.Helper()
	total := adj.Paid
	for _, x := range adj.Adjustments {
		total += x.Amount
	}
	for _, la := range adj.Lines {
		sum := la.Paid
		for _, x := range la.Adjustments {
			sum += x.Amount
		}
		total += sum - la.Paid
		if la.Line < 1 || la.Line > len(lines) || lines[la.Line-1].Charge != sum {
			t.Errorf("2430 of line %d: paid %s + CAS = %s, not the line's charge", la.Line, la.Paid, sum)
		}
	}
	if total != charge {
		t.Errorf("paid %s + CAS = %s, not the claim's charge %s", adj.Paid, total, charge)
	}
}

// check837 writes the claim to the next payer as the batcher does (the
// stored encounter and billing), and checks its adjudications
// (Adjudication.Check) and the 837 against the guide engine; it returns
// the 837.
func check837(t *testing.T, h *gatewaytest.Harness, p ledger.Pending) []byte {
	t.Helper()
	c, err := encounter.StoredClaim(p.Encounter, p.Billing, payerNames(h))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range c.OtherPayers {
		if op.Adjudication != nil {
			if err := op.Adjudication.Check(&c); err != nil {
				t.Errorf("claim %s, payer %s's adjudication: %v", p.ClaimID, op.Payer.ID, err)
			}
		}
	}
	d := x12.DefaultDelimiters
	d.Suffix = "\n"
	var out bytes.Buffer
	b := claim.Batch{SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: c.Payer.ID, Usage: 'T', Delimiters: d,
		Time: gatewaytest.Now, InterchangeControlNumber: 9, GroupControlNumber: 9, TransactionControlNumber: 1, ReferenceID: "COB",
		Submitter: claim.Submitter{Name: "CLAIMSGW", ID: "CLAIMSGW", ContactName: "EDI", Phone: "8005550100"},
		Receiver:  claim.Receiver{Name: c.Payer.Name, ID: c.Payer.ID}}
	if _, err := claim.Write(&out, b, []claim.Claim{c}); err != nil {
		t.Fatalf("claim %s: %v", p.ClaimID, err)
	}
	guideOK(t, p.ClaimID, out.Bytes())
	return out.Bytes()
}

// guideOK checks an 837 against the guide engine.
func guideOK(t *testing.T, what string, data []byte) {
	t.Helper()
	only := func(setID, implementation, groupVersion string) (string, x12.Decoder) {
		return "", guide.For(setID, implementation, groupVersion)
	}
	f, err := x12.ReadFileWith(bytes.NewReader(data), only)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range f.Errors {
		t.Errorf("%s, the guide: %v", what, e)
	}
}

// A primary claim paid in part, the rest partly the patient's: the claim
// to the secondary is built, queued, with the primary's adjudication to
// the cent, and writes an 837 the guide takes; SIMPAYER2's 835 pays it.
func TestCOBSecondaryBuilt(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := cobHarness(t, l)
		h.Submit(cobEncounter("COB1", secondPayer))
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTCOB1", cobCLP("COB1", "1", "PAYP1", 1, partly)))
		if n := h.Exceptions(); n != 0 {
			t.Fatalf("%d exceptions", n)
		}
		prim := cobClaim(t, h, "COB1")
		if prim.Status != ledger.StatusPaid || len(prim.NextPayers) != 1 || prim.NextPayers[0] != secondPayer {
			t.Fatalf("the primary after its 835: %s, next payers %v", prim.Status, prim.NextPayers)
		}
		id := ledger.PayerClaimID("COB1", "S", 1)
		if id != "COB1~S" {
			t.Fatalf("PayerClaimID %s", id)
		}
		sec := cobClaim(t, h, id)
		if sec == nil {
			t.Fatal("no claim to the secondary")
		}
		if sec.PayerID != secondPayer || sec.Responsibility != "S" || sec.Status != ledger.StatusQueued || sec.PriorClaimID != "COB1" ||
			sec.PCN != prim.PCN || sec.Charge != prim.Charge || sec.EncounterID != "COB1" || len(sec.NextPayers) != 0 || sec.PayerClaimNumber != "" {
			t.Errorf("the claim to the secondary: %+v", sec)
		}
		if hist := mustHistory(t, l, "COB1"); hist[len(hist)-1].Reason != "claim COB1~S to the secondary payer "+secondPayer+": billed with this adjudication" {
			t.Errorf("the primary's history does not say where its balance went: %+v", hist[len(hist)-1])
		}
		pd, _ := l.ClaimDetail(h.Ctx, "COB1")
		sd, err := l.ClaimDetail(h.Ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(sd.Lines) != fmt.Sprint(pd.Lines) || len(sd.Lines) != 2 {
			t.Errorf("its lines %+v, the primary's %+v", sd.Lines, pd.Lines)
		}
		p, b := billingOf(t, h, secondPayer, id)
		adj := b.Prior["P"]
		if b.Responsibility != "S" || adj == nil || len(b.Prior) != 1 || b.Voids != "" {
			t.Fatalf("billing %s", p.Billing)
		}
		checkBalances(t, adj, sd.Lines, sd.Charge)
		if adj.Paid != 15000 || adj.RemainingPatientLiability == nil || *adj.RemainingPatientLiability != 3000 ||
			adj.Date != "2026-11-20" || adj.PayerClaimNumber != "PAYP1" || len(adj.Lines) != 2 || len(adj.Adjustments) != 0 {
			t.Errorf("the primary's adjudication: %s", p.Billing)
		}
		for i, la := range adj.Lines {
			if la.Line != i+1 || la.Paid != partly[i].paid || la.Date != "2026-11-20" || len(la.Adjustments) != 2 ||
				la.Adjustments[1].Group != "PR" || la.Adjustments[1].Amount != partly[i].cas[1].amount {
				t.Errorf("2430 of line %d: %+v", i+1, la)
			}
		}
		data := check837(t, h, p)
		for _, seg := range []string{"SBR*S*", "SBR*P*", "AMT*D*150~", "AMT*EAF*30~", "DTP*573*D8*20261120~", "REF*F8*PAYP1~", "SVD*SIMPAYER*120*HC:99214**1~",
			"NM1*PR*2*SIMPAYER2 PLAN*****PI*SIMPAYER2~"} {
			if !bytes.Contains(data, []byte(seg)) {
				t.Errorf("the 837 to the secondary has no %s", seg)
			}
		}
		t.Run("pyx12", func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "secondary.x12")
			if err := os.WriteFile(name, data, 0o600); err != nil {
				t.Fatal(err)
			}
			for f, errs := range x12test.Pyx12Errors(t, name) {
				t.Errorf("pyx12 finds errors in %s:\n  %s", filepath.Base(f), strings.Join(errs, "\n  "))
			}
		})

		// The batcher sends it to SIMPAYER2 in a file the guide takes.
		f := sendTo(t, h, secondPayer, id)
		guideOK(t, f.ID, f.Content)
		if got := h.Status(id); got != ledger.StatusSubmitted {
			t.Fatalf("the secondary after delivery: %s", got)
		}
		// SIMPAYER2 pays the rest but 5.00 of the patient's.
		applyFrom(t, h, secondPayer, "835", remit835(secondPayer, "EFTSEC1", cobCLP("COB1", "2", "PAYS1", 1, [2]cobLine{
			{paid: 1500, cas: []cas{{"CO", "45", 16500}, {"PR", "2", 500}}},
			{paid: 1000, cas: []cas{{"CO", "45", 4000}}}})))
		if n := h.Exceptions(); n != 0 {
			t.Fatalf("%d exceptions after the secondary's 835", n)
		}
		if n, net := h.PaidOn(id); n != 1 || net != 2500 || h.Status(id) != ledger.StatusPaid {
			t.Errorf("the secondary: %d payments of %s, %s", n, net, h.Status(id))
		}
		if n, net := h.PaidOn("COB1"); n != 1 || net != 15000 || h.Status("COB1") != ledger.StatusPaid {
			t.Errorf("the primary after the secondary's 835: %d payments of %s, %s", n, net, h.Status("COB1"))
		}
		if c := cobClaim(t, h, "COB1~T"); c != nil {
			t.Errorf("a tertiary claim without a tertiary payer: %+v", c)
		}
		// The same 835 again builds nothing more.
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTCOB1", cobCLP("COB1", "1", "PAYP1", 1, partly)))
		if c := cobClaim(t, h, ledger.PayerClaimID("COB1", "S", 2)); c != nil {
			t.Errorf("a second claim to the secondary: %+v", c)
		}
		if hist, _ := l.History(h.Ctx, id); len(hist) != 4 { // built, batched, submitted, paid
			t.Errorf("the secondary's history: %+v", hist)
		}
	})
}

// What the primary decided decides whether the secondary is billed: not
// when it paid in full or left the patient nothing; with 0.00 paid when
// it denied; pending at the secondary when it crossed the claim over;
// never for a claim without other payers.
func TestCOBWhenTheSecondaryIsBilled(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := cobHarness(t, l)
		h.Submit(cobEncounter("FULL", secondPayer), cobEncounter("NOPR", secondPayer), cobEncounter("DENY", secondPayer),
			cobEncounter("CROSS", secondPayer), cobEncounter("ALONE"))
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTWHEN",
			cobCLP("FULL", "1", "PAYF", 1, [2]cobLine{{paid: 18500}, {paid: 5000}}),
			cobCLP("NOPR", "1", "PAYN", 1, [2]cobLine{{paid: 15000, cas: []cas{{"CO", "45", 3500}}}, {paid: 4000, cas: []cas{{"CO", "45", 1000}}}}),
			cobCLP("DENY", "4", "PAYD", 1, [2]cobLine{{cas: []cas{{"CO", "50", 18500}}}, {cas: []cas{{"CO", "50", 5000}}}}),
			cobCLP("CROSS", "19", "PAYX", 1, partly, "NM1*TT*2*SIMPAYER2 PLAN*****PI*"+secondPayer),
			cobCLP("ALONE", "1", "PAYA", 1, partly)))
		if n := h.Exceptions(); n != 0 {
			t.Fatalf("%d exceptions", n)
		}
		for id, want := range map[string]ledger.Status{"FULL": ledger.StatusPaid, "NOPR": ledger.StatusPaid, "DENY": ledger.StatusDenied,
			"CROSS": ledger.StatusForwarded, "ALONE": ledger.StatusPaid} {
			if got := h.Status(id); got != want {
				t.Errorf("%s: %s, want %s", id, got, want)
			}
		}
		for _, id := range []string{"FULL~S", "NOPR~S", "ALONE~S"} {
			if c := cobClaim(t, h, id); c != nil {
				t.Errorf("claim %s was built: %s", id, c.Status)
			}
		}
		if c := cobClaim(t, h, "DENY~S"); c == nil || c.Status != ledger.StatusQueued {
			t.Fatalf("DENY~S: %+v", c)
		}
		_, b := billingOf(t, h, secondPayer, "DENY~S")
		if adj := b.Prior["P"]; adj == nil || adj.Paid != 0 || *adj.RemainingPatientLiability != 0 || len(adj.Lines) != 2 {
			t.Errorf("DENY~S billing %+v", b)
		} else {
			checkBalances(t, adj, []ledger.Line{{Charge: 18500}, {Charge: 5000}}, 23500)
		}
		c := cobClaim(t, h, "CROSS~S")
		if c == nil || c.Status != ledger.StatusPending || c.PayerID != secondPayer {
			t.Fatalf("CROSS~S: %+v", c)
		}
		if _, ok := queuedOf(t, h, secondPayer)["CROSS~S"]; ok {
			t.Error("CROSS~S is queued: the secondary has the claim from the primary")
		}
		for _, ch := range mustHistory(t, l, "CROSS~S") {
			if ch.To == ledger.StatusQueued {
				t.Errorf("CROSS~S was queued: %+v", ch)
			}
		}
	})
}

// An adjudication the 837 writer would refuse (here more CAS on a line
// than a 2430 holds: 31 reasons of one group, six CAS) builds no claim to
// the next payer: an exception says why, and the payer's queue is never
// held up by it.
func TestCOBUnwritableAdjudicationIsAnException(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := cobHarness(t, l)
		h.Submit(cobEncounter("MANY", secondPayer))
		var many []cas
		for i := range 31 {
			many = append(many, cas{"CO", fmt.Sprint(100 + i), 100})
		}
		many = append(many, cas{"PR", "2", 18500 - 3100 - 10000})
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTMANY",
			cobCLP("MANY", "1", "PAYM", 1, [2]cobLine{{paid: 10000, cas: many}, partly[1]})))
		if c := cobClaim(t, h, "MANY~S"); c != nil {
			t.Fatalf("MANY~S was built: %+v", c)
		}
		if got := h.Status("MANY"); got != ledger.StatusPaid {
			t.Errorf("MANY: %s, want paid", got)
		}
		if n := h.Exceptions(); n != 1 {
			t.Errorf("%d exceptions, want the one that says why no claim went to the next payer", n)
		}
	})
}

// The secondary's 835 for a claim the primary crossed over can come
// before the primary's: while the primary's claim, which lists the
// secondary next, is open, the file waits (as a reversal waits for its
// payment) instead of making its CLP an exception, and matches the claim
// the crossover makes once the primary's 835 is applied. Before, its CLP
// was an exception and the crossed-over claim stayed pending for good.
func TestCOBCrossoverAnswerBeforeThePrimarys(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := cobHarness(t, l)
		h.Submit(cobEncounter("EARLY", secondPayer))
		secondary := remit835(secondPayer, "EFTSEC1", cobCLP("EARLY", "2", "SECE", 1, [2]cobLine{
			{paid: 1800, cas: []cas{{"OA", "23", 16500}, {"PR", "2", 200}}},
			{paid: 900, cas: []cas{{"OA", "23", 4000}, {"PR", "2", 100}}},
		}))
		if err := deliverFrom(t, h, secondPayer, "835", secondary, 0); err == nil {
			t.Fatal("the secondary's 835 was applied before the primary's answer")
		}
		if n := h.Exceptions(); n != 0 {
			t.Fatalf("%d exceptions while the primary's 835 is awaited", n)
		}
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTEARLY", cobCLP("EARLY", "19", "PAYE", 1, partly, "NM1*TT*2*SIMPAYER2 PLAN*****PI*"+secondPayer)))
		if c := cobClaim(t, h, "EARLY~S"); c == nil || c.Status != ledger.StatusPending {
			t.Fatalf("EARLY~S after the crossover: %+v", c)
		}
		if err := deliverFrom(t, h, secondPayer, "835", secondary, 0); err != nil {
			t.Fatal(err)
		}
		if c := cobClaim(t, h, "EARLY~S"); c == nil || c.Status != ledger.StatusPaid {
			t.Errorf("EARLY~S after the secondary's 835: %+v", c)
		}
		if n := h.Exceptions(); n != 0 {
			t.Errorf("%d exceptions", n)
		}
	})
}

func mustHistory(t *testing.T, l *ledger.Ledger, id string) []ledger.Change {
	t.Helper()
	hist, err := l.History(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return hist
}

// A reversal of the primary's payment stops the claim to the secondary
// not sent yet.
func TestCOBReversalStopsTheSecondary(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := cobHarness(t, l)
		h.Submit(cobEncounter("REV1", secondPayer))
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTREV1", cobCLP("REV1", "1", "PAYR1", 1, partly)))
		if got := h.Status("REV1~S"); got != ledger.StatusQueued {
			t.Fatalf("REV1~S: %s", got)
		}
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTREV2", cobCLP("REV1", "22", "PAYR1", -1, partly)))
		if n := h.Exceptions(); n != 0 {
			t.Fatalf("%d exceptions", n)
		}
		if got := h.Status("REV1"); got != ledger.StatusReversed {
			t.Errorf("REV1: %s", got)
		}
		if got := h.Status("REV1~S"); got != ledger.StatusVoided {
			t.Errorf("REV1~S after the reversal: %s", got)
		}
		if c := cobClaim(t, h, "REV1~S~void"); c != nil {
			t.Errorf("a void of a claim never sent: %+v", c)
		}
		if len(queuedOf(t, h, secondPayer)) != 0 {
			t.Error("claims queued for the secondary")
		}
	})
}

// A reversal of the primary's payment after the claim to the secondary
// was sent and paid voids it (frequency 8 under its payer claim number),
// and the primary's correction bills the secondary again (~S2); the
// secondary's reversal of its payment closes the first claim and its void.
func TestCOBReversalVoidsTheSecondary(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := cobHarness(t, l)
		h.Submit(cobEncounter("VOID1", secondPayer))
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTV1", cobCLP("VOID1", "1", "PAYV1", 1, partly)))
		sendTo(t, h, secondPayer, "VOID1~S")
		secondary := [2]cobLine{{paid: 2000, cas: []cas{{"CO", "45", 16500}}}, {paid: 1000, cas: []cas{{"CO", "45", 4000}}}}
		applyFrom(t, h, secondPayer, "835", remit835(secondPayer, "EFTV2", cobCLP("VOID1", "2", "PAYS9", 1, secondary)))
		if c := cobClaim(t, h, "VOID1~S"); c.Status != ledger.StatusPaid || c.PayerClaimNumber != "PAYS9" {
			t.Fatalf("VOID1~S after its 835: %+v", c)
		}
		// The primary reverses its payment: the secondary's is voided.
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTV3", cobCLP("VOID1", "22", "PAYV1", -1, partly)))
		if n := h.Exceptions(); n != 0 {
			t.Fatalf("%d exceptions", n)
		}
		v := cobClaim(t, h, "VOID1~S~void")
		if v == nil || v.Status != ledger.StatusQueued || v.PriorClaimID != "VOID1~S" || v.PayerID != secondPayer || v.PCN != "VOID1" {
			t.Fatalf("the void: %+v", v)
		}
		p, b := billingOf(t, h, secondPayer, v.ID)
		if b.Voids != "PAYS9" || b.Responsibility != "S" || b.Prior["P"] == nil {
			t.Errorf("the void's billing %s", p.Billing)
		}
		data := check837(t, h, p)
		if !bytes.Contains(data, []byte("CLM*VOID1*235***11:B:8*")) || !bytes.Contains(data, []byte("REF*F8*PAYS9~")) {
			t.Errorf("the void's 837 is not a frequency 8 of PAYS9:\n%s", data)
		}
		if got := h.Status("VOID1~S"); got != ledger.StatusPaid {
			t.Errorf("VOID1~S while its void is out: %s", got)
		}
		// The primary's correction, in an 835 of its own: the secondary is
		// billed again, VOID1~S standing no more (its void is out).
		corrected := [2]cobLine{{paid: 13000, cas: []cas{{"CO", "45", 4500}, {"PR", "2", 1000}}}, partly[1]}
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTV3C", cobCLP("VOID1", "1", "PAYV1", 1, corrected)))
		if n := h.Exceptions(); n != 0 {
			t.Fatalf("%d exceptions after the correction", n)
		}
		if c := cobClaim(t, h, "VOID1~S2"); c == nil || c.Status != ledger.StatusQueued || c.PriorClaimID != "VOID1" {
			t.Fatalf("VOID1~S2 after the primary's correction: %+v", c)
		}
		if _, b := billingOf(t, h, secondPayer, "VOID1~S2"); b.Prior["P"] == nil || b.Prior["P"].Paid != 16000 || b.Voids != "" {
			t.Errorf("VOID1~S2 billing %+v", b)
		}
		f := sendTo(t, h, secondPayer, v.ID)
		guideOK(t, f.ID, f.Content)
		// SIMPAYER2 answers the void with the reversal of its payment: to
		// the claim it paid, not the void; both are voided.
		applyFrom(t, h, secondPayer, "835", remit835(secondPayer, "EFTV4", cobCLP("VOID1", "22", "PAYS9", -1, secondary)))
		if n := h.Exceptions(); n != 0 {
			t.Fatalf("%d exceptions after the secondary's reversal", n)
		}
		if n, net := h.PaidOn("VOID1~S"); n != 2 || net != 0 {
			t.Errorf("VOID1~S: %d payments of %s, want its payment and the reversal", n, net)
		}
		if n, _ := h.PaidOn(v.ID); n != 0 {
			t.Errorf("the void holds %d payments", n)
		}
		for _, id := range []string{"VOID1~S", v.ID} {
			if got := h.Status(id); got != ledger.StatusVoided {
				t.Errorf("%s after the secondary's reversal: %s", id, got)
			}
		}
		if got := h.Status("VOID1"); got != ledger.StatusPaid {
			t.Errorf("VOID1 after its correction: %s", got)
		}
		if got := h.Status("VOID1~S2"); got != ledger.StatusSubmitted {
			t.Errorf("VOID1~S2 after the secondary's reversal of VOID1~S: %s", got)
		}
	})
}

// An encounter with a secondary and a tertiary: the secondary's 835
// leaving a balance builds the claim to the tertiary with both payers'
// adjudications.
func TestCOBTertiary(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := cobHarness(t, l)
		h.Submit(cobEncounter("TER1", secondPayer, thirdPayer))
		h.Apply("835", remit835(gatewaytest.PayerID, "EFTT1", cobCLP("TER1", "1", "PAYT1", 1, partly)))
		sec := cobClaim(t, h, "TER1~S")
		if sec == nil || sec.Status != ledger.StatusQueued || len(sec.NextPayers) != 1 || sec.NextPayers[0] != thirdPayer {
			t.Fatalf("TER1~S: %+v", sec)
		}
		sendTo(t, h, secondPayer, "TER1~S")
		applyFrom(t, h, secondPayer, "835", remit835(secondPayer, "EFTT2", cobCLP("TER1", "2", "PAYT2", 1, [2]cobLine{
			{paid: 1000, cas: []cas{{"CO", "45", 16000}, {"PR", "2", 1500}}},
			{paid: 500, cas: []cas{{"CO", "45", 4000}, {"PR", "3", 500}}}})))
		if n := h.Exceptions(); n != 0 {
			t.Fatalf("%d exceptions", n)
		}
		ter := cobClaim(t, h, "TER1~T")
		if ter == nil || ter.Status != ledger.StatusQueued || ter.PayerID != thirdPayer || ter.Responsibility != "T" || ter.PriorClaimID != "TER1~S" {
			t.Fatalf("TER1~T: %+v", ter)
		}
		p, b := billingOf(t, h, thirdPayer, "TER1~T")
		ps, ss := b.Prior["P"], b.Prior["S"]
		if ps == nil || ss == nil || len(b.Prior) != 2 || b.Responsibility != "T" {
			t.Fatalf("TER1~T billing %s", p.Billing)
		}
		lines := []ledger.Line{{Charge: 18500}, {Charge: 5000}}
		checkBalances(t, ps, lines, 23500)
		checkBalances(t, ss, lines, 23500)
		if ps.Paid != 15000 || ps.PayerClaimNumber != "PAYT1" || ss.Paid != 1500 || ss.PayerClaimNumber != "PAYT2" || *ss.RemainingPatientLiability != 2000 {
			t.Errorf("TER1~T billing %s", p.Billing)
		}
		data := check837(t, h, p)
		if !bytes.Contains(data, []byte("SBR*T*")) || bytes.Count(data, []byte("AMT*D*")) != 2 {
			t.Errorf("the 837 to the tertiary:\n%s", data)
		}
	})
}
