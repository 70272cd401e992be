// Package gatewaytest runs the pipeline's stages in a test against a real
// ledger and a real (embedded) NATS, one item at a time: encounters through
// intake, a file through the batcher, marked delivered, then hand-written
// payer files through the inbound processor. It also writes the
// encounters and payer files the tests use.
package gatewaytest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/batch"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/money"
)

// Now is the stages' clock in a Harness.
var Now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// PayerID is the one payer a Harness routes to.
const PayerID = "SIMPAYER"

// Harness holds the stages a test drives by hand.
type Harness struct {
	T       testing.TB
	Ledger  *ledger.Ledger
	Options gateway.Options // what the stages run on
	Intake  *intake.Intake
	Batcher *batch.Batcher
	Inbound *inbound.Processor
	Ctx     context.Context
	n       int // payer files applied
}

// Config is a config with one route, to SIMPAYER, for the three claim
// types.
func Config() *config.Config {
	cfg := config.Default()
	p := config.Payer{PayerID: PayerID, Name: "SIM HEALTH PLAN", Usage: "T",
		ISA:        config.ISA{SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: PayerID},
		ClaimTypes: []claim.Type{claim.Professional, claim.Institutional, claim.Dental},
		Batch:      config.Batch{MaxClaims: 5000},
		SFTP:       config.SFTP{FileName: "{payer}_{isa13}.837"}}
	p.Delimiters.Delimiters = x12.DefaultDelimiters
	cfg.Payers = []config.Payer{p}
	cfg.Submitter = config.Submitter{Name: "CLAIMSGW", ID: "CLAIMSGW", ContactName: "EDI", Phone: "8005550100"}
	return cfg
}

// New returns a harness on ledger l, with its own embedded NATS and
// streams.
func New(t testing.TB, l *ledger.Ledger) *Harness {
	t.Helper()
	return NewWith(t, l, Config())
}

// NewWith is New with the config given (more payers' routes, say):
// Submit, Apply and the rest stay SIMPAYER's.
func NewWith(t testing.TB, l *ledger.Ledger, cfg *config.Config) *Harness {
	t.Helper()
	js := testutil.JetStream(t, testutil.NATS(t).ClientURL())
	ctx := context.Background()
	if err := queue.Default.Setup(ctx, js, 1); err != nil {
		t.Fatal(err)
	}
	o, err := gateway.Options{Config: cfg, Ledger: l, JS: js, Now: func() time.Time { return Now }}.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	h := &Harness{T: t, Ledger: l, Options: o, Ctx: ctx}
	if h.Intake, err = intake.New(intake.Options{Options: o}); err != nil {
		t.Fatal(err)
	}
	if h.Batcher, err = batch.New(o); err != nil {
		t.Fatal(err)
	}
	if h.Inbound, err = inbound.New(o); err != nil {
		t.Fatal(err)
	}
	return h
}

// Payer is the harness's one route.
func (h *Harness) Payer() *config.Payer { return &h.Options.Config.Payers[0] }

// Submit takes encounters through intake, batches them into one file and
// marks it delivered; it returns the file.
func (h *Harness) Submit(encounters ...[]byte) *ledger.File {
	h.T.Helper()
	id := h.Build(encounters...)
	if _, err := h.Ledger.MarkDelivered(h.Ctx, id); err != nil {
		h.T.Fatal(err)
	}
	return h.File(id)
}

// Take takes encounters in.
func (h *Harness) Take(encounters ...[]byte) {
	h.T.Helper()
	for _, e := range encounters {
		if err := h.Intake.Take(h.Ctx, &queue.Message{Data: e}); err != nil {
			h.T.Fatal(err)
		}
	}
}

// files are the payer's files in any status: a file just built may be
// delivered already by a deliverer running beside the test.
func (h *Harness) files() []string {
	h.T.Helper()
	var all []string
	for _, st := range []ledger.FileStatus{ledger.FileBuilt, ledger.FileSubmitted, ledger.FileDeliveryFailed, ledger.FileResent} {
		ids, err := h.Ledger.FilesInStatus(h.Ctx, PayerID, st)
		if err != nil {
			h.T.Fatal(err)
		}
		all = append(all, ids...)
	}
	return all
}

