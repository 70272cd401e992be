package transfer

import (
	"net"
	"strconv"
	"testing"

	"golang.org/x/crypto/ssh"
)

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
