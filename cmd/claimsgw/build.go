package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// claimBuild writes one interchange holding the 837s of every encounter
// given, after the same checks as claim check: one invalid encounter and
// nothing is written. With --primary-835 it writes the claim one
// encounter gets to its next payer from the primary's 835 (buildCOB).
func claimBuild(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("build", stderr, `claimsgw claim build [flags] ENCOUNTER.json...
       claimsgw claim build --primary-835 FILE [--responsibility S|T --secondary-835 FILE] [--config FILE] [--json] [flags] ENCOUNTER.json
  The second form prints the claim to the encounter's next payer (other_payers) with the adjudication of the 835 given (docs/837.md)`)
	senderQual := fs.String("sender-qualifier", "ZZ", "ISA05")
	senderID := fs.String("sender-id", "CLAIMSGW", "ISA06, GS02 and the 1000A submitter ID")
	receiverQual := fs.String("receiver-qualifier", "ZZ", "ISA07")
	receiverID := fs.String("receiver-id", "SIMPAYER", "ISA08, GS03 and the 1000B receiver ID")
	payerName := fs.String("payer-name", "SIM HEALTH PLAN", "the payer's name, for 1000B and 2010BB")
	submitter := fs.String("submitter-name", "CLAIMSGW CLEARINGHOUSE", "1000A submitter name")
	contact := fs.String("contact", "EDI SUPPORT", "1000A PER02 contact name")
	phone := fs.String("phone", "8005550100", "1000A PER contact phone")
	usageFlag := fs.String("usage", "T", "ISA15: T (test) or P (production)")
	control := fs.Int("control", 1, "ISA13; GS06 and the first ST02 take the same number. Each interchange sent to a payer needs a new one")
	delims := fs.String("delims", "*:^~", "delimiters: element, component, repetition, terminator")
	newline := fs.Bool("newline", true, "a line break after each segment")
	icd := fs.String("icd10cm", "", "ICD-10-CM code list (see claim check)")
	hcpcs := fs.String("hcpcs", "", "HCPCS/CPT code list (see claim check)")
	var cob cobFlags
	fs.StringVar(&cob.primary, "primary-835", "", "the primary payer's 835 for the encounter: print the claim to the next payer (SBR*S), with the primary's adjudication in 2320/2330B/2430")
	fs.StringVar(&cob.secondary, "secondary-835", "", "with --responsibility T: the secondary payer's 835, whose adjudication the tertiary claim carries too")
	fs.StringVar(&cob.resp, "responsibility", "S", "with --primary-835: the payer billed, S (secondary) or T (tertiary, with --secondary-835)")
	fs.StringVar(&cob.config, "config", "", "with --primary-835: the daemon's config: the route of the payer billed gives the envelope IDs, usage, delimiters and payer names")
	fs.BoolVar(&cob.json, "json", false, "with --primary-835: print the claim model as JSON instead of the 837")
	files, ok := parseFiles(fs, args)
	if !ok {
		return exitUnreadable
	}
	fs.Visit(func(f *flag.Flag) { cob.set = append(cob.set, f.Name) })
	if cob.primary != "" || cob.secondary != "" {
		return buildCOB(cob, files, batchFlags{senderQual: *senderQual, senderID: *senderID, receiverQual: *receiverQual, receiverID: *receiverID,
			payerName: *payerName, submitter: *submitter, contact: *contact, phone: *phone, usage: *usageFlag, control: *control,
			delims: *delims, newline: *newline, icd: *icd, hcpcs: *hcpcs}, stdin, stdout, stderr)
	}
	if slices.ContainsFunc(cob.set, func(f string) bool { return f == "config" || f == "json" || f == "responsibility" }) {
		fmt.Fprintf(stderr, "claimsgw claim build: --config, --json and --responsibility go with --primary-835\n")
		return exitUnreadable
	}
	if *usageFlag != "T" && *usageFlag != "P" {
		fmt.Fprintf(stderr, "claimsgw claim build: --usage must be T or P\n")
		return exitUnreadable
	}
	opts, err := checkOptions(*icd, *hcpcs, *delims)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw claim build: %v\n", err)
		return exitUnreadable
	}
	if *newline {
		opts.Delimiters.Suffix = "\n"
	}
	var claims []claim.Claim
	code := exitOK
	for _, name := range files {
		res := checkFile(name, stdin, opts, nil)
		valid := res.Unread == ""
		for _, e := range res.Encounters {
			valid = valid && e.Valid
		}
		if !valid {
			writeChecked(stderr, res)
			code = max(code, exitInvalid)
			if res.Unread != "" {
				code = exitUnreadable
			}
			continue
		}
		for _, e := range res.Encounters {
			claims = append(claims, encounter.ToClaim(e.enc, claim.Payer{Name: *payerName, ID: e.enc.PayerID}))
		}
	}
	if code != exitOK {
		fmt.Fprintln(stderr, "claimsgw claim build: nothing written: fix the encounters above")
		return code
	}
	out := bufio.NewWriter(stdout)
	_, err = claim.Write(out, claim.Batch{
		SenderQualifier: *senderQual, SenderID: *senderID, ReceiverQualifier: *receiverQual, ReceiverID: *receiverID,
		Usage: (*usageFlag)[0], Delimiters: opts.Delimiters, Time: time.Now(),
		InterchangeControlNumber: *control, GroupControlNumber: *control, TransactionControlNumber: *control,
		ReferenceID: fmt.Sprintf("CLAIMSGW%09d", *control),
		Submitter:   claim.Submitter{Name: *submitter, ID: *senderID, ContactName: *contact, Phone: *phone},
		Receiver:    claim.Receiver{Name: *payerName, ID: *receiverID},
	}, claims)
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw claim build: %v\n", err)
		return exitUnreadable
	}
	return exitOK
}
