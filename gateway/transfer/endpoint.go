package transfer

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// DefaultDialTimeout bounds the TCP connect and the SSH handshake when
// Endpoint.DialTimeout is zero.
const DefaultDialTimeout = 15 * time.Second

// Endpoint says how to reach and authenticate to one SFTP server.
// Exactly one of HostKey and KnownHostsFile must be set: there is no way to
// connect to a server whose key is not pinned.
type Endpoint struct {
	Host string
	Port int // 0 means 22
	User string

	// Credentials: a private key (PEM bytes, or a file holding them) and/or a
	// password. Passphrase-protected keys are not supported.
	PrivateKey     []byte
	PrivateKeyFile string
	Password       string

	// HostKey is the server's public key as an authorized_keys line, e.g.
	// "ssh-ed25519 AAAAC3Nz... payer" (ssh-keyscan prints it after the host).
	HostKey string
	// KnownHostsFile is an OpenSSH known_hosts file that lists the server.
	KnownHostsFile string

	DialTimeout time.Duration // 0 means DefaultDialTimeout
}

// Addr is host:port.
func (e Endpoint) Addr() string {
	port := e.Port
	if port == 0 {
		port = 22
	}
	return net.JoinHostPort(e.Host, strconv.Itoa(port))
}

func (e Endpoint) dialTimeout() time.Duration {
	if e.DialTimeout > 0 {
		return e.DialTimeout
	}
	return DefaultDialTimeout
}

// clientConfig checks the endpoint and builds the SSH client configuration.
// With a known_hosts file, HostKeyAlgorithms is left for Dial to fill in with
// knownKeyTypes once the server's address is known.
func (e Endpoint) clientConfig() (*ssh.ClientConfig, error) {
	if e.Host == "" || e.User == "" {
		return nil, fmt.Errorf("%w: host and user are required", ErrConfig)
	}
	auth, err := e.authMethods()
	if err != nil {
		return nil, err
	}
	cfg := &ssh.ClientConfig{User: e.User, Auth: auth}
	switch {
	case e.HostKey != "" && e.KnownHostsFile != "":
		return nil, fmt.Errorf("%w: %s: set HostKey or KnownHostsFile, not both", ErrConfig, e.Addr())
	case e.HostKey != "":
		want, _, _, _, err := ssh.ParseAuthorizedKey([]byte(e.HostKey))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: host key line: %v", ErrConfig, e.Addr(), err)
		}
		cfg.HostKeyCallback = pinned(want)
		cfg.HostKeyAlgorithms = hostKeyAlgorithms(want.Type())
	case e.KnownHostsFile != "":
		cb, err := knownhosts.New(e.KnownHostsFile)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: known_hosts: %v", ErrConfig, e.Addr(), err)
		}
		cfg.HostKeyCallback = fromKnownHosts(cb)
	default:
		return nil, fmt.Errorf("%w: %s: no pinned host key (set HostKey or KnownHostsFile)", ErrConfig, e.Addr())
	}
	return cfg, nil
}

func (e Endpoint) authMethods() ([]ssh.AuthMethod, error) {
	var auth []ssh.AuthMethod
	pem := e.PrivateKey
	if len(pem) == 0 && e.PrivateKeyFile != "" {
		b, err := os.ReadFile(e.PrivateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: private key: %v", ErrConfig, e.Addr(), err)
		}
		pem = b
	}
	if len(pem) > 0 {
		signer, err := ssh.ParsePrivateKey(pem)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: private key: %v", ErrConfig, e.Addr(), err)
		}
		auth = append(auth, ssh.PublicKeys(signer))
	}
	if e.Password != "" {
		auth = append(auth, ssh.Password(e.Password))
	}
	if len(auth) == 0 {
		return nil, fmt.Errorf("%w: %s: no private key or password", ErrConfig, e.Addr())
	}
	return auth, nil
}

// pinned accepts exactly the key want.
func pinned(want ssh.PublicKey) ssh.HostKeyCallback {
	return func(host string, _ net.Addr, got ssh.PublicKey) error {
		if bytes.Equal(got.Marshal(), want.Marshal()) {
			return nil
		}
		return fmt.Errorf("%w: %s presented %s %s, pinned %s %s", ErrHostKeyMismatch,
			host, got.Type(), ssh.FingerprintSHA256(got), want.Type(), ssh.FingerprintSHA256(want))
	}
}

// hostKeyAlgorithms asks the server for the pinned key's type, so a server
// with several host keys presents the one that was pinned.
func hostKeyAlgorithms(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// knownHostKeyAlgorithms lists the algorithms of the keys that known_hosts
// holds for the host, so the handshake asks for one of them and a server with
// several host keys does not present an unlisted one. It asks the callback
// (made by fromKnownHosts) about a fresh key, which can only fail, and reads
// the known keys off the error.
func knownHostKeyAlgorithms(cb ssh.HostKeyCallback, addr string, remote net.Addr) ([]string, error) {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, err
	}
	probe, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	var keyErr *knownhosts.KeyError
	if err := cb(addr, remote, probe.PublicKey()); !errors.As(err, &keyErr) {
		return nil, err
	}
	var algos []string
	for _, k := range keyErr.Want {
		for _, algo := range hostKeyAlgorithms(k.Key.Type()) {
			if !slices.Contains(algos, algo) {
				algos = append(algos, algo)
			}
		}
	}
	return algos, nil
}

// fromKnownHosts turns knownhosts' key errors into ErrHostKeyMismatch (the
// host is listed with other keys) or ErrHostKeyUnknown (it is not listed).
func fromKnownHosts(cb ssh.HostKeyCallback) ssh.HostKeyCallback {
	return func(host string, remote net.Addr, got ssh.PublicKey) error {
		err := cb(host, remote, got)
		var keyErr *knownhosts.KeyError
		switch {
		case errors.As(err, &keyErr) && len(keyErr.Want) > 0:
			return fmt.Errorf("%w: %s presented %s %s, not in known_hosts: %w", ErrHostKeyMismatch,
				host, got.Type(), ssh.FingerprintSHA256(got), err)
		case errors.As(err, &keyErr):
			return fmt.Errorf("%w: %s is not in known_hosts", ErrHostKeyUnknown, host)
		}
		return err
	}
}
