// Package config holds the gateway's settings: one Config loaded from YAML,
// overridden by CLAIMSGW_* environment variables and validated at start, with
// every problem reported at once. docs/config.md describes each setting.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
)

// Config is everything the daemon needs to run.
type Config struct {
	DataDir   string    `yaml:"data_dir"`
	NATS      NATS      `yaml:"nats"`
	Ledger    Ledger    `yaml:"ledger"`
	HTTP      HTTP      `yaml:"http"`
	LogLevel  string    `yaml:"log_level"` // trace, debug, info, warn or error
	Submitter Submitter `yaml:"submitter"`
	Receiver  Party     `yaml:"receiver"`
	CodeSets  CodeSets  `yaml:"code_sets"`
	Inbound   Inbound   `yaml:"inbound"`
	Payers    []Payer   `yaml:"payers"`
}

// Inbound tunes how payer files are applied.
type Inbound struct {
	// OrderWait is how long a payer file with a CLP that cannot be posted
	// yet (a reversal whose payment is in a file not applied yet) waits
	// for that file before the CLP becomes an exception.
	OrderWait Duration `yaml:"order_wait"`
}

// NATS says where the queue runs. Without URLs the daemon starts an embedded
// server with JetStream in DataDir.
type NATS struct {
	Embedded        bool     `yaml:"embedded"`
	Port            int      `yaml:"port"` // the embedded server's port on 127.0.0.1; 0: 4222 when free, else any
	URLs            []string `yaml:"urls"`
	CredentialsFile string   `yaml:"credentials_file"`
	NKeySeedFile    string   `yaml:"nkey_seed_file"`
	TLS             TLS      `yaml:"tls"`
	Replicas        int      `yaml:"replicas"` // JetStream stream replicas: 1 embedded, 3 in a cluster
}

