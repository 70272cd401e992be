package main

// claim build --primary-835: the claim an encounter gets to its next
// payer (coordination of benefits) from the primary's 835, built as the
// gateway builds it when it posts that 835 (gateway/inbound's Payment and
// Adjudication, encounter.ToClaimFor), for a billing system to see it
// before it goes.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/remit"
)

// cobFlags are claim build's coordination-of-benefits flags.
type cobFlags struct {
	primary, secondary string // the 835s of the payers before
	resp               string // the payer billed: S or T
	config             string
	json               bool
	set                []string // the flags given
}

// batchFlags are claim build's envelope and check flags.
type batchFlags struct {
	senderQual, senderID, receiverQual, receiverID string
	payerName, submitter, contact, phone, usage    string
	control                                        int
	delims                                         string
	newline                                        bool
	icd, hcpcs                                     string
}

func buildCOB(cob cobFlags, files []string, bf batchFlags, stdin io.Reader, stdout, stderr io.Writer) int {
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "claimsgw claim build: "+format+"\n", a...)
		return code
	}
	given := func(name string) bool { return slices.Contains(cob.set, name) }
	switch {
	case len(files) != 1:
		return fail(exitUnreadable, "--primary-835 takes one encounter file, %d given", len(files))
	case cob.primary == "":
		return fail(exitUnreadable, "--secondary-835 goes with --primary-835")
	case cob.resp != "S" && cob.resp != "T":
		return fail(exitUnreadable, "--responsibility must be S (secondary) or T (tertiary)")
	case cob.resp == "T" && cob.secondary == "":
		return fail(exitUnreadable, "--responsibility T needs the secondary payer's 835 (--secondary-835)")
	case cob.resp == "S" && cob.secondary != "":
		return fail(exitUnreadable, "--secondary-835 goes with --responsibility T")
	case bf.usage != "T" && bf.usage != "P":
		return fail(exitUnreadable, "--usage must be T or P")
	}
	routes, err := checkRoutes(cob.config, "")
	if err != nil {
		return fail(exitUnreadable, "%v", err)
	}
	delims := bf.delims
	if routes != nil && !given("delims") {
		delims = "" // the route's
	}
	opts, err := checkOptions(bf.icd, bf.hcpcs, delims)
	if err != nil {
		return fail(exitUnreadable, "%v", err)
	}
	res := checkFile(files[0], stdin, opts, routes)
	valid := res.Unread == "" && len(res.Encounters) == 1
	for _, e := range res.Encounters {
		valid = valid && e.Valid
	}
	if !valid {
		writeChecked(stderr, res)
		if res.Unread != "" {
			return fail(exitUnreadable, "nothing written: fix the encounter above")
		}
		if len(res.Encounters) != 1 {
			return fail(exitUnreadable, "--primary-835 takes one encounter, %s has %d", files[0], len(res.Encounters))
		}
		return fail(exitInvalid, "nothing written: fix the encounter above")
	}
	e := res.Encounters[0].enc
	if len(e.OtherPayers) == 0 {
		return fail(exitInvalid, "encounter %s has no other_payers: there is no payer after the primary to bill", encounter.ShownID(e.ID))
	}
	target := e.OtherPayer(cob.resp)
	if target == nil {
		return fail(exitInvalid, "encounter %s has no other payer with responsibility %s", encounter.ShownID(e.ID), cob.resp)
	}
	rec := intake.ClaimRecord(e)
	prior := map[string]*claim.Adjudication{}
	for _, p := range []struct{ resp, file, payer string }{{"P", cob.primary, e.PayerID}, {"S", cob.secondary, ""}} {
		if p.file == "" {
			continue
		}
		if p.payer == "" {
			p.payer = e.OtherPayer("S").PayerID
		}
		adj, err := priorAdjudication(p.file, stdin, rec, p.payer, e.Next(p.resp))
		if err != nil {
			return fail(exitInvalid, "%s: %v", p.file, err)
		}
		prior[p.resp] = adj
	}

	// The claim, named and enveloped as the route of the payer billed has it.
	route := (*config.Payer)(nil)
	if routes != nil {
		route = payerRoute(routes, target.PayerID)
	}
	payer := func(id string) claim.Payer {
		if routes != nil {
			if r := payerRoute(routes, id); r != nil && r.Name != "" {
				return claim.Payer{Name: r.Name, ID: id}
			}
		}
		if id == e.PayerID {
			return claim.Payer{Name: bf.payerName, ID: id}
		}
		for _, o := range e.OtherPayers {
			if o != nil && o.PayerID == id {
				return claim.Payer{Name: o.Name, ID: id}
			}
		}
		return claim.Payer{ID: id}
	}
	c := encounter.ToClaimFor(e, encounter.Billing{Responsibility: cob.resp, Prior: prior}, payer)
	batch := claim.Batch{
		SenderQualifier: bf.senderQual, SenderID: bf.senderID, ReceiverQualifier: bf.receiverQual, ReceiverID: bf.receiverID,
		Usage: bf.usage[0], Delimiters: opts.Delimiters, Time: time.Now(),
		InterchangeControlNumber: bf.control, GroupControlNumber: bf.control, TransactionControlNumber: bf.control,
		ReferenceID: fmt.Sprintf("CLAIMSGW%09d", bf.control),
		Submitter:   claim.Submitter{Name: bf.submitter, ID: bf.senderID, ContactName: bf.contact, Phone: bf.phone},
		Receiver:    claim.Receiver{Name: c.Payer.Name, ID: bf.receiverID},
	}
	if !given("receiver-id") {
		// The 837 goes to the payer billed, not the default receiver.
		batch.ReceiverID, batch.Receiver.ID = target.PayerID, target.PayerID
	}
	if route != nil {
		set := func(flagName string, dst *string, v string) {
			if v != "" && !given(flagName) {
				*dst = v
			}
		}
		set("sender-qualifier", &batch.SenderQualifier, route.ISA.SenderQualifier)
		set("sender-id", &batch.SenderID, route.ISA.SenderID)
		set("receiver-qualifier", &batch.ReceiverQualifier, route.ISA.ReceiverQualifier)
		set("receiver-id", &batch.ReceiverID, route.ISA.ReceiverID)
		batch.GroupSenderCode, batch.GroupReceiverCode = route.GS.SenderCode, route.GS.ReceiverCode
		// 1000A and 1000B as the batcher writes them.
		sub, recv := routes.Submitter, routes.ReceiverFor(route)
		set("submitter-name", &batch.Submitter.Name, sub.Name)
		set("sender-id", &batch.Submitter.ID, sub.ID)
		set("contact", &batch.Submitter.ContactName, sub.ContactName)
		set("phone", &batch.Submitter.Phone, sub.Phone)
		batch.Submitter.Email = sub.Email
		set("payer-name", &batch.Receiver.Name, recv.Name)
		set("receiver-id", &batch.Receiver.ID, recv.ID)
		if (route.Usage == "T" || route.Usage == "P") && !given("usage") {
			batch.Usage = route.Usage[0]
		}
	} else if routes != nil {
		fmt.Fprintf(stderr, "claimsgw claim build: %s has no route for payer %s: the default envelope is written\n", cob.config, target.PayerID)
	}
	if route != nil && !given("delims") && route.Delimiters.Delimiters != (x12.Delimiters{}) {
		batch.Delimiters = route.Delimiters.Delimiters
	}
	if batch.Delimiters == (x12.Delimiters{}) {
		batch.Delimiters = x12.DefaultDelimiters
	}
	if bf.newline {
		batch.Delimiters.Suffix = "\n"
	}
	var out bytes.Buffer
	if _, err := claim.Write(&out, batch, []claim.Claim{c}); err != nil {
		return fail(exitInvalid, "%v", err)
	}
	if cob.json {
		out.Reset()
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(c); err != nil {
			return fail(exitUnreadable, "%v", err)
		}
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return fail(exitUnreadable, "%v", err)
	}
	return exitOK
}

