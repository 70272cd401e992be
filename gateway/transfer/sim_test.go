package transfer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/payersim"
)

// sim is a payer simulator on a temporary root with an endpoint pinned to it.
type sim struct {
	root string
	srv  *payersim.Server
	ep   Endpoint
}

func startSim(t *testing.T) *sim {
	t.Helper()
	pemKey, user := testutil.SSHKey(t)
	s := &sim{root: t.TempDir(), ep: Endpoint{User: "gateway", PrivateKey: pemKey}}
	s.restart(t, payersim.Config{Root: s.root, User: "gateway", UserKey: user.PublicKey()})
	s.ep.Host, s.ep.Port = hostPort(t, s.srv.Addr())
	s.ep.HostKey = s.srv.HostKeyLine()
	return s
}

// restart starts a new server with cfg, closing the running one first.
func (s *sim) restart(t *testing.T, cfg payersim.Config) {
	t.Helper()
	if s.srv != nil {
		if err := s.srv.Close(); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := payersim.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	s.srv = srv
}

func (s *sim) write(t *testing.T, rel, data string) {
	t.Helper()
	p := filepath.Join(s.root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (s *sim) names(t *testing.T, dir string) []string {
	t.Helper()
	return testutil.DirNames(t, filepath.Join(s.root, dir))
}

func TestUpload(t *testing.T) {
	s := startSim(t)
	c := dial(t, s.ep)
	ctx := t.Context()
	data := []byte(strings.Repeat("ISA*00*~", 20000)) // several SFTP packets

	if err := c.Upload(ctx, "/inbound", "batch1.837", data); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(s.root, "inbound/batch1.837"))
	if err != nil || string(got) != string(data) {
		t.Fatalf("delivered %d bytes, %v; want %d", len(got), err, len(data))
	}
	if names := s.names(t, "inbound"); !slices.Equal(names, []string{"batch1.837"}) {
		t.Errorf("inbound holds %q, want only the final name", names)
	}

	// Redelivery after a crash between rename and ledger commit.
	if err := c.Upload(ctx, "/inbound", "batch1.837", data); err != nil {
		t.Errorf("same name, same size: %v", err)
	}
	err = c.Upload(ctx, "/inbound", "batch1.837", data[:100])
	if !errors.Is(err, ErrAlreadyDelivered) || IsTransient(err) {
		t.Errorf("same name, other size: %v", err)
	}
	for _, want := range []string{s.ep.Addr(), "/inbound/batch1.837"} {
		if err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if names := s.names(t, "inbound"); !slices.Equal(names, []string{"batch1.837"}) {
		t.Errorf("inbound holds %q after the refused upload", names)
	}

	// A failed write leaves no temporary file: the directory does not exist.
	if err := c.Upload(ctx, "/nowhere", "batch2.837", data); err == nil {
		t.Error("upload to a missing directory succeeded")
	}
	if err := c.Upload(ctx, "/inbound", "../batch3.837", data); !errors.Is(err, ErrUnsafeName) {
		t.Errorf("unsafe name: %v", err)
	}
}

func TestUploadPlainRename(t *testing.T) {
	// A server without posix-rename@openssh.com: the package-wide extension
	// list of pkg/sftp's server, restored afterwards.
	if err := sftp.SetSFTPExtensions("statvfs@openssh.com"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = sftp.SetSFTPExtensions("hardlink@openssh.com", "posix-rename@openssh.com", "statvfs@openssh.com")
	})
	s := startSim(t)
	c := dial(t, s.ep)
	if _, ok := c.sftp.HasExtension(extPosixRename); ok {
		t.Fatal("server still offers posix-rename@openssh.com")
	}
	data := []byte("ISA*00*~")
	for range 2 {
		if err := c.Upload(t.Context(), "inbound", "b.837", data); err != nil {
			t.Fatal(err)
		}
	}
	if names := s.names(t, "inbound"); !slices.Equal(names, []string{"b.837"}) {
		t.Errorf("inbound holds %q", names)
	}
}

func TestPickup(t *testing.T) {
	s := startSim(t)
	c := dial(t, s.ep)
	ctx := t.Context()
	s.write(t, "outbound/r1.999", "ISA*999~")
	s.write(t, "outbound/r2.835", "ISA*835*payment~")
	s.write(t, "outbound/.r3.277.swp", "hidden")
	s.write(t, "outbound/r4.277.part", "partial")
	s.write(t, "outbound/sub/r5.999", "nested")
	s.write(t, "outbound/archive/.keep", "")
	if err := os.Symlink("r1.999", filepath.Join(s.root, "outbound/link.999")); err != nil {
		t.Fatal(err)
	}

	s.write(t, "outbound/back\\slash.835", "a backslash")
	s.write(t, "outbound/bell\a.835", "a control character")
	files, skipped, err := c.List(ctx, "/outbound")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, []string{"r1.999", "r2.835"}) {
		t.Fatalf("List = %q", names)
	}
	// Every entry left out, with why.
	want := []Skipped{{".r3.277.swp", SkippedInProgress}, {"archive", SkippedNotRegular}, {"back\\slash.835", SkippedUnsafeName},
		{"bell\a.835", SkippedUnsafeName}, {"link.999", SkippedNotRegular}, {"r4.277.part", SkippedInProgress}, {"sub", SkippedNotRegular}}
	if !slices.Equal(skipped, want) {
		t.Errorf("skipped %q, want %q", skipped, want)
	}
	if files[1].Size != 16 {
		t.Errorf("r2.835 size %d, want 16", files[1].Size)
	}

	if b, err := c.Fetch(ctx, "/outbound", "r2.835", 16); err != nil || string(b) != "ISA*835*payment~" {
		t.Errorf("Fetch = %q, %v", b, err)
	}
	if _, err := c.Fetch(ctx, "/outbound", "r2.835", 15); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Fetch over maxSize: %v", err)
	}
	if _, err := c.Fetch(ctx, "/outbound", "link.999", 100); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Fetch symlink: %v", err)
	}
	if _, err := c.Fetch(ctx, "/outbound", "gone.999", 100); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Fetch missing: %v", err)
	}

	if err := c.Move(ctx, "/outbound", "r1.999", "/outbound/archive"); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(ctx, "/outbound", "r2.835"); err != nil {
		t.Fatal(err)
	}
	if names := s.names(t, "outbound/archive"); !slices.Equal(names, []string{".keep", "r1.999"}) {
		t.Errorf("archive holds %q", names)
	}
	if files, _, err := c.List(ctx, "/outbound"); err != nil || len(files) != 0 {
		t.Errorf("List after move and remove = %v, %v", files, err)
	}
	if err := c.Remove(ctx, "/outbound", "../inbound"); !errors.Is(err, ErrUnsafeName) {
		t.Errorf("Remove unsafe name: %v", err)
	}
}