// TLS names PEM files for the NATS connection.
type TLS struct {
	CAFile   string `yaml:"ca_file"`
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// Ledger is the SQL database. The DSN is a Secret because a PostgreSQL DSN
// may carry a password: use string(DSN) to connect.
type Ledger struct {
	Driver string `yaml:"driver"` // sqlite or postgres
	DSN    Secret `yaml:"dsn"`
}

// HTTP is the API listener. The API serves PHI (claims, 837 files), so
// beyond the loopback interface it takes only callers with a token, unless
// Unauthenticated says a proxy in front authenticates them.
type HTTP struct {
	Listen string `yaml:"listen"`
	// TokensFile names the file of the API's bearer tokens, one a line:
	// the caller's name (for the log and the claim history) and its token,
	// apart by white space. Blank lines and lines starting with # are
	// skipped. Tokens are read from it at load time.
	TokensFile      string  `yaml:"tokens_file"`
	Unauthenticated bool    `yaml:"unauthenticated"`
	Tokens          []Token `yaml:"-"`
}

// Token is one caller of the API: its name and its bearer token.
type Token struct {
	Name  string
	Value Secret
}

// MinTokenLen is the shortest API token accepted: 32 characters, such as
// the output of openssl rand -hex 16.
const MinTokenLen = 32

// Submitter is our own identity in loop 1000A of every 837.
type Submitter struct {
	Name        string `yaml:"name"`         // NM103
	ID          string `yaml:"id"`           // NM109
	ContactName string `yaml:"contact_name"` // PER02
	Phone       string `yaml:"phone"`        // PER TE, digits only
	Email       string `yaml:"email"`        // PER EM
}

// Party is a name and identifier, as in loop 1000B.
type Party struct {
	Name string `yaml:"name"`
	ID   string `yaml:"id"`
}

// CodeSets are optional code list files; when a path is empty the check or
// description that needs it is skipped.
type CodeSets struct {
	ICD10CM string `yaml:"icd10cm"`
	HCPCS   string `yaml:"hcpcs"`
	CARC    string `yaml:"carc"`
	RARC    string `yaml:"rarc"`
}

// Payer is one trading partner route, keyed by PayerID.
type Payer struct {
	PayerID    string       `yaml:"payer_id"`
	Name       string       `yaml:"name"`
	ISA        ISA          `yaml:"isa"`
	GS         GS           `yaml:"gs"`
	Usage      string       `yaml:"usage"` // ISA15: T (test) or P (production)
	Delimiters Delimiters   `yaml:"delimiters"`
	ClaimTypes []claim.Type `yaml:"claim_types"`
	Batch      Batch        `yaml:"batch"`
	SFTP       SFTP         `yaml:"sftp"`
	// Edits set the severity of the scrubber's code-set edits for this
	// payer: an edit code (mue_units, ncci_ptp, ...; docs/encounters.md)
	// to error, warning or off. An edit not named keeps its own.
	Edits map[string]string `yaml:"edits"`
}

// ISA holds the interchange envelope identifiers of files we send to the
// payer: we are the sender, the payer the receiver.
type ISA struct {
	SenderQualifier   string `yaml:"sender_qualifier"`   // ISA05
	SenderID          string `yaml:"sender_id"`          // ISA06
	ReceiverQualifier string `yaml:"receiver_qualifier"` // ISA07
	ReceiverID        string `yaml:"receiver_id"`        // ISA08
}

// GS holds the functional group codes of files we send to the payer.
type GS struct {
	SenderCode   string `yaml:"sender_code"`   // GS02
	ReceiverCode string `yaml:"receiver_code"` // GS03
}

// MaxClaimsPerST is the most claims one 837 transaction set may carry. A file
// with a larger Batch.MaxClaims holds several transaction sets.
const MaxClaimsPerST = 5000

// Batch says when a payer's queued claims become a file: when MaxClaims are
// waiting or Cutoff has passed since the first of them, whichever is first.
type Batch struct {
	MaxClaims int      `yaml:"max_claims"`
	Cutoff    Duration `yaml:"cutoff"`
}

// SFTP is the payer's file exchange endpoint.
type SFTP struct {
	Host           string   `yaml:"host"`
	Port           int      `yaml:"port"`
	User           string   `yaml:"user"`
	Auth           SFTPAuth `yaml:"auth"`
	HostKey        string   `yaml:"host_key"`         // authorized_keys line: "ssh-ed25519 AAAA..."
	KnownHostsFile string   `yaml:"known_hosts_file"` // or a known_hosts file with the host in it
	Environment    string   `yaml:"environment"`      // test or production
	UploadDir      string   `yaml:"upload_dir"`
	PickupDir      string   `yaml:"pickup_dir"`
	FileName       string   `yaml:"file_name"` // pattern, see RenderFileName
	PollInterval   Duration `yaml:"poll_interval"`
	AfterPickup    string   `yaml:"after_pickup"` // delete or move
	MoveTo         string   `yaml:"move_to"`      // remote directory when AfterPickup is move
	// RetryFor is how long a file's delivery is retried, from its first
	// failed attempt, before it is given up on (delivery_failed).
	RetryFor Duration `yaml:"retry_for"`
	// MaxFileSize is the largest payer file picked up, in bytes; a larger
	// one is left on the server and recorded once as an exception.
	MaxFileSize int64 `yaml:"max_file_size"`
}

// SFTPAuth names where the login secrets are. Password is filled at load time
// from PasswordEnv or PasswordFile; a password written in the YAML itself is
// refused.
type SFTPAuth struct {
	PrivateKeyFile string `yaml:"private_key_file"`
	PasswordEnv    string `yaml:"password_env"`
	PasswordFile   string `yaml:"password_file"`
	Password       Secret `yaml:"password"`
}

// Secret is a string that prints, marshals and logs as "[redacted]" (or ""
// when empty). Convert it with string(s) where the value is needed.
type Secret string

// String returns "[redacted]" for a non-empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// Format makes every fmt verb print the redacted form.
func (s Secret) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// MarshalText makes JSON and YAML encoders write the redacted form.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Duration is a time.Duration written as a Go duration string ("15m").
// Text that does not parse is kept and reported by Validate.
type Duration struct {
	time.Duration
	err error
}

// UnmarshalText parses a Go duration; it never fails so that Validate can
// report the problem with its path.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = Duration{Duration: v, err: err}
	return nil
}