// priorAdjudication is what the payer payerID decided on the encounter's
// claim (rec) by the CLPs of its 835 file whose CLP01 is the claim's
// patient control number, as the claim to the payer after carries it. An
// error too when the payer crossed the claim over to the payer
// after (next), or left nothing to bill.
func priorAdjudication(file string, stdin io.Reader, rec ledger.Claim, payerID string, next *encounter.OtherPayer) (*claim.Adjudication, error) {
	f, err := open(file, stdin)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sets, errs, err := remit.Decode(f)
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, e := range errs {
		if e.Severity == x12.SeverityError {
			bad = append(bad, e.Error())
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("the 835 has errors (claimsgw x12 validate):\n  %s", strings.Join(bad, "\n  "))
	}
	if len(sets) == 0 {
		return nil, errors.New("no 835 transaction set in the file")
	}
	type found struct {
		r   *remit.Remittance
		clp *remit.Claim
	}
	var clps []found
	var where []string // the sets that have the claim
	clpCount := 0
	for _, r := range sets {
		n := len(clps)
		for _, clp := range r.Claims {
			clpCount++
			if clp.PatientControlNumber == rec.PCN {
				clps = append(clps, found{r, clp})
			}
		}
		if len(clps) > n {
			where = append(where, fmt.Sprintf("ST02 %s at segment %d", r.ControlNumber, r.Position.Index))
		}
	}
	switch {
	case len(clps) == 0:
		return nil, fmt.Errorf("no CLP has CLP01 %s, the encounter's patient control number (%d CLPs in %d transaction sets)", rec.PCN, clpCount, len(sets))
	case len(where) > 1:
		return nil, fmt.Errorf("CLP01 %s is in %d transaction sets (%s): give the 835 of the one that adjudicated the claim", rec.PCN, len(where), strings.Join(where, ", "))
	}
	var posted []ledger.Payment
	for _, fc := range clps {
		clp, at := fc.clp, fmt.Sprintf("the CLP at segment %d (%s)", fc.clp.Position.Index, where[0])
		if clp.StatusCode == "22" {
			continue // a reversal: what the gateway carries is the adjudication after it
		}
		if inbound.CrossedOver(clp) {
			to := next.PayerID
			if t := clp.CrossoverCarrier; t != nil {
				to = cmp.Or(t.LastName, t.ID, to)
			}
			return nil, fmt.Errorf("%s: the claim was crossed over to %s by the %s (CLP02 %s): the %s payer has the claim; the gateway never bills it again",
				at, to, byName[next.Responsibility], clp.StatusCode, encounter.ResponsibilityName(next.Responsibility))
		}
		p, _ := inbound.Payment(clp, rec.Lines)
		p.PaymentDate, p.TraceNumber = fc.r.Payment.Date, fc.r.Payment.TraceNumber
		posted = append(posted, p)
	}
	if len(posted) == 0 {
		return nil, fmt.Errorf("the CLPs with CLP01 %s (%s) only reverse the claim (CLP02 22): no adjudication to carry", rec.PCN, where[0])
	}
	adj, err := inbound.Adjudication(rec.Charge, rec.Lines, posted)
	if err != nil {
		return nil, fmt.Errorf("CLP01 %s (%s): %w", rec.PCN, where[0], err)
	}
	if why := inbound.NothingLeft(adj, rec.Charge); why != "" {
		return nil, fmt.Errorf("nothing left to bill the %s payer %s: the %s (%s) %s", encounter.ResponsibilityName(next.Responsibility), next.PayerID,
			byName[next.Responsibility], payerID, why)
	}
	return adj, nil
}

// byName is the payer before the one with a responsibility.
var byName = map[string]string{"S": "primary", "T": "secondary"}
