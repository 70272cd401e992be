package queue

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// DefaultPort is the port the embedded server listens on when no WithPort
// option is given and the port is free; if it is taken, a random free port is
// used instead (ClientURL tells which).
const DefaultPort = 4222

// EmbeddedMaxPayload is the largest message the embedded server accepts:
// 8 MiB, so a whole 837 or 835 file fits in one message (the NATS default is
// 1 MiB). A production cluster needs max_payload set at least as high.
const EmbeddedMaxPayload = 8 << 20

// Server is an in-process nats-server with JetStream.
type Server struct {
	ns   *server.Server
	dir  string
	stop chan struct{}
	done chan struct{}
}

// EmbeddedOption changes how StartEmbedded starts the server.
type EmbeddedOption func(*embeddedConfig)

type embeddedConfig struct {
	port      int
	portFixed bool
}

// WithPort makes the embedded server listen on port; 0 picks a random free
// port (tests). A fixed port that is taken is an error.
func WithPort(port int) EmbeddedOption {
	return func(c *embeddedConfig) {
		c.port = port
		c.portFixed = true
	}
}

// StartEmbedded starts a nats-server in this process, listening on
// 127.0.0.1, with JetStream file storage under dir, and waits until it
// accepts connections. Stop it with Shutdown. Restarting with the same dir
// keeps the streams and every unacknowledged message.
func StartEmbedded(dir string, opts ...EmbeddedOption) (*Server, error) {
	cfg := embeddedConfig{port: DefaultPort}
	for _, o := range opts {
		o(&cfg)
	}
	port := cfg.port
	if port == 0 || (!cfg.portFixed && !portFree(port)) {
		port = server.RANDOM_PORT
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: "claimsgw-embedded",
		Host:       "127.0.0.1",
		Port:       port,
		JetStream:  true,
		StoreDir:   dir,
		MaxPayload: EmbeddedMaxPayload,
		NoSigs:     true,
		NoLog:      true,
	})
	if err != nil {
		return nil, fmt.Errorf("queue: embedded nats-server: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(10*time.Second) || !ns.JetStreamEnabled() {
		ns.Shutdown()
		return nil, errors.New("queue: embedded nats-server did not become ready with JetStream within 10s")
	}
	s := &Server{ns: ns, dir: dir, stop: make(chan struct{}), done: make(chan struct{})}
	go s.keepJetStream()
	return s, nil
}

// reenableEvery is how often a Server whose JetStream stopped looks
// whether it can start it again.
var reenableEvery = 5 * time.Second

// keepJetStream starts JetStream again when it stopped: nats-server stops
// it for good when its disk is full ("JetStream out of resources, will be
// DISABLED"), and publishes fail until a restart. Here they work again
// once the disk has room, with the streams and messages JetStream had.
func (s *Server) keepJetStream() {
	defer close(s.done)
	t := time.NewTicker(reenableEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if !s.ns.JetStreamEnabled() {
				_ = s.ns.EnableJetStream(&server.JetStreamConfig{StoreDir: s.dir})
			}
		}
	}
}

// JetStreamEnabled reports whether the server's JetStream runs.
func (s *Server) JetStreamEnabled() bool { return s.ns.JetStreamEnabled() }

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// ClientURL is the URL clients connect to, e.g. nats://127.0.0.1:4222.
func (s *Server) ClientURL() string { return s.ns.ClientURL() }

// Shutdown stops the server and waits until it has stopped; JetStream data
// stays in the directory.
func (s *Server) Shutdown() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
}

// ConnectOptions are how Connect authenticates and identifies itself. Empty
// fields are not used.
type ConnectOptions struct {
	Name         string // connection name shown by the server, e.g. "claimsgw-7f9c"
	CredsFile    string // JWT credentials file (.creds)
	NKeySeedFile string // nkey seed file
	CAFile       string // PEM CA bundle to verify the server
	CertFile     string // PEM client certificate (mutual TLS), with KeyFile
	KeyFile      string
	// Extra are appended last, e.g. disconnect and reconnect handlers that log.
	Extra []nats.Option
}

// Connect connects to the NATS servers at urls. The first connection must
// succeed (a wrong URL fails fast); after that the client reconnects forever,
// buffering publishes while disconnected.
func Connect(urls []string, o ConnectOptions) (*nats.Conn, error) {
	if len(urls) == 0 {
		return nil, errors.New("queue: no NATS server URL")
	}
	opts := []nats.Option{
		nats.MaxReconnects(-1),
		nats.ReconnectWait(2 * time.Second),
		nats.ReconnectJitter(500*time.Millisecond, 2*time.Second),
		nats.Timeout(5 * time.Second),
		nats.PingInterval(20 * time.Second),
	}
	if o.Name != "" {
		opts = append(opts, nats.Name(o.Name))
	}
	if o.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(o.CredsFile))
	}
	if o.NKeySeedFile != "" {
		nk, err := nats.NkeyOptionFromSeed(o.NKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("queue: nkey seed: %w", err)
		}
		opts = append(opts, nk)
	}
	if o.CAFile != "" {
		opts = append(opts, nats.RootCAs(o.CAFile))
	}
	if o.CertFile != "" || o.KeyFile != "" {
		opts = append(opts, nats.ClientCert(o.CertFile, o.KeyFile))
	}
	opts = append(opts, o.Extra...)
	nc, err := nats.Connect(strings.Join(urls, ","), opts...)
	if err != nil {
		return nil, fmt.Errorf("queue: connect to %s: %w", strings.Join(urls, ","), err)
	}
	return nc, nil
}
