package gatewaytest

import (
	"context"
	"strconv"
	"strings"
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
	userPEM, user := testutil.SSHKey(t)
	_, host := testutil.SSHKey(t)
	port := testutil.FreePort(t)
	s := &SFTP{cfg: payersim.Config{Root: root, User: "claimsgw", UserKey: user.PublicKey(), HostKey: host, Addr: "127.0.0.1:" + strconv.Itoa(port)}}
	s.Endpoint = transfer.Endpoint{Host: "127.0.0.1", Port: port, User: "claimsgw", PrivateKey: userPEM,
		HostKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(host.PublicKey())))}
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