func TestPickupJail(t *testing.T) {
	s := startSim(t)
	c := dial(t, s.ep)
	ctx := t.Context()
	outside := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(outside, []byte("root:x:0:0"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(s.root, "outbound/passwd")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(outside), filepath.Join(s.root, "outbound/up")); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ dir, name string }{
		{"/outbound", "../../etc/passwd"},
		{"/outbound", "/etc/passwd"},
		{"/outbound", "passwd"},
		{"/outbound/up", "passwd"},
		{"/../../../..", "passwd"},
		{filepath.Dir(outside), "passwd"},
	} {
		if b, err := c.Fetch(ctx, tc.dir, tc.name, 1<<20); err == nil {
			t.Errorf("Fetch(%q, %q) = %q", tc.dir, tc.name, b)
		}
	}
	if files, _, err := c.List(ctx, "/outbound/up"); err == nil {
		t.Errorf("listed outside the root: %v", files)
	}
	if err := c.Upload(ctx, "/outbound/up", "planted.837", []byte("x")); err == nil {
		t.Error("uploaded through a symlink pointing outside")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(outside), "planted.837")); err == nil {
		t.Error("file planted outside the root")
	}
}

func TestHostKeyChanged(t *testing.T) {
	s := startSim(t)
	c := dial(t, s.ep)
	c.Close()
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	line := knownhosts.Line([]string{s.ep.Addr()}, s.srv.HostKey()) + "\n"
	if err := os.WriteFile(knownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	byFile := s.ep
	byFile.HostKey, byFile.KnownHostsFile = "", knownHosts
	dial(t, byFile).Close()

	// Same root, same address, same user, new host key.
	hostKey, err := payersim.NewHostKey()
	if err != nil {
		t.Fatal(err)
	}
	user, err := ssh.ParsePrivateKey(s.ep.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	s.restart(t, payersim.Config{Root: s.root, User: "gateway", UserKey: user.PublicKey(),
		HostKey: hostKey, Addr: s.ep.Addr()})

	for name, ep := range map[string]Endpoint{"pinned line": s.ep, "known_hosts": byFile} {
		c, err := Dial(t.Context(), ep)
		if err == nil {
			c.Close()
		}
		if !errors.Is(err, ErrHostKeyMismatch) || IsTransient(err) {
			t.Errorf("%s: %v, want permanent ErrHostKeyMismatch", name, err)
		}
	}

	// The new key pinned works.
	s.ep.HostKey = s.srv.HostKeyLine()
	dial(t, s.ep).Close()
}

func TestDialRefusals(t *testing.T) {
	s := startSim(t)
	otherPEM, other := testutil.SSHKey(t)
	unknownHosts := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(unknownHosts, []byte(knownhosts.Line([]string{"payer.example:22"}, other.PublicKey())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Endpoint)
		want error
	}{
		{"no pinned key", func(e *Endpoint) { e.HostKey = "" }, ErrConfig},
		{"bad key line", func(e *Endpoint) { e.HostKey = "ssh-ed25519 nonsense" }, ErrConfig},
		{"key and file", func(e *Endpoint) { e.KnownHostsFile = unknownHosts }, ErrConfig},
		{"host not in known_hosts", func(e *Endpoint) { e.HostKey, e.KnownHostsFile = "", unknownHosts }, ErrHostKeyUnknown},
		{"no credentials", func(e *Endpoint) { e.PrivateKey = nil }, ErrConfig},
		{"wrong user key", func(e *Endpoint) { e.PrivateKey = otherPEM }, ErrAuth},
		{"wrong user", func(e *Endpoint) { e.User = "intruder" }, ErrAuth},
		{"other host key", func(e *Endpoint) { e.HostKey = keyLine(other.PublicKey()) }, ErrHostKeyMismatch},
	} {
		ep := s.ep
		tc.edit(&ep)
		c, err := Dial(t.Context(), ep)
		if err == nil {
			c.Close()
		}
		if !errors.Is(err, tc.want) || IsTransient(err) {
			t.Errorf("%s: %v, want permanent %v", tc.name, err, tc.want)
		}
		t.Logf("%s: %v", tc.name, err)
	}
}

func TestIsTransient(t *testing.T) {
	s := startSim(t)
	addr := s.ep
	s.srv.Close() // nothing listens there now

	_, err := Dial(t.Context(), addr)
	if !IsTransient(err) {
		t.Errorf("connection refused: %v, want transient", err)
	}

	s = startSim(t)
	c := dial(t, s.ep)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := c.Upload(ctx, "/inbound", "a.837", []byte("x")); !errors.Is(err, context.Canceled) || IsTransient(err) {
		t.Errorf("cancelled: %v", err)
	}
	s.srv.Close() // the server goes away under a connected client
	if _, _, err := c.List(t.Context(), "/inbound"); !IsTransient(err) {
		t.Errorf("connection lost: %v, want transient", err)
	}

	for _, tc := range []struct {
		err  error
		want bool
	}{
		{context.DeadlineExceeded, true},
		{os.ErrPermission, false},
		{&os.PathError{Op: "open", Path: "/inbound/x", Err: os.ErrPermission}, false},
		{&os.PathError{Op: "open", Path: "key", Err: os.ErrNotExist}, false},
		{errors.New("something else"), false},
	} {
		if got := IsTransient(tc.err); got != tc.want {
			t.Errorf("IsTransient(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// Stage and Publish apart: a Publish repeated after the rename (the
// connection dropped before its answer arrived), and one whose file the
// payer took meanwhile, both find the staged file gone and count the file
// as delivered; nothing is written twice.
func TestStagePublish(t *testing.T) {
	s := startSim(t)
	c := dial(t, s.ep)
	ctx := t.Context()
	data := []byte(strings.Repeat("ISA*00*~", 50))

	tmp, err := c.Stage(ctx, "/inbound", "b1.837", data)
	if err != nil || !inProgress(tmp) {
		t.Fatalf("stage: %q, %v", tmp, err)
	}
	if names := s.names(t, "inbound"); !slices.Equal(names, []string{tmp}) {
		t.Fatalf("after staging inbound holds %q", names)
	}
	for range 2 {
		if err := c.Publish(ctx, "/inbound", tmp, "b1.837", int64(len(data))); err != nil {
			t.Fatal(err)
		}
	}
	if names := s.names(t, "inbound"); !slices.Equal(names, []string{"b1.837"}) {
		t.Fatalf("after publishing inbound holds %q", names)
	}
	if err := os.Remove(filepath.Join(s.root, "inbound", "b1.837")); err != nil { // the payer took it
		t.Fatal(err)
	}
	if err := c.Publish(ctx, "/inbound", tmp, "b1.837", int64(len(data))); err != nil {
		t.Errorf("publish after the payer took the file: %v", err)
	}
	if names := s.names(t, "inbound"); len(names) != 0 {
		t.Errorf("inbound holds %q", names)
	}

	// Staged again over a file already there: "" and nothing written.
	s.write(t, "inbound/b2.837", string(data))
	if tmp, err := c.Stage(ctx, "/inbound", "b2.837", data); err != nil || tmp != "" {
		t.Errorf("stage over a delivered file: %q, %v", tmp, err)
	}
	if err := c.Publish(ctx, "/inbound", "../x.part", "b3.837", 1); !errors.Is(err, ErrUnsafeName) {
		t.Errorf("unsafe temporary name: %v", err)
	}
}