// Build takes the encounters in and batches what is queued into one file,
// and returns its id.
func (h *Harness) Build(encounters ...[]byte) string {
	h.T.Helper()
	h.Take(encounters...)
	before := h.files()
	if err := h.Batcher.Batch(h.Ctx, h.Payer(), true); err != nil {
		h.T.Fatal(err)
	}
	if len(encounters) == 0 { // the claims taken before: the one file made now
		var made []string
		for _, id := range h.files() {
			if !slices.Contains(before, id) {
				made = append(made, id)
			}
		}
		if len(made) != 1 {
			h.T.Fatalf("built files %v", made)
		}
		return made[0]
	}
	// The file of the first encounter's claim, whatever became of it
	// since (a running deliverer may have tried it already).
	var first struct{ ID string }
	if err := json.Unmarshal(encounters[0], &first); err != nil {
		h.T.Fatal(err)
	}
	c, err := h.Ledger.Claim(h.Ctx, first.ID)
	if err != nil || c.FileID == "" {
		h.T.Fatalf("claim %s after the batch: %+v, %v", first.ID, c, err)
	}
	return c.FileID
}

// File is an outbound file.
func (h *Harness) File(id string) *ledger.File {
	h.T.Helper()
	f, err := h.Ledger.FileByID(h.Ctx, id)
	if err != nil {
		h.T.Fatal(err)
	}
	return f
}

// Apply archives a payer file and processes it as the inbound stage does
// once the file has waited the OrderWait (a CLP that cannot be posted is
// an exception).
func (h *Harness) Apply(kind, content string) {
	h.T.Helper()
	if err := h.Deliver(kind, content, h.Options.OrderWait); err != nil {
		h.T.Fatal(err)
	}
}

// Deliver archives a payer file and hands it to the inbound stage as the
// queue does when the file has waited that long since it was handed over.
func (h *Harness) Deliver(kind, content string, waited time.Duration) error {
	h.T.Helper()
	h.n++
	sha := h.Archive(fmt.Sprintf("%d.%s", h.n, kind), kind, content)
	return h.Inbound.Process(h.Ctx, &queue.Message{Data: []byte(sha), Deliveries: 1, Published: Now.Add(-waited)})
}

// Archive records a payer file as the poller does and returns its sha256.
func (h *Harness) Archive(name, kind, content string) string {
	h.T.Helper()
	sum := sha256.Sum256([]byte(content))
	sha := hex.EncodeToString(sum[:])
	if _, err := h.Ledger.RecordInbound(h.Ctx, ledger.InboundFile{SHA256: sha, PayerID: PayerID, Name: name, Kind: kind, Content: []byte(content)}); err != nil {
		h.T.Fatal(err)
	}
	return sha
}

// FileClaim is where claim id stands in file f.
func FileClaim(t testing.TB, f *ledger.File, id string) ledger.FileClaim {
	t.Helper()
	for _, fc := range f.Claims {
		if fc.ClaimID == id {
			return fc
		}
	}
	t.Fatalf("claim %s is not in file %s", id, f.ID)
	return ledger.FileClaim{}
}

// Events are the claim events with a status: those in the ledger's outbox
// relayed first, as the daemon's relay does.
func (h *Harness) Events(status string) []ledger.Event {
	h.T.Helper()
	if err := h.Options.Events.Flush(h.Ctx); err != nil {
		h.T.Fatal(err)
	}
	subject, err := queue.Default.ClaimEvent(status)
	if err != nil {
		h.T.Fatal(err)
	}
	cons, err := h.Options.JS.OrderedConsumer(h.Ctx, queue.Default.Stream(queue.StreamEvents), jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		h.T.Fatal(err)
	}
	var out []ledger.Event
	for {
		msg, err := cons.Next(jetstream.FetchMaxWait(500 * time.Millisecond))
		if err != nil {
			return out
		}
		var e ledger.Event
		if err := json.Unmarshal(msg.Data(), &e); err != nil {
			h.T.Fatal(err)
		}
		out = append(out, e)
	}
}

// Status is where a claim stands.
func (h *Harness) Status(id string) ledger.Status {
	h.T.Helper()
	c, err := h.Ledger.Claim(h.Ctx, id)
	if err != nil {
		h.T.Fatal(err)
	}
	return c.Status
}

// LastChange is the last entry of a claim's history.
func (h *Harness) LastChange(id string) ledger.Change {
	h.T.Helper()
	hist, err := h.Ledger.History(h.Ctx, id)
	if err != nil || len(hist) == 0 {
		h.T.Fatalf("history of %s: %v", id, err)
	}
	return hist[len(hist)-1]
}

// Exceptions counts the open exceptions.
func (h *Harness) Exceptions() int {
	h.T.Helper()
	n, err := h.Ledger.CountOpenExceptions(h.Ctx)
	if err != nil {
		h.T.Fatal(err)
	}
	return n
}

