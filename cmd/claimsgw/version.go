package main

import (
	"cmp"
	"fmt"
	"io"
	"runtime/debug"
)

// version and commit are the release and the commit it was built from,
// set at build time (the Dockerfile passes them as build arguments):
//
//	go build -ldflags "-X main.version=1.2.0 -X main.commit=$(git rev-parse HEAD)" ./cmd/claimsgw
//
// Without -X main.commit the commit is the one Go stamps in the build
// info (vcs.revision), when it does: not with -buildvcs=false, nor in a
// tree without .git.
var (
	version = "dev"
	commit  = ""
)

// runVersion prints the version, the commit the binary was built from
// (and whether the tree had changes, when Go stamped it), and the Go
// version.
func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("version", stderr, "claimsgw version (or claimsgw --version)")
	if pos, err := parse(fs, args); err != nil || len(pos) != 0 {
		if err == nil {
			fs.Usage()
		}
		return exitUnreadable
	}
	stamped, modified, goVersion := "", false, "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				stamped = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	c := commit
	if c == "" {
		c = cmp.Or(stamped, "unknown")
		if stamped != "" && modified {
			c += " (with changes)"
		}
	}
	fmt.Fprintf(stdout, "claimsgw %s, commit %s, %s\n", cmp.Or(version, "dev"), c, goVersion)
	return exitOK
}
