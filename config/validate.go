package config

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/claimsgw/claimsgw/gateway/encounter"
)

// Problem codes. They are stable: tests and tools may match on them.
const (
	CodeYAML           = "yaml"            // the file is not YAML of the right shape (unknown key, wrong type)
	CodeRequired       = "required"        // a setting that must be given is empty
	CodeInvalid        = "invalid"         // a value has the wrong format or is not one of the allowed values
	CodeOutOfRange     = "out_of_range"    // a number or duration is too small or too large
	CodeDuplicate      = "duplicate"       // a value that must be unique appears twice
	CodeConflict       = "conflict"        // two settings exclude each other
	CodeFileNotFound   = "file_not_found"  // a named file does not exist or cannot be read
	CodeInlineSecret   = "inline_secret"   // a password written into the config itself
	CodeSecretEmpty    = "secret_empty"    // the password variable or file named is empty
	CodeHostKey        = "host_key"        // a pinned host key or known_hosts file does not parse
	CodeUnknownHost    = "unknown_host"    // the known_hosts file has no key for the SFTP host
	CodeUsageMismatch  = "usage_mismatch"  // ISA15 usage and SFTP environment disagree
	CodeAmbiguousRoute = "ambiguous_route" // two payers' inbound files would be indistinguishable
	CodeSameDir        = "same_dir"        // two remote directories that must differ are the same
	CodeFileName       = "file_name"       // a file name pattern is malformed
)

// Problem is one thing wrong with a configuration.
type Problem struct {
	Path    string // YAML path, e.g. payers[2].sftp.host_key; empty for YAML syntax errors
	Code    string // one of the Code constants
	Message string
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message + " [" + p.Code + "]"
	}
	return p.Path + ": " + p.Message + " [" + p.Code + "]"
}