// PaidOn returns how many payments a claim has and what they add up to.
func (h *Harness) PaidOn(id string) (n int, net money.Cents) {
	h.T.Helper()
	ps, err := h.Ledger.Payments(h.Ctx, id)
	if err != nil {
		h.T.Fatal(err)
	}
	for _, p := range ps {
		net += p.Paid
	}
	return len(ps), net
}

// EncounterJSON is a valid professional encounter to SIMPAYER: lines of
// the charges given (cents), PCN and line ids from the id.
func EncounterJSON(id string, charges ...int64) []byte {
	var lines []string
	var total int64
	for i, c := range charges {
		total += c
		lines = append(lines, fmt.Sprintf(`{"line_id": "%s-%d", "procedure": {"code": "%s"}, "charge": "%d.%02d", "units": "1", "service_date": "2026-11-02", "diagnosis_pointers": [1]}`,
			id, i+1, []string{"99214", "87804", "85025", "80053"}[i], c/100, c%100))
	}
	return []byte(fmt.Sprintf(`{"id": "%s", "claim_type": "professional", "payer_id": "SIMPAYER",
  "billing_provider": {"organization_name": "RIVERSIDE FAMILY MEDICINE", "npi": "1234567893", "tax_id": "621234567", "taxonomy": "207Q00000X",
    "address": {"line1": "100 MAIN ST", "city": "NASHVILLE", "state": "TN", "postal_code": "372031234"}},
  "subscriber": {"member_id": "XJH123456789", "last_name": "DOE", "first_name": "JOHN", "birth_date": "1980-02-01", "gender": "M",
    "address": {"line1": "12 OAK AVE", "city": "NASHVILLE", "state": "TN", "postal_code": "37205"},
    "claim_filing_indicator": "CI", "payer_responsibility": "P"},
  "claim": {"patient_control_number": "%s", "total_charge": "%d.%02d", "place_of_service": "11", "diagnoses": [{"code": "J10.1"}]},
  "service_lines": [%s]}`, id, id, total/100, total%100, strings.Join(lines, ",")))
}

// DentalEncounterJSON is the contract's dental example (an 837D) with one
// line per charge (in cents): an exam (D0120), a two-surface composite
// on tooth 30 (D2392), a cleaning of the whole mouth (D1110), a crown
// replacing one placed in 2015 on tooth 19 (D2750), each dated
// 2026-11-02, with the billing provider of EncounterJSON's NPI (the
// Remittance's payee).
func DentalEncounterJSON(id string, charges ...int64) []byte {
	extras := []string{``, `, "teeth": [{"number": "30", "surfaces": ["M", "O"]}]`, `, "oral_cavity_areas": ["00"]`,
		`, "teeth": [{"number": "19"}], "prosthesis": {"placement": "R", "prior_date": "2015-02-10"}`}
	var lines []string
	var total int64
	for i, c := range charges {
		total += c
		lines = append(lines, fmt.Sprintf(`{"line_id": "%s-%d", "procedure": {"code": "%s"}, "charge": "%d.%02d", "units": "1", "service_date": "2026-11-02"%s}`,
			id, i+1, []string{"D0120", "D2392", "D1110", "D2750"}[i], c/100, c%100, extras[i]))
	}
	return []byte(fmt.Sprintf(`{"id": "%s", "claim_type": "dental", "payer_id": "SIMPAYER",
  "billing_provider": {"organization_name": "LAKESIDE DENTAL GROUP", "npi": "1234567893", "tax_id": "621234567", "taxonomy": "1223G0001X",
    "address": {"line1": "200 LAKE ST", "city": "NASHVILLE", "state": "TN", "postal_code": "372031234"}},
  "rendering_provider": {"npi": "1245319599", "last_name": "NGUYEN", "first_name": "MAI", "taxonomy": "1223G0001X"},
  "subscriber": {"member_id": "DNT55500123", "last_name": "DOE", "first_name": "JANE", "birth_date": "1985-07-14", "gender": "F",
    "address": {"line1": "12 OAK AVE", "city": "NASHVILLE", "state": "TN", "postal_code": "37205"},
    "claim_filing_indicator": "CI", "payer_responsibility": "P"},
  "claim": {"patient_control_number": "%s", "total_charge": "%d.%02d", "place_of_service": "11"},
  "service_lines": [%s]}`, id, id, total/100, total%100, strings.Join(lines, ",")))
}

