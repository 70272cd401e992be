package transfer

import (
	"crypto/ed25519"
	"encoding/pem"
	"net"
	"strconv"
	"testing"

	"golang.org/x/crypto/ssh"
)

// newKey returns a fresh ed25519 key as OpenSSH PEM and as a signer.
func newKey(t *testing.T) ([]byte, ssh.Signer) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block), signer
}

func keyLine(k ssh.PublicKey) string {
	return string(ssh.MarshalAuthorizedKey(k))
}

// hostPort splits a host:port address.
func hostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

func dial(t *testing.T, ep Endpoint) *Client {
	t.Helper()
	c, err := Dial(t.Context(), ep)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
