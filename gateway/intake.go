package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// Intake runs intakeWorkers workers, each taking up to intakeBatchSize
// encounters at a time: a worker spends half its time waiting for the
// ledger, and a transaction of 200 costs little more than one of 100. Their
// product must stay well under the consumer's 1,000 unacknowledged
// messages (JetStream's MaxAckPending): at the limit, each ack frees room
// for one message, and the workers are left taking them one by one (4 ×
// 500 ran at 800 encounters/s). On 2 cores, 4 × 200 runs
// BenchmarkPipeline at about 5,500/s, 2 × 100 at 4,500-5,000.
const (
	intakeWorkers   = 4
	intakeBatchSize = 200
)

func (g *Gateway) intakeWorker() *queue.Worker {
	w := g.worker(queue.StreamEncounters, "intake", g.intake)
	w.Batch = g.intakeBatch
	w.BatchSize = intakeBatchSize
	return w
}

// intake scrubs one encounter and records it with its claim. An invalid
// encounter is kept with its problems as an invalid claim and acked: it is
// answered, not redelivered. The same encounter id twice is one claim.
func (g *Gateway) intake(ctx context.Context, m *queue.Message) error {
	ec, c := g.prepare(m.Data)
	created, err := g.led.RecordEncounter(ctx, ec.Encounter, ec.Claim)
	if err != nil {
		return err
	}
	g.recorded(ctx, []ledger.EncounterClaim{ec}, []*claim.Claim{c}, []bool{created})
	return nil
}

// intakeBatch is intake for the encounters at hand, scrubbed on every core
// and recorded in one transaction. When that transaction fails, one of
// them may be at fault: they are taken one by one then, so that the others
// go through.
func (g *Gateway) intakeBatch(ctx context.Context, ms []*queue.Message) []error {
	ecs := make([]ledger.EncounterClaim, len(ms))
	claims := make([]*claim.Claim, len(ms))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(ms)) {
		wg.Go(func() {
			for i := range next {
				ecs[i], claims[i] = g.prepare(ms[i].Data)
			}
		})
	}
	for i := range ms {
		next <- i
	}
	close(next)
	wg.Wait()
	errs := make([]error, len(ms))
	created, err := g.led.RecordEncounters(ctx, ecs)
	if err != nil {
		g.log.Warn().Err(err).Int("encounters", len(ms)).Msg("batch not recorded; recording its encounters one by one")
		for i, m := range ms {
			errs[i] = g.intake(ctx, m)
		}
		return errs
	}
	g.recorded(ctx, ecs, claims, created)
	return errs
}

// prepare scrubs an encounter and makes its ledger records, and returns
// the 837 claim when it is valid.
func (g *Gateway) prepare(data []byte) (ledger.EncounterClaim, *claim.Claim) {
	e, probs, c837 := g.scrub(data)
	rec := ledger.Encounter{ID: e.ID, PayerID: e.PayerID, ClaimType: e.ClaimType, Raw: data,
		Valid: !encounter.HasErrors(probs), ReceivedAt: g.o.Now()}
	if rec.ID == "" {
		// Not even an id could be read: the content names the encounter.
		sum := sha256.Sum256(data)
		rec.ID = "sha256:" + hex.EncodeToString(sum[:])
	}
	if probs == nil {
		probs = []encounter.Problem{}
	}
	rec.Problems, _ = json.Marshal(probs)
	c := claimRecord(e)
	// The claim as RecordEncounter names it: after the encounter.
	c.ID, c.EncounterID = rec.ID, rec.ID
	return ledger.EncounterClaim{Encounter: rec, Claim: c}, c837
}

// recorded counts, logs and announces encounters just recorded, and hands
// the new valid claims to the batcher.
func (g *Gateway) recorded(ctx context.Context, ecs []ledger.EncounterClaim, claims []*claim.Claim, created []bool) {
	var events []Event
	for i, ec := range ecs {
		outcome := map[bool]string{true: "accepted", false: "invalid"}[ec.Encounter.Valid]
		if !created[i] {
			outcome = "duplicate"
		}
		g.o.Metrics.Encounter(outcome)
		g.log.Info().Str("encounter_id", ec.Encounter.ID).Str("payer", ec.Encounter.PayerID).Str("outcome", outcome).Msg("encounter")
		if created[i] && ec.Encounter.Valid && claims[i] != nil {
			g.ready.put(ec.Claim.ID, *claims[i])
		}
		if created[i] {
			to := ledger.StatusQueued
			if !ec.Encounter.Valid {
				to = ledger.StatusInvalid
			}
			events = append(events, g.claimEvent(&ecs[i].Claim, ledger.StatusReceived, to, ledger.Source{Kind: "intake"}, 0))
		}
	}
	g.publishEvents(ctx, events)
}