// Error lists every problem found in a configuration.
type Error struct {
	File     string // the file loaded, when there was one
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	fmt.Fprintf(&b, ": %d problem(s):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

type problems []Problem

func (ps *problems) add(path, code, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Validate checks the configuration and returns an *Error listing every
// problem, or nil. It reads the files the configuration names (they must
// exist; known_hosts files must parse) but opens no connections.
func (c *Config) Validate() error {
	var ps problems
	c.validate(&ps)
	if len(ps) == 0 {
		return nil
	}
	return &Error{Problems: ps}
}

var (
	logLevels  = []string{"trace", "debug", "info", "warn", "error"}
	natsScheme = []string{"nats", "tls", "ws", "wss"}
	// ISA05/ISA07 code values of the 5010 guides.
	isaQualifiers = []string{"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"}
	payerIDRe     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
)

func (c *Config) validateLedger(ps *problems) {
	switch c.Ledger.Driver {
	case "sqlite", "postgres":
		if c.Ledger.DSN == "" {
			ps.add("ledger.dsn", CodeRequired, "a %s DSN is required", c.Ledger.Driver)
		}
	default:
		ps.add("ledger.driver", CodeInvalid, "driver %q: want sqlite or postgres", c.Ledger.Driver)
	}
}

func (c *Config) validate(ps *problems) {
	if c.DataDir == "" {
		ps.add("data_dir", CodeRequired, "data directory is required")
	}
	c.validateNATS(ps)
	c.validateLedger(ps)
	if host, port, err := net.SplitHostPort(c.HTTP.Listen); err != nil || !validPort(port, true) || strings.ContainsAny(host, " /") {
		ps.add("http.listen", CodeInvalid, "listen address %q: want host:port", c.HTTP.Listen)
	} else if c.HTTP.TokensFile == "" && !c.HTTP.Unauthenticated && !loopback(host) {
		ps.add("http.tokens_file", CodeRequired, "the API listens on %s, beyond this machine, and serves PHI: give tokens_file, "+
			"or set unauthenticated: true if a proxy in front authenticates the callers", c.HTTP.Listen)
	}
	if c.HTTP.TokensFile != "" && c.HTTP.Unauthenticated {
		ps.add("http.unauthenticated", CodeConflict, "unauthenticated is true but tokens_file is given; use one or the other")
	}
	if !slices.Contains(logLevels, c.LogLevel) {
		ps.add("log_level", CodeInvalid, "log level %q: want one of %s", c.LogLevel, strings.Join(logLevels, ", "))
	}
	c.validateSubmitter(ps)
	if (c.Receiver.Name == "") != (c.Receiver.ID == "") {
		ps.add("receiver", CodeRequired, "give both name and id, or neither")
	}
	checkDuration(ps, "inbound.order_wait", c.Inbound.OrderWait)
	checkFile(ps, "code_sets.icd10cm", c.CodeSets.ICD10CM)
	checkFile(ps, "code_sets.hcpcs", c.CodeSets.HCPCS)
	checkFile(ps, "code_sets.carc", c.CodeSets.CARC)
	checkFile(ps, "code_sets.rarc", c.CodeSets.RARC)
	ids := map[string]int{}
	routes := map[route]int{}
	for i := range c.Payers {
		p := &c.Payers[i]
		at := fmt.Sprintf("payers[%d]", i)
		p.validate(ps, at)
		if j, ok := ids[p.PayerID]; ok && p.PayerID != "" {
			ps.add(at+".payer_id", CodeDuplicate, "payer_id %q is also payers[%d]", p.PayerID, j)
		} else {
			ids[p.PayerID] = i
		}
		r := p.inboundRoute()
		if j, ok := routes[r]; ok {
			ps.add(at+".isa", CodeAmbiguousRoute,
				"files from this payer would carry the same ISA sender/receiver, GS codes and usage as those of payers[%d] (%s); inbound files could not be told apart", j, c.Payers[j].PayerID)
		} else {
			routes[r] = i
		}
	}
}

func (c *Config) validateNATS(ps *problems) {
	n := &c.NATS
	if n.Embedded && len(n.URLs) > 0 {
		ps.add("nats.embedded", CodeConflict, "embedded is true but urls are given; use one or the other")
	}
	if n.Port != 0 && len(n.URLs) > 0 {
		ps.add("nats.port", CodeConflict, "port is for the embedded server; it is not used with urls")
	}
	if n.Port < 0 || n.Port > 65535 {
		ps.add("nats.port", CodeOutOfRange, "port %d: want 1 to 65535, or 0 for the default", n.Port)
	}
	for i, s := range n.URLs {
		at := fmt.Sprintf("nats.urls[%d]", i)
		u, err := url.Parse(s)
		if err != nil || !slices.Contains(natsScheme, u.Scheme) || u.Host == "" {
			ps.add(at, CodeInvalid, "want a URL such as nats://host:4222 (schemes %s)", strings.Join(natsScheme, ", "))
			continue
		}
		if _, ok := u.User.Password(); ok {
			ps.add(at, CodeInlineSecret, "a password may not be written in a URL; use credentials_file or nkey_seed_file")
		}
	}
	most := 5 // the JetStream limit
	if n.Embedded {
		most = 1
	}
	if n.Replicas < 1 || n.Replicas > most {
		ps.add("nats.replicas", CodeOutOfRange, "replicas %d: want 1 to %d", n.Replicas, most)
	}
	if n.CredentialsFile != "" && n.NKeySeedFile != "" {
		ps.add("nats.nkey_seed_file", CodeConflict, "give credentials_file or nkey_seed_file, not both")
	}
	checkFile(ps, "nats.credentials_file", n.CredentialsFile)
	checkFile(ps, "nats.nkey_seed_file", n.NKeySeedFile)
	checkFile(ps, "nats.tls.ca_file", n.TLS.CAFile)
	checkFile(ps, "nats.tls.cert_file", n.TLS.CertFile)
	checkFile(ps, "nats.tls.key_file", n.TLS.KeyFile)
	if (n.TLS.CertFile == "") != (n.TLS.KeyFile == "") {
		ps.add("nats.tls", CodeRequired, "cert_file and key_file go together")
	}
}

func (c *Config) validateSubmitter(ps *problems) {
	s := &c.Submitter
	if len(c.Payers) > 0 {
		if s.Name == "" {
			ps.add("submitter.name", CodeRequired, "the submitter name (1000A NM103) is required to send claims")
		}
		if s.ID == "" {
			ps.add("submitter.id", CodeRequired, "the submitter id (1000A NM109) is required to send claims")
		}
		if s.ContactName == "" {
			ps.add("submitter.contact_name", CodeRequired, "the submitter contact name (1000A PER02) is required to send claims")
		}
		if s.Phone == "" && s.Email == "" {
			ps.add("submitter.phone", CodeRequired, "give a phone number or an email for 1000A PER")
		}
	}
	checkLen(ps, "submitter.name", s.Name, 60)
	checkLen(ps, "submitter.id", s.ID, 80)
	checkLen(ps, "submitter.contact_name", s.ContactName, 60)
	if s.Phone != "" && (len(s.Phone) < 10 || len(s.Phone) > 256 || strings.Trim(s.Phone, "0123456789") != "") {
		ps.add("submitter.phone", CodeInvalid, "phone %q: want 10 or more digits only, e.g. 8005551212", s.Phone)
	}
	if s.Email != "" && (strings.Count(s.Email, "@") != 1 || strings.HasPrefix(s.Email, "@") || strings.HasSuffix(s.Email, "@") || strings.ContainsAny(s.Email, " ~*:^")) {
		ps.add("submitter.email", CodeInvalid, "email %q is not an address", s.Email)
	}
}

func checkLen(ps *problems, at, v string, most int) {
	if len(v) > most {
		ps.add(at, CodeOutOfRange, "%d characters: at most %d", len(v), most)
	}
}

// checkFile reports a named file that cannot be opened.
func checkFile(ps *problems, at, name string) {
	if name == "" {
		return
	}
	f, err := os.Open(name)
	if err != nil {
		ps.add(at, CodeFileNotFound, "%v", err)
		return
	}
	f.Close()
}

func validPort(s string, zeroOK bool) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n <= 65535 && (n > 0 || zeroOK && n == 0)
}

// route is what tells one payer's inbound files (999, 277CA, 835) from
// another's: the envelope identifiers as the payer writes them, and ISA15.
type route struct {
	isaSender, isaReceiver, gsSender, gsReceiver, usage string
}

func (p *Payer) inboundRoute() route {
	return route{
		isaSender:   p.ISA.ReceiverQualifier + ":" + strings.TrimSpace(p.ISA.ReceiverID),
		isaReceiver: p.ISA.SenderQualifier + ":" + strings.TrimSpace(p.ISA.SenderID),
		gsSender:    p.GS.ReceiverCode,
		gsReceiver:  p.GS.SenderCode,
		usage:       p.Usage,
	}
}

// editSeverities are what a payer's edits may say.
var editSeverities = []string{string(encounter.SeverityError), string(encounter.SeverityWarning), string(encounter.SeverityOff)}

func (p *Payer) validate(ps *problems, at string) {
	if p.PayerID == "" {
		ps.add(at+".payer_id", CodeRequired, "payer_id is required")
	} else if !payerIDRe.MatchString(p.PayerID) {
		ps.add(at+".payer_id", CodeInvalid, "payer_id %q: want 1 to 80 letters, digits, _ or -", p.PayerID)
	}
	if p.Name == "" {
		ps.add(at+".name", CodeRequired, "name is required")
	}
	checkLen(ps, at+".name", p.Name, 60)
	for _, code := range slices.Sorted(maps.Keys(p.Edits)) {
		switch {
		case !slices.Contains(encounter.EditCodes, code):
			ps.add(at+".edits."+code, CodeInvalid, "%q is not a code-set edit: want one of %s", code, strings.Join(encounter.EditCodes, ", "))
		case !slices.Contains(editSeverities, p.Edits[code]):
			ps.add(at+".edits."+code, CodeInvalid, "severity %q: want error, warning or off", p.Edits[code])
		}
	}
	if p.Delimiters.err != nil {
		ps.add(at+".delimiters", CodeInvalid, "%v", p.Delimiters.err)
	}
	d := p.Delimiters.Delimiters
	seps := string([]byte{d.Element, d.Component, d.Repetition, d.Segment})
	checkQualifier(ps, at+".isa.sender_qualifier", p.ISA.SenderQualifier)
	checkQualifier(ps, at+".isa.receiver_qualifier", p.ISA.ReceiverQualifier)
	checkCode(ps, at+".isa.sender_id", p.ISA.SenderID, 1, 15, seps)
	checkCode(ps, at+".isa.receiver_id", p.ISA.ReceiverID, 1, 15, seps)
	checkCode(ps, at+".gs.sender_code", p.GS.SenderCode, 2, 15, seps)
	checkCode(ps, at+".gs.receiver_code", p.GS.ReceiverCode, 2, 15, seps)
	if len(p.ClaimTypes) == 0 {
		ps.add(at+".claim_types", CodeRequired, "list at least one of professional, institutional, dental")
	}
	for i, t := range p.ClaimTypes {
		switch {
		case t.Guide() == nil:
			ps.add(fmt.Sprintf("%s.claim_types[%d]", at, i), CodeInvalid, "claim type %q: want professional, institutional or dental", t)
		case slices.Contains(p.ClaimTypes[:i], t):
			ps.add(fmt.Sprintf("%s.claim_types[%d]", at, i), CodeDuplicate, "claim type %q is listed twice", t)
		}
	}
	if p.Batch.MaxClaims < 1 {
		ps.add(at+".batch.max_claims", CodeOutOfRange, "max_claims %d: want 1 or more", p.Batch.MaxClaims)
	}
	checkDuration(ps, at+".batch.cutoff", p.Batch.Cutoff)
	switch p.Usage {
	case "T", "P":
	case "":
		ps.add(at+".usage", CodeRequired, "usage (ISA15: T for test, P for production) is required")
	default:
		ps.add(at+".usage", CodeInvalid, "usage %q: want T (test) or P (production), the ISA15 value", p.Usage)
	}
	switch env := p.SFTP.Environment; env {
	case "test", "production":
		if p.Usage == "P" && env == "test" || p.Usage == "T" && env == "production" {
			ps.add(at+".sftp.environment", CodeUsageMismatch,
				"usage %s does not match a %s endpoint; refusing to start", p.Usage, env)
		}
	case "":
		ps.add(at+".sftp.environment", CodeRequired, "environment (test or production) is required")
	default:
		ps.add(at+".sftp.environment", CodeInvalid, "environment %q: want test or production", env)
	}
	p.validateSFTP(ps, at+".sftp")
}

func checkQualifier(ps *problems, at, q string) {
	if q == "" {
		ps.add(at, CodeRequired, "ID qualifier is required")
	} else if !slices.Contains(isaQualifiers, q) {
		ps.add(at, CodeInvalid, "qualifier %q: want one of %s", q, strings.Join(isaQualifiers, ", "))
	}
}

// checkCode checks an envelope identifier: least..most printable ASCII
// characters, none of them a delimiter.
func checkCode(ps *problems, at, v string, least, most int, seps string) {
	switch {
	case v == "":
		ps.add(at, CodeRequired, "value is required")
	case len(v) < least || len(v) > most:
		ps.add(at, CodeOutOfRange, "%q: want %d to %d characters", v, least, most)
	case strings.IndexFunc(v, func(r rune) bool { return r < ' ' || r > '~' }) >= 0 || strings.ContainsAny(v, seps):
		ps.add(at, CodeInvalid, "%q: want printable ASCII without delimiter characters", v)
	}
}

func checkDuration(ps *problems, at string, d Duration) {
	if d.err != nil {
		ps.add(at, CodeInvalid, "%v; want a Go duration such as 15m or 1h30m", d.err)
	} else if d.Duration <= 0 {
		ps.add(at, CodeOutOfRange, "%v: want a positive duration", d.Duration)
	}
}

func (p *Payer) validateSFTP(ps *problems, at string) {
	s := &p.SFTP
	if s.Host == "" {
		ps.add(at+".host", CodeRequired, "host is required")
	} else if strings.ContainsAny(s.Host, " /:@") && net.ParseIP(s.Host) == nil {
		ps.add(at+".host", CodeInvalid, "host %q: want a host name or IP address without port", s.Host)
	}
	if !validPort(strconv.Itoa(s.Port), false) {
		ps.add(at+".port", CodeOutOfRange, "port %d: want 1 to 65535", s.Port)
	}
	if s.User == "" {
		ps.add(at+".user", CodeRequired, "user is required")
	}
	a := &s.Auth
	switch {
	case a.PrivateKeyFile == "" && a.PasswordEnv == "" && a.PasswordFile == "":
		ps.add(at+".auth", CodeRequired, "give private_key_file, password_env or password_file")
	case a.PasswordEnv != "" && a.PasswordFile != "":
		ps.add(at+".auth.password_file", CodeConflict, "give password_env or password_file, not both")
	}
	checkFile(ps, at+".auth.private_key_file", a.PrivateKeyFile)
	checkFile(ps, at+".auth.password_file", a.PasswordFile)
	switch {
	case a.Password != "":
	case a.PasswordEnv != "" && a.PasswordFile == "":
		ps.add(at+".auth.password_env", CodeSecretEmpty, "environment variable %s is unset or empty", a.PasswordEnv)
	case a.PasswordFile != "" && a.PasswordEnv == "" && fileExists(a.PasswordFile):
		ps.add(at+".auth.password_file", CodeSecretEmpty, "password file is empty")
	}
	p.validateHostKey(ps, at)
	if s.UploadDir == "" {
		ps.add(at+".upload_dir", CodeRequired, "remote directory for our 837 files is required")
	}
	if s.PickupDir == "" {
		ps.add(at+".pickup_dir", CodeRequired, "remote directory for the payer's files is required")
	}
	if s.UploadDir != "" && path.Clean(s.UploadDir) == path.Clean(s.PickupDir) {
		ps.add(at+".pickup_dir", CodeSameDir, "pickup_dir is upload_dir: the poller would pick up our own 837 files")
	}
	if err := CheckFileName(s.FileName); err != nil {
		ps.add(at+".file_name", CodeFileName, "%v", err)
	}
	checkDuration(ps, at+".poll_interval", s.PollInterval)
	if s.RetryFor.err != nil || s.RetryFor.Duration < 0 {
		checkDuration(ps, at+".retry_for", s.RetryFor) // 0: the default
	}
	if s.MaxFileSize < 0 {
		ps.add(at+".max_file_size", CodeOutOfRange, "%d: want a positive number of bytes", s.MaxFileSize)
	}
	switch s.AfterPickup {
	case "delete":
		if s.MoveTo != "" {
			ps.add(at+".move_to", CodeConflict, "move_to is set but after_pickup is delete")
		}
	case "move":
		if s.MoveTo == "" {
			ps.add(at+".move_to", CodeRequired, "after_pickup: move needs move_to")
		} else if path.Clean(s.MoveTo) == path.Clean(s.PickupDir) {
			ps.add(at+".move_to", CodeSameDir, "move_to is pickup_dir: files would be picked up again")
		}
	default:
		ps.add(at+".after_pickup", CodeInvalid, "after_pickup %q: want delete or move", s.AfterPickup)
	}
}

func (p *Payer) validateHostKey(ps *problems, at string) {
	s := &p.SFTP
	switch {
	case s.HostKey == "" && s.KnownHostsFile == "":
		ps.add(at+".host_key", CodeRequired, "pin the server's host key with host_key or known_hosts_file; refusing to connect without one")
	case s.HostKey != "" && s.KnownHostsFile != "":
		ps.add(at+".known_hosts_file", CodeConflict, "give host_key or known_hosts_file, not both")
	case s.HostKey != "":
		if _, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(s.HostKey)); err != nil {
			ps.add(at+".host_key", CodeHostKey, "%v; want an authorized_keys line such as \"ssh-ed25519 AAAA...\"", err)
		} else if len(strings.TrimSpace(string(rest))) > 0 {
			ps.add(at+".host_key", CodeHostKey, "host_key holds more than one key line")
		}
	case !fileExists(s.KnownHostsFile):
		checkFile(ps, at+".known_hosts_file", s.KnownHostsFile)
	default:
		check, err := knownhosts.New(s.KnownHostsFile)
		if err != nil {
			ps.add(at+".known_hosts_file", CodeHostKey, "%v", err)
			return
		}
		if s.Host == "" || !validPort(strconv.Itoa(s.Port), false) {
			return // reported at host or port
		}
		// Offer a key the file cannot hold: a KeyError that wants nothing
		// means the host has no entry at all.
		addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
		var ke *knownhosts.KeyError
		err = check(addr, &net.TCPAddr{IP: net.IPv4zero, Port: s.Port}, probeKey)
		if errors.As(err, &ke) && len(ke.Want) == 0 {
			ps.add(at+".known_hosts_file", CodeUnknownHost, "no key for %s in %s", knownhosts.Normalize(addr), s.KnownHostsFile)
		}
	}
}

// probeKey is a public key no real server has (its private key is all zeros).
var probeKey, _ = ssh.NewPublicKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public())

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// loopback reports whether a listen host is reachable from this machine
// only: localhost or a loopback address. An empty host is every interface.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