// EncounterWithKeys is EncounterJSON(id, 10000) with n more keys at its
// top level, unknown fields of nine bytes each ("aaaa":0,): an encounter
// with as many keys as a test needs, up to 26^4.
func EncounterWithKeys(id string, n int) []byte {
	raw := EncounterJSON(id, 10000)
	b := append([]byte{}, raw[:len(raw)-1]...) // without its closing brace
	for i := range n {
		k := [4]byte{'a' + byte(i/26/26/26%26), 'a' + byte(i/26/26%26), 'a' + byte(i/26%26), 'a' + byte(i%26)}
		b = fmt.Appendf(b, `,"%s":0`, k[:])
	}
	return append(b, '}')
}

// Interchange wraps transaction set bodies (segments without ST/SE) in an
// envelope from the payer with the counts right.
func Interchange(functionalID, version, setID string, bodies ...[]string) string {
	var b strings.Builder
	b.WriteString("ISA*00*          *00*          *ZZ*SIMPAYER       *ZZ*CLAIMSGW       *261123*1200*^*00501*000000777*0*T*:~\n")
	fmt.Fprintf(&b, "GS*%s*SIMPAYER*CLAIMSGW*20261123*1200*77*X*%s~\n", functionalID, version)
	for i, body := range bodies {
		impl := ""
		if setID != "835" {
			impl = "*" + version
		}
		fmt.Fprintf(&b, "ST*%s*%04d%s~\n", setID, i+1, impl)
		for _, s := range body {
			b.WriteString(s + "~\n")
		}
		fmt.Fprintf(&b, "SE*%d*%04d~\n", len(body)+2, i+1)
	}
	fmt.Fprintf(&b, "GE*%d*77~\nIEA*1*000000777~\n", len(bodies))
	return b.String()
}

// Remittance is an 835 body: one payment of the CLP groups given, with
// PLB segments after them. An amount of "" is the one that balances
// (Σ CLP04 − Σ PLB); another is a payment that may not.
func Remittance(trace string, amount string, claims [][]string, plb ...string) []string {
	if amount == "" {
		amount = balance(claims, plb).String()
	}
	body := []string{"BPR*I*" + amount + "*C*ACH*CCP*01*011000015*DA*123456789*1512345678**01*021000021*DA*987654321*20261120",
		"TRN*1*" + trace + "*1512345678", "DTM*405*20261120", "N1*PR*SIM HEALTH PLAN", "N3*100 PAYER WAY", "N4*COLUMBUS*OH*43215",
		"PER*BL*PROVIDER SERVICES*TE*8005551234", "N1*PE*RIVERSIDE FAMILY MEDICINE*XX*1234567893", "REF*TJ*621234567", "LX*1"}
	for _, c := range claims {
		body = append(body, c...)
	}
	return append(body, plb...)
}

// balance is Σ CLP04 − Σ PLB: the BPR02 of a payment that balances.
func balance(claims [][]string, plb []string) money.Cents {
	var sum money.Cents
	add := func(v string, sign money.Cents) {
		c, err := money.Parse(v)
		if err != nil {
			panic("gatewaytest: amount " + v + ": " + err.Error())
		}
		sum += sign * c
	}
	for _, c := range claims {
		if len(c) > 0 && strings.HasPrefix(c[0], "CLP*") {
			add(strings.Split(c[0], "*")[4], 1)
		}
	}
	for _, p := range plb {
		els := strings.Split(p, "*")
		for i := 4; i < len(els); i += 2 {
			add(els[i], -1)
		}
	}
	return sum
}

// CLP1 is a one-line CLP of a 100.00 claim: CLP02 code, CLP07 payerNo,
// paid (negative for a reversal), the line named by REF*6R when lineID is
// given.
func CLP1(pcn, code, payerNo string, paid int64, lineID string) []string {
	sign := ""
	if paid < 0 {
		sign, paid = "-", -paid
	}
	c := []string{fmt.Sprintf("CLP*%s*%s*%s100*%s%d*0*12*%s*11*1", pcn, code, sign, sign, paid, payerNo), "NM1*QC*1*DOE*JOHN****MI*XJH123456789",
		fmt.Sprintf("SVC*HC:99214*%s100*%s%d**1", sign, sign, paid), "DTM*472*20261102", fmt.Sprintf("CAS*CO*45*%s%d", sign, 100-paid)}
	if lineID != "" {
		c = append(c, "REF*6R*"+lineID)
	}
	return c
}
