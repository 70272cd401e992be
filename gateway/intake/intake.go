// Package intake is the pipeline's first stage: encounters taken from
// NATS, decoded, scrubbed against the contract and the payer's route, and
// recorded in the ledger with their claims, which wait there (queued) for
// the batcher, or stay invalid with every problem. Submit and SubmitAll
// put encounters on the intake subject.
package intake

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/queue"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// Intake runs workers workers, each taking up to batchSize encounters at
// a time: a worker spends half its time waiting for the ledger, and a
// transaction of 200 costs little more than one of 100. Their product must
// stay well under the consumer's 1,000 unacknowledged messages
// (JetStream's MaxAckPending): at the limit, each ack frees room for one
// message, and the workers are left taking them one by one. The README's
// speed table has what the pipeline benchmark measured of these choices.
const (
	workers   = 4
	batchSize = 200
)

// retryFor is how long an encounter the ledger could not record is tried
// again (with the queue's backoff, up to every 2 minutes): a database
// outage or restart loses none, whatever the count of deliveries. An
// invalid encounter is recorded, never retried: what still fails after a
// day is a defect, parked as a dead letter for an operator.
const retryFor = 24 * time.Hour

// Options are what the intake stage runs on: the stages' own, and the
// code sets the scrubber checks codes against. The claims of valid
// encounters go to the Handoff, for the batcher.
type Options struct {
	gateway.Options
	Codes encounter.CodeSets
}

// Intake is the intake stage.
type Intake struct {
	o     Options
	codes atomic.Pointer[encounter.CodeSets]
	// severities are each payer's say on the code-set edits (payers[].edits).
	severities map[string]map[string]encounter.Severity
}

// New returns the intake stage.
func New(o Options) (*Intake, error) {
	var err error
	o.Options, err = o.Options.Defaults()
	in := &Intake{o: o, severities: map[string]map[string]encounter.Severity{}}
	in.SetCodes(o.Codes)
	if o.Config != nil {
		for _, p := range o.Config.Payers {
			m := map[string]encounter.Severity{}
			for code, sev := range p.Edits {
				m[code] = encounter.Severity(sev)
			}
			in.severities[p.PayerID] = m
		}
	}
	return in, err
}

// SetCodes changes the code sets encounters are checked against from the
// next one on: the daemon calls it when a set is imported.
func (in *Intake) SetCodes(cs encounter.CodeSets) { in.codes.Store(&cs) }

// Run takes encounters in until ctx ends. Several workers share the one
// consumer: while one waits for the ledger's write lock (held by another,
// or by the batcher storing a file), the others scrub their batches.
func (in *Intake) Run(ctx context.Context) error {
	stages := make([]gateway.Stage, workers)
	for i := range stages {
		w := in.o.Worker(queue.StreamEncounters, "intake", in.Take)
		w.Batch = in.takeBatch
		w.BatchSize = batchSize
		w.MaxDeliver, w.RetryFor = queue.Unlimited, retryFor
		stages[i] = gateway.Stage{Run: w.Run}
	}
	return gateway.RunAll(ctx, stages...)
}

// Take scrubs one encounter and records it with its claim. An invalid
// encounter is kept with its problems as an invalid claim and acked: it is
// answered, not redelivered. The same encounter id twice is one claim;
// with new content while the claim is invalid, a revision of it.
func (in *Intake) Take(ctx context.Context, m *queue.Message) error {
	ec, c := in.Prepare(m.Data)
	ecs := []ledger.EncounterClaim{ec}
	created, err := in.o.Ledger.RecordEncounters(ctx, ecs)
	if err != nil {
		return err
	}
	in.recorded(ecs, []*claim.Claim{c}, created)
	return nil
}

// takeBatch is Take for the encounters at hand, scrubbed on every core
// and recorded in one transaction. When that transaction fails, one of
// them may be at fault: they are taken one by one then, so that the others
// go through.
func (in *Intake) takeBatch(ctx context.Context, ms []*queue.Message) []error {
	ecs := make([]ledger.EncounterClaim, len(ms))
	claims := make([]*claim.Claim, len(ms))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(ms)) {
		wg.Go(func() {
			for i := range next {
				ecs[i], claims[i] = in.Prepare(ms[i].Data)
			}
		})
	}
	for i := range ms {
		next <- i
	}
	close(next)
	wg.Wait()
	errs := make([]error, len(ms))
	created, err := in.o.Ledger.RecordEncounters(ctx, ecs)
	if err != nil {
		in.o.Log.Warn().Err(err).Int("encounters", len(ms)).Msg("batch not recorded; recording its encounters one by one")
		for i, m := range ms {
			errs[i] = in.Take(ctx, m)
		}
		return errs
	}
	in.recorded(ecs, claims, created)
	return errs
}