// MarshalText writes the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Delimiters is an x12.Delimiters written as x12.ParseDelimiters reads it
// ("*:^~"). Text that does not parse is kept and reported by Validate.
type Delimiters struct {
	x12.Delimiters
	err error
}

// UnmarshalText parses a delimiter set; it never fails so that Validate can
// report the problem with its path.
func (d *Delimiters) UnmarshalText(b []byte) error {
	v, err := x12.ParseDelimiters(string(b))
	*d = Delimiters{Delimiters: v, err: err}
	return nil
}

// MarshalText writes the delimiters as x12.ParseDelimiters reads them.
func (d Delimiters) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Defaults.
const (
	DefaultDataDir      = "./claimsgw-data"
	DefaultListen       = "127.0.0.1:8080"
	DefaultLogLevel     = "info"
	DefaultFileName     = "{payer}_{isa13}_{date}.837"
	DefaultSFTPPort     = 22
	DefaultCutoff       = time.Hour
	DefaultPollInterval = 5 * time.Minute
	DefaultRetryFor     = 72 * time.Hour
	DefaultOrderWait    = 10 * time.Minute
	DefaultMaxFileSize  = 1 << 30 // 1 GiB
)

// Default returns the settings used without a config file: embedded NATS,
// an SQLite ledger in the data directory and no payers. Environment
// variables are not applied; Load("") applies them.
func Default() *Config {
	c := &Config{}
	c.setDefaults()
	return c
}

// Load reads the YAML file at path, applies the CLAIMSGW_* environment
// overrides, fills defaults, reads SFTP passwords from the environment
// variables or files the payers name, and validates the result. An empty path
// means no file. A validation failure is an *Error listing every problem.
//
// Relative paths in the file (data_dir, an SQLite dsn, key, password,
// token, credential and code-set files) are relative to the file's
// directory, so every command reads the same files wherever it runs; those
// given by the environment or a flag are relative to the current one.
func Load(path string) (*Config, error) { return load(path, true) }

// LoadLedger is Load for the commands that read the ledger only (recon,
// exceptions list, claims show): the rest of the config is parsed, its
// paths resolved and its defaults set, but its files (an SFTP key, a known
// hosts file) are not checked, nor its payer routes.
func LoadLedger(path string) (*Config, error) { return load(path, false) }

func load(path string, whole bool) (*Config, error) {
	var b []byte
	if path != "" {
		var err error
		if b, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
	}
	c, err := parse(b, filepath.Dir(path), whole)
	var e *Error
	if errors.As(err, &e) {
		e.File = path
	}
	return c, err
}

// Parse is Load for YAML already in memory, its paths relative to the
// current directory.
func Parse(b []byte) (*Config, error) { return parse(b, "", true) }

func parse(b []byte, dir string, whole bool) (*Config, error) {
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && err != io.EOF {
		return nil, yamlError(err)
	}
	c.resolve(dir)
	if !whole {
		for i := range c.Payers {
			c.Payers[i].SFTP.Auth.Password = "" // refused by Load; not needed here
		}
		c.applyEnv(&problems{})
		c.setDefaults()
		var ps problems
		c.validateLedger(&ps)
		if len(ps) > 0 {
			return nil, &Error{Problems: ps}
		}
		return c, nil
	}
	var ps problems
	for i := range c.Payers {
		if c.Payers[i].SFTP.Auth.Password != "" {
			ps.add(fmt.Sprintf("payers[%d].sftp.auth.password", i), CodeInlineSecret,
				"a password may not be written in the config; use password_env or password_file")
			c.Payers[i].SFTP.Auth.Password = ""
		}
	}
	c.applyEnv(&ps)
	c.setDefaults()
	c.loadPasswords()
	c.HTTP.loadTokens(&ps)
	c.validate(&ps)
	if len(ps) > 0 {
		return nil, &Error{Problems: ps}
	}
	return c, nil
}

