package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/ack"
	"github.com/claimsgw/claimsgw/x12/sets"
)

// x12Ack prints what a strict payer would send back for a file: for each
// interchange, a TA1 R when its envelope is wrong (its IEA, a GS that
// cannot be read), else a 999 for each of its groups, from every problem
// x12 validate finds (the guides' rules included). Exit as x12 validate:
// 0 when every set is accepted, 1 when one is not.
func x12Ack(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("ack", stderr, "claimsgw x12 ack FILE")
	name, ok := parseFile(fs, args)
	if !ok {
		return exitUnreadable
	}
	f, err := open(name, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "%s: cannot be read: %v\n", name, err)
		return exitUnreadable
	}
	defer f.Close()
	doc, err := x12.ReadFileWith(f, sets.Checkers())
	if err != nil {
		fmt.Fprintf(stderr, "%s: cannot be read: %v\n", name, err)
		return exitUnreadable
	}
	if e := notX12(doc.Errors); e != nil || len(doc.Interchanges) == 0 {
		fmt.Fprintf(stderr, "%s: cannot be read: not X12\n", name)
		return exitUnreadable
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	d := x12.DefaultDelimiters
	d.Suffix = "\n"
	w := x12.NewWriter(out, d)
	now := time.Now().UTC()
	code := exitOK
	for i, ic := range doc.Interchanges {
		isa13, _ := strconv.Atoi(ic.ControlNumber)
		w.BeginInterchange(x12.InterchangeHeader{SenderQualifier: ic.ReceiverQualifier, SenderID: ic.ReceiverID,
			ReceiverQualifier: ic.SenderQualifier, ReceiverID: ic.SenderID, Time: now, ControlNumber: i + 1, Usage: usageOf(ic.Usage)})
		if note := ack.TA1Note(ic, doc.Errors); note != "" {
			w.Segment("TA1", fmt.Sprintf("%09d", isa13), now.Format("060102"), now.Format("1504"), "R", note)
			w.EndInterchange()
			code = exitInvalid
			continue
		}
		w.BeginGroup(x12.GroupHeader{FunctionalID: "FA", SenderCode: ic.ReceiverID, ReceiverCode: ic.SenderID, Time: now, ControlNumber: i + 1, Version: "005010X231A1"})
		for j, g := range ic.Groups {
			a := ack.For(g, doc.Errors)
			if a.Group.Code != "A" {
				code = exitInvalid
			}
			ack.Write(w, j+1, a)
		}
		w.EndGroup()
		w.EndInterchange()
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "claimsgw x12 ack: %v\n", err)
		return exitUnreadable
	}
	return code
}

func usageOf(u string) byte {
	if u == "P" {
		return 'P'
	}
	return 'T'
}
