package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// claimsgw version prints the version, the commit and the Go version; the
// version and the commit set at build time (-X main.version, -X
// main.commit, as the Dockerfile does) are the ones printed. Before, the
// commit came from the build info only, "unknown" in a build without VCS
// stamping (GOFLAGS=-buildvcs=false, a Docker build without .git), and
// could not be set.
func TestVersionOutput(t *testing.T) {
	line := regexp.MustCompile(`^claimsgw (\S+), commit (\S+( \(with changes\))?), (go\S+)\n$`)
	code, out, _ := runClaimCLI(t, "", "version")
	if code != exitOK || !line.MatchString(out) {
		t.Errorf("version: exit %d, %q", code, out)
	}
	if code, again, _ := runClaimCLI(t, "", "--version"); code != exitOK || again != out {
		t.Errorf("--version: exit %d, %q; version said %q", code, again, out)
	}
	defer func(v, c string) { version, commit = v, c }(version, commit)
	version, commit = "1.2.3", "0123456789abcdef"
	if _, out, _ := runClaimCLI(t, "", "version"); !strings.HasPrefix(out, "claimsgw 1.2.3, commit 0123456789abcdef, go") {
		t.Errorf("with version and commit set: %q", out)
	}
}

// The same through the linker, as a release build sets them.
func TestVersionSetByTheLinker(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: not in -short")
	}
	bin := filepath.Join(t.TempDir(), "claimsgw")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X main.version=9.8.7 -X main.commit=feedc0de", ".")
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "claimsgw 9.8.7, commit feedc0de, go") {
		t.Errorf("version of a binary built with -X: %q, %v", out, err)
	}
}
