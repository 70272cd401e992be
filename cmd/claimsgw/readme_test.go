package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every command the README lists answers --help with its usage, once, and
// exit 0 (before, 0 at the top level and 2 for the subcommands), and the
// documents its help names exist (before, payer-sim --help named a README
// section that does not exist, and printed its usage twice).
func TestREADMECommandsHelp(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Commands\n")
	if !ok {
		t.Fatal("the README has no Commands section")
	}
	block := section[strings.Index(section, "```sh\n")+6:]
	block = block[:strings.Index(block, "```")]
	word := regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	seen := map[string]bool{}
	for _, line := range strings.Split(block, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || fields[0] != "claimsgw" {
			continue
		}
		var path []string
		for _, f := range fields[1:] {
			if !word.MatchString(f) {
				break
			}
			path = append(path, f)
		}
		name := strings.Join(path, " ")
		if len(path) == 0 || seen[name] {
			continue
		}
		seen[name] = true
		code, out, errOut := runClaimCLI(t, "", append(path, "--help")...)
		if code != exitOK || strings.TrimSpace(out+errOut) == "" {
			t.Errorf("claimsgw %s --help: exit %d, %q", name, code, out+errOut)
		}
		if len(path) > 1 || !groups[name] {
			if n := strings.Count(out+errOut, "Usage: "); n != 1 {
				t.Errorf("claimsgw %s --help prints its usage %d times:\n%s", name, n, out+errOut)
			}
		}
		for _, ref := range docRef.FindAllString(out+errOut, -1) {
			if _, err := os.Stat("../../" + ref); err != nil {
				t.Errorf("claimsgw %s --help names %s, which does not exist", name, ref)
			}
		}
		for _, m := range readmeSection.FindAllStringSubmatch(out+errOut, -1) {
			if !strings.Contains(string(b), "\n## "+m[1]+"\n") && !strings.Contains(strings.ToLower(string(b)), "\n## "+strings.ToLower(m[1])+"\n") {
				t.Errorf("claimsgw %s --help names the README's %q section, which it does not have", name, m[1])
			}
		}
	}
	for _, want := range []string{"serve", "submit", "demo", "claims show", "recon", "exceptions list", "files resend", "claim check", "x12 validate", "version", "codesets import", "codesets list"} {
		if !seen[want] {
			t.Errorf("the README's command list has no %q (read: %v)", want, seen)
		}
	}
}

var (
	// groups are the commands of subcommands: their --help is the
	// top-level usage.
	groups = map[string]bool{"x12": true, "claim": true, "claims": true, "exceptions": true, "files": true}
	// docRef is a repository file a help text names.
	docRef = regexp.MustCompile(`\b(?:docs|deploy)/[A-Za-z0-9_./-]+\.(?:md|yaml|json)\b`)
	// readmeSection is a section of the README a help text names.
	readmeSection = regexp.MustCompile(`the ([A-Za-z0-9 -]+) section of the README`)
)
