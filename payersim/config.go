package payersim

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/ssh"
	"gopkg.in/yaml.v3"
)

// SimConfig is the payer simulator's own configuration, for running it
// apart from the gateway (`claimsgw payer-sim --config FILE`).
type SimConfig struct {
	Root          string        `yaml:"root"`           // the SFTP root: inbound/, outbound/, archive/
	Listen        string        `yaml:"listen"`         // default 127.0.0.1:2222
	User          string        `yaml:"user"`           // default claimsgw
	AuthorizedKey string        `yaml:"authorized_key"` // file with the gateway's public key (authorized_keys line)
	HostKeyFile   string        `yaml:"host_key_file"`  // the server's private host key; made when missing
	PayerID       string        `yaml:"payer_id"`       // default SIMPAYER
	PayerName     string        `yaml:"payer_name"`     // default SIM HEALTH PLAN
	Seed          uint64        `yaml:"seed"`
	Every         time.Duration `yaml:"every"`        // how often inbound/ is read; default 1s
	AnswerAfter   time.Duration `yaml:"answer_after"` // leave a file unanswered until it is this old, as a real payer would
	Lenient       bool          `yaml:"lenient"`      // check 837s for syntax and envelopes only, not the guides' rules
}

// LoadSimConfig reads a simulator config file and fills the defaults.
func LoadSimConfig(path string) (*SimConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &SimConfig{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("payersim: %s: %w", path, err)
	}
	// Relative paths are the file's directory's, as in the gateway's config.
	for _, p := range []*string{&c.Root, &c.AuthorizedKey, &c.HostKeyFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(filepath.Dir(path), *p)
		}
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:2222"
	}
	if c.User == "" {
		c.User = "claimsgw"
	}
	if c.PayerID == "" {
		c.PayerID = "SIMPAYER"
	}
	if c.PayerName == "" {
		c.PayerName = "SIM HEALTH PLAN"
	}
	if c.Every == 0 {
		c.Every = time.Second
	}
	if c.Root == "" || c.AuthorizedKey == "" || c.HostKeyFile == "" {
		return nil, errors.New("payersim: root, authorized_key and host_key_file are required")
	}
	return c, nil
}

// Server builds the SFTP server the config describes, making and saving a
// host key the first time so that the gateway can pin it for good.
func (c *SimConfig) Server() (*Server, error) {
	line, err := os.ReadFile(c.AuthorizedKey)
	if err != nil {
		return nil, err
	}
	userKey, _, _, _, err := ssh.ParseAuthorizedKey(line)
	if err != nil {
		return nil, fmt.Errorf("payersim: authorized_key: %w", err)
	}
	hostKey, err := loadOrMakeHostKey(c.HostKeyFile)
	if err != nil {
		return nil, err
	}
	return NewServer(Config{Root: c.Root, User: c.User, UserKey: userKey, HostKey: hostKey, Addr: c.Listen})
}

func loadOrMakeHostKey(path string) (ssh.Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		block, err := ssh.MarshalPrivateKey(priv, "claimsgw payer simulator")
		if err != nil {
			return nil, err
		}
		b = pem.EncodeToMemory(block)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	return ssh.ParsePrivateKey(b)
}