// scrub decodes and checks an encounter against its payer's route. An
// encounter that does not decode comes back as what did (or an empty one)
// with every problem, the decoding ones and the scrubber's.
func (g *Gateway) scrub(data []byte) (*encounter.Encounter, []encounter.Problem, *claim.Claim) {
	e, err := encounter.DecodeBytes(data)
	var de *encounter.DecodeError
	switch {
	case errors.As(err, &de):
		if de.Partial == nil {
			return &encounter.Encounter{ID: de.ID}, de.Problems, nil
		}
		// What did decode names the claim (payer, PCN, charge) for its
		// record and its event.
		return de.Partial, de.Scrub(g.scrubOptions(de.Partial.PayerID)), nil
	case err != nil:
		return &encounter.Encounter{}, []encounter.Problem{{Path: "", Code: "invalid_json", Message: "the message is not one JSON object", Severity: encounter.SeverityError}}, nil
	}
	p := g.payers[e.PayerID]
	probs := encounter.Scrub(e, g.scrubOptions(e.PayerID))
	switch {
	case p == nil && e.PayerID != "":
		probs = append(probs, encounter.Problem{Path: "payer_id", Code: "unknown_payer", Message: "no trading partner route has this payer_id", Severity: encounter.SeverityError})
	case p != nil && !slices.Contains(p.ClaimTypes, config.ClaimType(e.ClaimType)):
		probs = append(probs, encounter.Problem{Path: "claim_type", Code: "claim_type_not_accepted", Message: "the payer's route does not take " + e.ClaimType + " claims", Severity: encounter.SeverityError})
	case p != nil && !encounter.HasErrors(probs):
		// What the scrubber passes, the 837 writer must take: a claim it
		// refused later would hold up the payer's batch.
		// It is the claim toClaim makes from the stored encounter.
		c := encounter.ToClaim(e, claim.Payer{Name: p.Name, ID: p.PayerID})
		if _, err := claim.Write(io.Discard, probeBatch(p), []claim.Claim{c}); err != nil {
			probs = append(probs, encounter.Problem{Path: "", Code: "not_writable", Message: err.Error(), Severity: encounter.SeverityError})
			return e, probs, nil
		}
		return e, probs, &c
	}
	return e, probs, nil
}

// scrubOptions are the scrubber's options for an encounter to payerID.
func (g *Gateway) scrubOptions(payerID string) encounter.Options {
	opts := encounter.Options{Now: g.o.Now(), ICD10CM: g.o.ICD10CM, HCPCS: g.o.HCPCS}
	if p := g.payers[payerID]; p != nil {
		opts.Delimiters = p.Delimiters.Delimiters
	}
	return opts
}

// probeBatch is an envelope for writing one claim to see whether the
// writer takes it.
func probeBatch(p *config.Payer) claim.Batch {
	return claim.Batch{
		SenderQualifier: "ZZ", SenderID: "PROBE", ReceiverQualifier: "ZZ", ReceiverID: "PROBE", Usage: 'T',
		Delimiters: p.Delimiters.Delimiters, Time: time.Unix(0, 0), InterchangeControlNumber: 1, GroupControlNumber: 1, TransactionControlNumber: 1,
		ReferenceID: "PROBE", Submitter: claim.Submitter{Name: "PROBE", ID: "PROBE", ContactName: "PROBE", Phone: "0000000000"},
		Receiver: claim.Receiver{Name: "PROBE", ID: "PROBE"},
	}
}

// claimRecord is what the ledger keeps of an encounter's claim.
func claimRecord(e *encounter.Encounter) ledger.Claim {
	c := ledger.Claim{PayerID: e.PayerID, ClaimType: e.ClaimType}
	if b := e.BillingProvider; b != nil {
		c.BillingNPI, c.BillingTaxID = b.NPI, b.TaxID
	}
	if k := e.Claim; k != nil {
		c.PCN = k.PatientControlNumber
		if k.TotalCharge != nil {
			c.Charge = *k.TotalCharge
		}
		c.ServiceFrom, c.ServiceTo = k.StatementFrom, k.StatementTo
	}
	for i, l := range e.ServiceLines {
		if l == nil {
			continue
		}
		ln := ledger.Line{No: i + 1, LineID: l.LineID, Units: l.Units, ServiceDate: l.ServiceDate}
		if l.Charge != nil {
			ln.Charge = *l.Charge
		}
		if ln.ServiceDate == "" {
			ln.ServiceDate = l.ServiceDateFrom
		}
		if p := l.Procedure; p != nil {
			q := p.Qualifier
			if q == "" {
				q = "HC"
			}
			ln.Procedure = strings.Join(append([]string{q, p.Code}, p.Modifiers...), ":")
		} else if l.RevenueCode != "" {
			ln.Procedure = "NU:" + l.RevenueCode
		}
		c.Lines = append(c.Lines, ln)
		if c.ServiceFrom == "" || (ln.ServiceDate != "" && ln.ServiceDate < c.ServiceFrom) {
			c.ServiceFrom = ln.ServiceDate
		}
		if end := max(ln.ServiceDate, l.ServiceDateTo); end > c.ServiceTo {
			c.ServiceTo = end
		}
	}
	return c
}