// Check scrubs an encounter as Take will and returns its id and every
// problem, for a caller that answers at once (the API's POST
// /v1/encounters). It adds already_submitted when the content is new and
// the id's claim takes no revision (ledger.Revisable: it is queued for
// the payer or has been sent), with what is true of it.
func (in *Intake) Check(ctx context.Context, raw []byte) (string, []encounter.Problem, error) {
	e, probs, _ := in.scrub(raw)
	id := encounterID(raw)
	if encounter.HasErrors(probs) || e.ID == "" || id != e.ID {
		return id, probs, nil
	}
	c, err := in.o.Ledger.Claim(ctx, id)
	if errors.Is(err, ledger.ErrNotFound) {
		return id, probs, nil
	}
	if err != nil {
		return id, nil, err
	}
	if ledger.Revisable(c.Status) {
		return id, probs, nil // new content is a revision
	}
	prev, err := in.o.Ledger.Encounter(ctx, c.EncounterID)
	if err != nil {
		return id, nil, err
	}
	if !bytes.Equal(prev.Raw, raw) {
		probs = append(probs, encounter.Problem{Path: "id", Code: ledger.CodeAlreadySubmitted, Severity: encounter.SeverityError,
			Message: ledger.AlreadySubmitted(id, c.Status)})
	}
	return id, probs, nil
}

// Prepare scrubs an encounter and makes its ledger records, and returns
// the 837 claim when it is valid.
func (in *Intake) Prepare(data []byte) (ledger.EncounterClaim, *claim.Claim) {
	e, probs, c837 := in.scrub(data)
	rec := ledger.Encounter{ID: e.ID, PayerID: e.PayerID, ClaimType: string(e.ClaimType), Raw: data,
		Valid: !encounter.HasErrors(probs), ReceivedAt: in.o.Now()}
	if rec.ID == "" || len(rec.ID) > encounter.MaxIDLength {
		// Not even an id could be read (or one too long to keep): the
		// content names the encounter.
		rec.ID = contentID(data)
	}
	if probs == nil {
		probs = []encounter.Problem{}
	}
	rec.Problems, _ = json.Marshal(probs)
	c := ClaimRecord(e)
	// The claim as RecordEncounter names it: after the encounter.
	c.ID, c.EncounterID = rec.ID, rec.ID
	replaces := e.Claim != nil && (e.Claim.Frequency == "7" || e.Claim.Frequency == "8")
	return ledger.EncounterClaim{Encounter: rec, Claim: c, Replaces: replaces}, c837
}

// recorded counts and logs encounters just recorded (the ledger wrote
// their events), and hands the new valid claims to the batcher.
func (in *Intake) recorded(ecs []ledger.EncounterClaim, claims []*claim.Claim, created []bool) {
	for i, ec := range ecs {
		outcome := map[bool]string{true: "accepted", false: "invalid"}[ec.Encounter.Valid]
		switch {
		case ec.Refused != "":
			outcome = "refused"
		case !created[i]:
			outcome = "duplicate"
		}
		in.o.Metrics.Encounter(outcome)
		log := in.o.Log.Info().Str("encounter_id", ec.Encounter.ID).Str("payer", ec.Encounter.PayerID).Str("outcome", outcome)
		if ec.Revision > 0 {
			log = log.Int("revision", ec.Revision)
		}
		log.Msg("encounter")
		if created[i] && ec.Encounter.Valid && claims[i] != nil {
			in.o.Handoff.Put(ec.Claim.ID, *claims[i])
		}
	}
	in.o.Events.Nudge()
}

// scrub decodes and checks an encounter against its payer's route. An
// encounter that does not decode comes back as what did (or an empty one)
// with every problem, the decoding ones and the scrubber's.
func (in *Intake) scrub(data []byte) (*encounter.Encounter, []encounter.Problem, *claim.Claim) {
	e, err := encounter.DecodeBytes(data)
	var de *encounter.DecodeError
	switch {
	case errors.As(err, &de):
		if de.Partial == nil {
			return &encounter.Encounter{ID: de.ID}, de.Problems, nil
		}
		// What did decode names the claim (payer, PCN, charge) for its
		// record and its event.
		return de.Partial, de.Scrub(in.scrubOptions(de.Partial.PayerID)), nil
	case err != nil:
		return &encounter.Encounter{}, []encounter.Problem{{Path: "", Code: "invalid_json", Message: "the message is not one JSON object", Severity: encounter.SeverityError}}, nil
	}
	probs := encounter.Scrub(e, in.scrubOptions(e.PayerID))
	probs, c := RouteProblems(in.o.Payer, e, probs)
	return e, probs, c
}

// scrubOptions are the scrubber's options for an encounter to payerID.
func (in *Intake) scrubOptions(payerID string) encounter.Options {
	opts := encounter.Options{Now: in.o.Now(), Codes: *in.codes.Load(), Severity: in.severities[payerID]}
	if p := in.o.Payer(payerID); p != nil {
		opts.Delimiters = p.Delimiters.Delimiters
	}
	return opts
}

// ClaimRecord is what the ledger keeps of an encounter's claim: its
// lines are what an 835's SVCs are matched to (inbound.Payment).
func ClaimRecord(e *encounter.Encounter) ledger.Claim {
	c := ledger.Claim{PayerID: e.PayerID, ClaimType: string(e.ClaimType)}
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
	for o := e.Next("P"); o != nil; o = e.Next(o.Responsibility) {
		c.NextPayers = append(c.NextPayers, o.PayerID)
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
			ln.Procedure = ledger.ProcedureKey(cmp.Or(p.Qualifier, "HC"), p.Code, p.Modifiers...)
		} else if l.RevenueCode != "" {
			ln.Procedure = ledger.ProcedureKey("NU", l.RevenueCode)
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
