package gatewaytest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"strconv"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/claimsgw/claimsgw/gateway/transfer"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/payersim"
)

// SFTP is the payer simulator's SFTP server on a port of its own, serving
// root, which a test can stop and start again with the same host key.
type SFTP struct {
	Endpoint transfer.Endpoint // how the gateway reaches it, host key pinned
	cfg      payersim.Config
	srv      *payersim.Server
}

// NewSFTP returns the server, not started: Start starts it.
func NewSFTP(t testing.TB, root string) *SFTP {
	t.Helper()
	_, userKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	user, err := ssh.NewSignerFromKey(userKey)
	if err != nil {
		t.Fatal(err)
	}
	_, hostKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	host, err := ssh.NewSignerFromKey(hostKey)
	if err != nil {
		t.Fatal(err)
	}
	port := testutil.FreePort(t)
	s := &SFTP{cfg: payersim.Config{Root: root, User: "claimsgw", UserKey: user.PublicKey(), HostKey: host, Addr: "127.0.0.1:" + strconv.Itoa(port)}}
	block, err := ssh.MarshalPrivateKey(userKey, "")
	if err != nil {
		t.Fatal(err)
	}
	s.Endpoint = transfer.Endpoint{Host: "127.0.0.1", Port: port, User: "claimsgw", PrivateKey: pem.EncodeToMemory(block),
		HostKey: string(ssh.MarshalAuthorizedKey(host.PublicKey()))}
	t.Cleanup(s.Stop)
	return s
}

// Start starts the server.
func (s *SFTP) Start(t testing.TB) {
	t.Helper()
	srv, err := payersim.NewServer(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.srv = srv
}

// Stop stops it, as an outage does.
func (s *SFTP) Stop() {
	if s.srv != nil {
		s.srv.Close()
		s.srv = nil
	}
}
