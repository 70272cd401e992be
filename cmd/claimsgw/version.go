package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is the release, set at build time:
// go build -ldflags "-X main.version=1.2.0" ./cmd/claimsgw
var version = "dev"

// runVersion prints the version, the commit the binary was built from
// (and whether the tree had changes), and the Go version.
func runVersion(_ []string, _ io.Reader, stdout, _ io.Writer) int {
	commit, modified, goVersion := "unknown", false, "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		commit += " (with changes)"
	}
	fmt.Fprintf(stdout, "claimsgw %s, commit %s, %s\n", version, commit, goVersion)
	return exitOK
}