func yamlError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return &Error{Problems: []Problem{{Code: CodeYAML, Message: err.Error()}}}
	}
	e := &Error{}
	for _, m := range te.Errors {
		e.Problems = append(e.Problems, Problem{Code: CodeYAML, Message: m})
	}
	return e
}

// Env lists the environment variables that override settings, in the order
// they are applied. A variable that is unset or empty changes nothing.
var Env = []string{
	"CLAIMSGW_DATA_DIR",
	"CLAIMSGW_NATS_URLS",
	"CLAIMSGW_NATS_CREDENTIALS_FILE",
	"CLAIMSGW_NATS_REPLICAS",
	"CLAIMSGW_LEDGER_DRIVER",
	"CLAIMSGW_LEDGER_DSN",
	"CLAIMSGW_HTTP_LISTEN",
	"CLAIMSGW_HTTP_TOKENS_FILE",
	"CLAIMSGW_LOG_LEVEL",
}

func (c *Config) applyEnv(ps *problems) {
	for _, name := range Env {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		switch name {
		case "CLAIMSGW_DATA_DIR":
			c.DataDir = v
		case "CLAIMSGW_NATS_URLS":
			c.NATS.URLs = nil
			for _, u := range strings.Split(v, ",") {
				if u = strings.TrimSpace(u); u != "" {
					c.NATS.URLs = append(c.NATS.URLs, u)
				}
			}
		case "CLAIMSGW_NATS_CREDENTIALS_FILE":
			c.NATS.CredentialsFile = v
		case "CLAIMSGW_NATS_REPLICAS":
			n, err := strconv.Atoi(v)
			if err != nil {
				ps.add("nats.replicas", CodeInvalid, "%s=%q is not a whole number", name, v)
			}
			c.NATS.Replicas = n
		case "CLAIMSGW_LEDGER_DRIVER":
			c.Ledger.Driver = v
		case "CLAIMSGW_LEDGER_DSN":
			c.Ledger.DSN = Secret(v)
		case "CLAIMSGW_HTTP_LISTEN":
			c.HTTP.Listen = v
		case "CLAIMSGW_HTTP_TOKENS_FILE":
			c.HTTP.TokensFile = v
		case "CLAIMSGW_LOG_LEVEL":
			c.LogLevel = v
		}
	}
}

// resolve makes the relative paths of the file relative to its directory
// dir ("" or "." leaves them as they are).
func (c *Config) resolve(dir string) {
	if dir == "" || dir == "." {
		return
	}
	at := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	at(&c.DataDir)
	if dsn := string(c.Ledger.DSN); (c.Ledger.Driver == "" || c.Ledger.Driver == "sqlite") && dsn != "" && !strings.HasPrefix(dsn, "file:") && dsn != ":memory:" {
		at(&dsn)
		c.Ledger.DSN = Secret(dsn)
	}
	for _, p := range []*string{&c.NATS.CredentialsFile, &c.NATS.NKeySeedFile, &c.NATS.TLS.CAFile, &c.NATS.TLS.CertFile, &c.NATS.TLS.KeyFile,
		&c.HTTP.TokensFile, &c.CodeSets.ICD10CM, &c.CodeSets.HCPCS, &c.CodeSets.CARC, &c.CodeSets.RARC} {
		at(p)
	}
	for i := range c.Payers {
		a := &c.Payers[i].SFTP
		for _, p := range []*string{&a.Auth.PrivateKeyFile, &a.Auth.PasswordFile, &a.KnownHostsFile} {
			at(p)
		}
	}
}

