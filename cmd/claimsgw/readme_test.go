package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every command the README lists answers --help with its usage and exit
// 0 (before, 0 at the top level and 2 for the subcommands).
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
	}
	for _, want := range []string{"serve", "submit", "demo", "claims show", "recon", "exceptions list", "files resend", "claim check", "x12 validate", "version", "codesets import", "codesets list"} {
		if !seen[want] {
			t.Errorf("the README's command list has no %q (read: %v)", want, seen)
		}
	}
}
