package payersim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// Directories under the root: the gateway uploads to InboundDir, the payer
// answers in OutboundDir.
const (
	InboundDir  = "inbound"
	OutboundDir = "outbound"
)

// DefaultAddr is where a Server listens when Config.Addr is empty.
const DefaultAddr = "127.0.0.1:0"

const handshakeTimeout = 10 * time.Second

// Config describes a Server.
type Config struct {
	Root     string        // directory served as "/"; created if missing
	User     string        // the one user allowed in
	UserKey  ssh.PublicKey // the user's public key (required)
	Password string        // if set, the user may also log in with it
	HostKey  ssh.Signer    // nil: a fresh ed25519 key
	Addr     string        // listen address; empty: DefaultAddr
}

// Server is an SFTP server for one user, jailed to a directory.
type Server struct {
	cfg     Config
	hostKey ssh.Signer
	ssh     *ssh.ServerConfig

	mu     sync.Mutex
	ln     net.Listener
	root   *os.Root
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewServer checks cfg and prepares a server; Start makes it listen.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Root == "" || cfg.User == "" || cfg.UserKey == nil {
		return nil, errors.New("payersim: Root, User and UserKey are required")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	hostKey := cfg.HostKey
	if hostKey == nil {
		var err error
		if hostKey, err = NewHostKey(); err != nil {
			return nil, err
		}
	}
	s := &Server{cfg: cfg, hostKey: hostKey, conns: map[net.Conn]struct{}{}}
	s.ssh = &ssh.ServerConfig{PublicKeyCallback: s.checkKey}
	if cfg.Password != "" {
		s.ssh.PasswordCallback = s.checkPassword
	}
	s.ssh.AddHostKey(hostKey)
	return s, nil
}

// NewHostKey generates an ed25519 host key.
func NewHostKey() (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, err
	}
	return ssh.NewSignerFromKey(priv)
}

// HostKeyLine is the server's public host key as an authorized_keys line
// without newline, the form a client pins.
func (s *Server) HostKeyLine() string {
	return string(bytes.TrimSpace(ssh.MarshalAuthorizedKey(s.hostKey.PublicKey())))
}

// HostKey is the server's public host key.
func (s *Server) HostKey() ssh.PublicKey { return s.hostKey.PublicKey() }

func (s *Server) checkKey(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	if c.User() == s.cfg.User && bytes.Equal(key.Marshal(), s.cfg.UserKey.Marshal()) {
		return &ssh.Permissions{}, nil
	}
	return nil, fmt.Errorf("payersim: key refused for %q", c.User())
}

func (s *Server) checkPassword(c ssh.ConnMetadata, password []byte) (*ssh.Permissions, error) {
	if c.User() == s.cfg.User && subtle.ConstantTimeCompare(password, []byte(s.cfg.Password)) == 1 {
		return &ssh.Permissions{}, nil
	}
	return nil, fmt.Errorf("payersim: password refused for %q", c.User())
}

// Start creates the root with its inbound/ and outbound/ directories, listens
// and serves in the background until Close or until ctx ends.
func (s *Server) Start(ctx context.Context) error {
	for _, dir := range []string{InboundDir, OutboundDir} {
		if err := os.MkdirAll(filepath.Join(s.cfg.Root, dir), 0o700); err != nil {
			return fmt.Errorf("payersim: %w", err)
		}
	}
	root, err := os.OpenRoot(s.cfg.Root)
	if err != nil {
		return fmt.Errorf("payersim: %w", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		root.Close()
		return fmt.Errorf("payersim: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		ln.Close()
		root.Close()
		return errors.New("payersim: already started")
	}
	s.ln, s.root = ln, root
	s.wg.Add(1)
	go s.accept(jail{root}.handlers())
	context.AfterFunc(ctx, func() { s.Close() })
	return nil
}

// Addr is the address the server listens on, after Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Close stops listening, drops every connection and waits for them to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.ln == nil || s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	err := s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return errors.Join(err, s.root.Close())
}

func (s *Server) accept(h sftp.Handlers) {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.serveConn(c, h)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// serveConn runs the SSH handshake and serves the connection's sessions.
func (s *Server) serveConn(c net.Conn, h sftp.Handlers) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(handshakeTimeout))
	sc, chans, reqs, err := ssh.NewServerConn(c, s.ssh)
	if err != nil {
		return
	}
	_ = c.SetDeadline(time.Time{})
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	var sessions sync.WaitGroup
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		sessions.Go(func() { serveSession(ch, creqs, h) })
	}
	sessions.Wait()
}

// serveSession waits for the sftp subsystem request and serves it; any other
// request (shell, exec, pty) is refused.
func serveSession(ch ssh.Channel, reqs <-chan *ssh.Request, h sftp.Handlers) {
	defer ch.Close()
	for req := range reqs {
		var sub struct{ Name string }
		ok := req.Type == "subsystem" && ssh.Unmarshal(req.Payload, &sub) == nil && sub.Name == "sftp"
		_ = req.Reply(ok, nil)
		if ok {
			go ssh.DiscardRequests(reqs)
			rs := sftp.NewRequestServer(ch, h)
			_ = rs.Serve()
			_ = rs.Close()
			return
		}
	}
}