// setDefaults fills the settings left empty.
func (c *Config) setDefaults() {
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if len(c.NATS.URLs) == 0 {
		c.NATS.Embedded = true
	}
	if c.NATS.Replicas == 0 {
		c.NATS.Replicas = 3
		if c.NATS.Embedded {
			c.NATS.Replicas = 1
		}
	}
	if c.Ledger.Driver == "" {
		c.Ledger.Driver = "sqlite"
	}
	if c.Ledger.Driver == "sqlite" && c.Ledger.DSN == "" {
		c.Ledger.DSN = Secret(filepath.Join(c.DataDir, "ledger.db"))
	}
	if c.HTTP.Listen == "" {
		c.HTTP.Listen = DefaultListen
	}
	if c.LogLevel == "" {
		c.LogLevel = DefaultLogLevel
	}
	if c.Inbound.OrderWait.err == nil && c.Inbound.OrderWait.Duration == 0 {
		c.Inbound.OrderWait.Duration = DefaultOrderWait
	}
	for i := range c.Payers {
		p := &c.Payers[i]
		if p.Delimiters.err == nil && p.Delimiters.Delimiters == (x12.Delimiters{}) {
			p.Delimiters.Delimiters = x12.DefaultDelimiters
		}
		if p.Batch.MaxClaims == 0 {
			p.Batch.MaxClaims = MaxClaimsPerST
		}
		if p.Batch.Cutoff.err == nil && p.Batch.Cutoff.Duration == 0 {
			p.Batch.Cutoff.Duration = DefaultCutoff
		}
		s := &p.SFTP
		if s.Port == 0 {
			s.Port = DefaultSFTPPort
		}
		if s.FileName == "" {
			s.FileName = DefaultFileName
		}
		if s.PollInterval.err == nil && s.PollInterval.Duration == 0 {
			s.PollInterval.Duration = DefaultPollInterval
		}
		if s.AfterPickup == "" {
			s.AfterPickup = "delete"
		}
		if s.RetryFor.err == nil && s.RetryFor.Duration == 0 {
			s.RetryFor.Duration = DefaultRetryFor
		}
		if s.MaxFileSize == 0 {
			s.MaxFileSize = DefaultMaxFileSize
		}
	}
}

// loadPasswords reads each payer's SFTP password from the environment
// variable or file it names. Validate reports the ones that come up empty.
func (c *Config) loadPasswords() {
	for i := range c.Payers {
		a := &c.Payers[i].SFTP.Auth
		switch {
		case a.PasswordEnv != "":
			a.Password = Secret(os.Getenv(a.PasswordEnv))
		case a.PasswordFile != "":
			if b, err := os.ReadFile(a.PasswordFile); err == nil {
				a.Password = Secret(strings.TrimRight(string(b), "\r\n"))
			}
		}
	}
}

// loadTokens reads TokensFile. Problems name the line, never the token.
func (h *HTTP) loadTokens(ps *problems) {
	if h.TokensFile == "" {
		return
	}
	b, err := os.ReadFile(h.TokensFile)
	if err != nil {
		ps.add("http.tokens_file", CodeFileNotFound, "%v", err)
		return
	}
	names, values := map[string]int{}, map[Secret]int{}
	for i, line := range strings.Split(string(b), "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			ps.add("http.tokens_file", CodeInvalid, "line %d: want a name and a token, apart by white space", n)
			continue
		}
		t := Token{Name: f[0], Value: Secret(f[1])}
		switch {
		case len(t.Value) < MinTokenLen:
			ps.add("http.tokens_file", CodeInvalid, "line %d: the token of %s has %d characters; want at least %d", n, t.Name, len(t.Value), MinTokenLen)
		case names[t.Name] != 0:
			ps.add("http.tokens_file", CodeDuplicate, "line %d: the name %s is also on line %d", n, t.Name, names[t.Name])
		case values[t.Value] != 0:
			ps.add("http.tokens_file", CodeDuplicate, "line %d: the token of %s is also on line %d", n, t.Name, values[t.Value])
		default:
			names[t.Name], values[t.Value] = n, n
			h.Tokens = append(h.Tokens, t)
		}
	}
	if len(h.Tokens) == 0 && len(*ps) == 0 {
		ps.add("http.tokens_file", CodeSecretEmpty, "the file holds no token")
	}
}

// ReceiverFor returns the loop 1000B receiver for files to p: the configured
// receiver default when set, else the payer itself.
func (c *Config) ReceiverFor(p *Payer) Party {
	if c.Receiver != (Party{}) {
		return c.Receiver
	}
	return Party{Name: p.Name, ID: p.PayerID}
}
