package main

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// claimBuild writes one interchange holding the 837s of every encounter
// given, after the same checks as claim check: one invalid encounter and
// nothing is written.
func claimBuild(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("build", stderr, `claimsgw claim build [flags] ENCOUNTER.json...`)
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
	files, ok := parseFiles(fs, args)
	if !ok {
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
