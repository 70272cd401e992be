package transfer

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/claimsgw/claimsgw/internal/testutil"
)

const sshdPath = "/usr/sbin/sshd"

// startSSHD runs OpenSSH's sshd in the foreground on a free loopback port,
// with throwaway host keys and a user key for the current user, serving
// internal-sftp. The endpoint pins the ed25519 host key; sshd also has an
// ECDSA one, which Go's client would prefer if not told which to ask for. It returns the directory it made (which the user can write)
// and an endpoint pinned to the host key.
func startSSHD(t *testing.T) (string, Endpoint) {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Skipf("%s not installed (apt-get install -y openssh-server openssh-sftp-server; mkdir -p /run/sshd)", sshdPath)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hostPEM, host := testutil.SSHKey(t)
	ecdsaKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecdsaBlock, err := ssh.MarshalPrivateKey(ecdsaKey, "")
	if err != nil {
		t.Fatal(err)
	}
	userPEM, client := testutil.SSHKey(t)
	port := testutil.FreePort(t)
	files := map[string][]byte{
		"host_key":        hostPEM,
		"host_key_ecdsa":  pem.EncodeToMemory(ecdsaBlock),
		"authorized_keys": []byte(keyLine(client.PublicKey())),
		"sshd_config": fmt.Appendf(nil, `ListenAddress 127.0.0.1
Port %d
HostKey %[2]s/host_key_ecdsa
HostKey %[2]s/host_key
AuthorizedKeysFile %[2]s/authorized_keys
PidFile %[2]s/sshd.pid
AllowUsers %[3]s
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
LogLevel VERBOSE
`, port, dir, me.Username),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	var log testutil.SyncBuffer
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("sshd log:\n%s", log.String())
		}
	})

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for deadline := time.Now().Add(5 * time.Second); ; {
		select {
		case <-exited:
			t.Fatalf("sshd exited: %s", cmd.ProcessState)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd not listening on %s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return dir, Endpoint{
		Host: "127.0.0.1", Port: port, User: me.Username,
		PrivateKey: userPEM, HostKey: keyLine(host.PublicKey()),
		DialTimeout: 5 * time.Second,
	}
}

func TestOpenSSH(t *testing.T) {
	dir, ep := startSSHD(t)
	ctx := t.Context()
	inbound, outbound, archive := filepath.Join(dir, "inbound"), filepath.Join(dir, "outbound"), filepath.Join(dir, "archive")
	for _, d := range []string{inbound, outbound, archive} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c := dial(t, ep)
	for _, ext := range []string{extPosixRename, extFsync} {
		if _, ok := c.sftp.HasExtension(ext); !ok {
			t.Errorf("OpenSSH does not offer %s", ext)
		}
	}

	data := bytes.Repeat([]byte("ST*837*0001~"), 10000)
	for range 2 { // the second is a redelivery
		if err := c.Upload(ctx, inbound, "batch1.837", data); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := os.ReadFile(filepath.Join(inbound, "batch1.837")); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("delivered %d bytes, %v; want %d", len(got), err, len(data))
	}
	if err := c.Upload(ctx, inbound, "batch1.837", data[:10]); !errors.Is(err, ErrAlreadyDelivered) {
		t.Errorf("other size: %v", err)
	}

	for name, body := range map[string]string{"r1.999": "ISA*999~", "r2.835": "ISA*835~", ".r3.part": "x"} {
		if err := os.WriteFile(filepath.Join(outbound, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, _, err := c.List(ctx, outbound)
	if err != nil || len(files) != 2 || files[0].Name != "r1.999" || files[1].Name != "r2.835" {
		t.Fatalf("List = %v, %v", files, err)
	}
	if b, err := c.Fetch(ctx, outbound, "r1.999", 100); err != nil || string(b) != "ISA*999~" {
		t.Errorf("Fetch = %q, %v", b, err)
	}
	if _, err := c.Fetch(ctx, outbound, "r1.999", 7); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Fetch over maxSize: %v", err)
	}
	if err := c.Move(ctx, outbound, "r1.999", archive); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(ctx, outbound, "r2.835"); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(outbound)
	moved, _ := os.ReadDir(archive)
	if len(left) != 1 || len(moved) != 1 || moved[0].Name() != "r1.999" {
		t.Errorf("outbound %v, archive %v", left, moved)
	}

	// known_hosts with the right key connects; a changed key is refused.
	knownHosts := filepath.Join(dir, "known_hosts")
	hostKey, _, _, _, err := ssh.ParseAuthorizedKey([]byte(ep.HostKey))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(knownHosts, []byte(knownhosts.Line([]string{ep.Addr()}, hostKey)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	byFile := ep
	byFile.HostKey, byFile.KnownHostsFile = "", knownHosts
	dial(t, byFile).Close()

	_, other := testutil.SSHKey(t)
	changed := ep
	changed.HostKey = keyLine(other.PublicKey())
	if err := os.WriteFile(knownHosts, []byte(knownhosts.Line([]string{ep.Addr()}, other.PublicKey())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, ep := range map[string]Endpoint{"pinned line": changed, "known_hosts": byFile} {
		c, err := Dial(ctx, ep)
		if err == nil {
			c.Close()
		}
		if !errors.Is(err, ErrHostKeyMismatch) || IsTransient(err) {
			t.Errorf("%s: %v, want permanent ErrHostKeyMismatch", name, err)
		}
	}
	if names := testutil.DirNames(t, inbound); !slices.Equal(names, []string{"batch1.837"}) {
		t.Errorf("inbound holds %q", names)
	}
}
