package payersim

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// start runs a server on root for user "payer" and returns it with the
// user's signer.
func start(t *testing.T, root, password string) (*Server, ssh.Signer) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	user, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(Config{Root: root, User: "payer", UserKey: user.PublicKey(), Password: password})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, user
}

func connect(s *Server, user string, auth ssh.AuthMethod) (*sftp.Client, error) {
	sshc, err := ssh.Dial("tcp", s.Addr(), &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{auth},
		HostKeyCallback: ssh.FixedHostKey(s.HostKey()),
	})
	if err != nil {
		return nil, err
	}
	c, err := sftp.NewClient(sshc)
	if err != nil {
		sshc.Close()
		return nil, err
	}
	return c, nil
}

func client(t *testing.T, s *Server, user ssh.Signer) *sftp.Client {
	t.Helper()
	c, err := connect(s, "payer", ssh.PublicKeys(user))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func put(t *testing.T, c *sftp.Client, p, data string) {
	t.Helper()
	f, err := c.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		t.Fatalf("create %s: %v", p, err)
	}
	if _, err := f.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func get(c *sftp.Client, p string) (string, error) {
	f, err := c.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	return string(b), err
}

func TestLayoutAndDefaults(t *testing.T) {
	root := t.TempDir()
	s, _ := start(t, root, "")
	for _, dir := range []string{InboundDir, OutboundDir} {
		if fi, err := os.Stat(filepath.Join(root, dir)); err != nil || !fi.IsDir() {
			t.Errorf("%s: %v", dir, err)
		}
	}
	if host, _, _ := strings.Cut(s.Addr(), ":"); host != "127.0.0.1" {
		t.Errorf("Addr() = %s, want loopback", s.Addr())
	}
	if key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s.HostKeyLine())); err != nil || key.Type() != ssh.KeyAlgoED25519 {
		t.Errorf("HostKeyLine() = %q: %v", s.HostKeyLine(), err)
	}
}

func TestOperations(t *testing.T) {
	root := t.TempDir()
	s, user := start(t, root, "")
	c := client(t, s, user)

	if v, ok := c.HasExtension("posix-rename@openssh.com"); !ok || v != "1" {
		t.Errorf("posix-rename@openssh.com not advertised")
	}
	if err := c.Mkdir("/outbound/archive"); err != nil {
		t.Fatal(err)
	}
	put(t, c, "/inbound/a.837", "ISA*first")
	put(t, c, "inbound/b.837", "ISA*second") // relative to the root too
	if _, err := c.OpenFile("/inbound/a.837", os.O_WRONLY|os.O_CREATE|os.O_EXCL); err == nil {
		t.Error("exclusive create of an existing file succeeded")
	}
	if fi, err := c.Stat("/inbound/a.837"); err != nil || fi.Size() != 9 {
		t.Errorf("stat: %v, %v", fi, err)
	}
	entries, err := c.ReadDir("/inbound")
	if err != nil || len(entries) != 2 {
		t.Fatalf("list: %v, %v", entries, err)
	}

	if err := c.Rename("/inbound/a.837", "/inbound/b.837"); err == nil {
		t.Error("plain rename replaced an existing file")
	}
	if err := c.PosixRename("/inbound/a.837", "/inbound/b.837"); err != nil {
		t.Fatal(err)
	}
	if got, err := get(c, "/inbound/b.837"); err != nil || got != "ISA*first" {
		t.Errorf("after posix-rename: %q, %v", got, err)
	}
	if err := c.Rename("/inbound/b.837", "/outbound/archive/b.837"); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove("/outbound/archive/b.837"); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove("/outbound/archive"); err == nil {
		t.Error("removed a directory")
	}
	if _, err := os.Stat(filepath.Join(root, "outbound/archive/b.837")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("removed file still on disk: %v", err)
	}
}

func TestAuth(t *testing.T) {
	s, user := start(t, t.TempDir(), "secret")
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	other, _ := ssh.NewSignerFromKey(otherPriv)
	for _, tc := range []struct {
		name, user string
		auth       ssh.AuthMethod
		ok         bool
	}{
		{"key", "payer", ssh.PublicKeys(user), true},
		{"password", "payer", ssh.Password("secret"), true},
		{"wrong password", "payer", ssh.Password("guess"), false},
		{"wrong key", "payer", ssh.PublicKeys(other), false},
		{"wrong user", "root", ssh.PublicKeys(user), false},
	} {
		c, err := connect(s, tc.user, tc.auth)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok %v", tc.name, err, tc.ok)
		}
		if err == nil {
			c.Close()
		}
	}
}

func TestJail(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, user := start(t, root, "")
	c := client(t, s, user)
	if err := os.Symlink(secret, filepath.Join(root, OutboundDir, "escape.999")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, filepath.Join(root, "up")); err != nil {
		t.Fatal(err)
	}

	for _, p := range []string{
		"../secret.txt", "/../secret.txt", "../../../../etc/passwd", "/etc/passwd",
		"inbound/../../secret.txt", "/outbound/escape.999", "/up/secret.txt",
	} {
		if got, err := get(c, p); err == nil {
			t.Errorf("read %s: got %q", p, got)
		}
		if _, err := c.Stat(p); err == nil {
			t.Errorf("stat %s succeeded", p)
		}
	}
	if _, err := c.ReadDir("/up"); err == nil {
		t.Error("listed a directory outside the root through a symlink")
	}
	if _, err := c.OpenFile("/up/planted", os.O_WRONLY|os.O_CREATE); err == nil {
		t.Error("created a file through a symlink pointing outside")
	}
	if err := c.Remove("/outbound/escape.999"); err != nil {
		t.Errorf("remove the symlink itself: %v", err)
	}
	put(t, c, "../../planted", "x") // cleaned to /planted inside the root
	if err := c.Rename("/planted", "../../planted2"); err != nil {
		t.Fatal(err)
	}
	if err := c.Symlink(dir, "/link"); err == nil {
		t.Error("client made a symlink")
	}

	if b, err := os.ReadFile(secret); err != nil || string(b) != "outside" {
		t.Errorf("secret changed: %q, %v", b, err)
	}
	for _, name := range []string{"planted", "planted2"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s written outside the root", name)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "planted2")); err != nil {
		t.Errorf("planted2 not inside the root: %v", err)
	}
}

func TestCloseByContext(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(nil)
	user, _ := ssh.NewSignerFromKey(priv)
	s, err := NewServer(Config{Root: t.TempDir(), User: "payer", UserKey: user.PublicKey()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := connect(s, "payer", ssh.PublicKeys(user))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cancel()
	if err := c.Wait(); err == nil {
		t.Error("session survived the server's context")
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
}
