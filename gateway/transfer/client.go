package transfer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path"
	"strings"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// Client is an SFTP session with one server. It is safe for concurrent use,
// and must be closed.
type Client struct {
	host string
	ssh  *ssh.Client
	sftp *sftp.Client
}

// Dial connects to the endpoint, checks its host key against the pinned one,
// logs in and starts an SFTP session. DialTimeout bounds the TCP connect and
// the handshake.
func Dial(ctx context.Context, ep Endpoint) (*Client, error) {
	cfg, err := ep.clientConfig()
	if err != nil {
		return nil, err
	}
	addr := ep.Addr()
	d := net.Dialer{Timeout: ep.dialTimeout()}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("transfer: dial %s: %w", addr, err)
	}
	if ep.KnownHostsFile != "" {
		if cfg.HostKeyAlgorithms, err = knownHostKeyAlgorithms(cfg.HostKeyCallback, addr, conn.RemoteAddr()); err != nil {
			conn.Close()
			return nil, err
		}
	}
	_ = conn.SetDeadline(time.Now().Add(ep.dialTimeout()))
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	c, err := handshake(conn, addr, cfg)
	if !stop() {
		err = ctx.Err()
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("transfer: connect %s: %w", addr, err)
	}
	_ = conn.SetDeadline(time.Time{})
	c.host = addr
	return c, nil
}

func handshake(conn net.Conn, addr string, cfg *ssh.ClientConfig) (*Client, error) {
	sc, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	if err != nil {
		if strings.Contains(err.Error(), "unable to authenticate") {
			return nil, fmt.Errorf("%w as %s: %v", ErrAuth, cfg.User, err)
		}
		return nil, err
	}
	sshc := ssh.NewClient(sc, chans, reqs)
	sftpc, err := sftp.NewClient(sshc)
	if err != nil {
		sshc.Close()
		return nil, err
	}
	return &Client{ssh: sshc, sftp: sftpc}, nil
}

// Close ends the session and the connection.
func (c *Client) Close() error {
	return errors.Join(c.sftp.Close(), c.ssh.Close())
}

// run calls op unless ctx is done, closing the client if ctx ends during op.
// Errors are wrapped with the operation, host, directory and name.
func (c *Client) run(ctx context.Context, what, dir, name string, op func() error) error {
	err := ctx.Err()
	if err == nil {
		stop := context.AfterFunc(ctx, func() { c.Close() })
		err = op()
		if !stop() {
			err = ctx.Err()
		}
	}
	if err != nil {
		return fmt.Errorf("transfer: %s %s:%s: %w", what, c.host, path.Join(dir, name), err)
	}
	return nil
}
