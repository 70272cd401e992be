// Package demo runs the whole loop on one machine: the daemon on embedded
// defaults (NATS with JetStream, an SQLite ledger) and the built-in payer
// simulator, an SFTP server that answers every 837 with a 999, a 277CA and
// 835s. `claimsgw demo` and the end-to-end tests use it.
package demo

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/crypto/ssh"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/payersim"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/money"
)

// PayerID is the simulated payer's route key.
const PayerID = "SIMPAYER"

// SecondPayerID is the second simulated payer's: the secondary payer of
// the demo's encounters with other payers (coordination of benefits),
// billed when the first leaves a balance and answering as secondary; the
// first crosses some of those claims over to it.
const (
	SecondPayerID   = "SIMPAYER2"
	SecondPayerName = "SECOND HEALTH PLAN"
	secondDir       = "second" // its SFTP directories: /second/inbound, /second/outbound
)

// Options for a demo.
type Options struct {
	DataDir string // where NATS, the ledger and the payer's files live
	Listen  string // the HTTP API; "" means 127.0.0.1:8080, or a free port when that is taken
	Seed    uint64 // the payer's outcomes; the same seed, the same answers
	Log     zerolog.Logger
	// MaxClaims and Cutoff close the demo payer's files; 0 means 25 claims
	// or one second.
	MaxClaims int
	Cutoff    time.Duration
	// CodeSets is a directory of code-set files (docs/codesets.md) to
	// import into the ledger before the daemon starts; the payer
	// simulator adjudicates codes by them too. "" for none.
	CodeSets string
	// Tokens are the API's (and the dashboard's) callers; none: the API
	// takes every request, on loopback.
	Tokens []config.Token
}

// Demo is a running demo: the daemon and the payer simulator.
type Demo struct {
	Daemon *daemon.Daemon
	Sim    *payersim.Server
	Payer  *payersim.Payer
	Second *payersim.Payer // the secondary payer, on the same SFTP server (/second)

	// CodeSets name the code sets loaded (Options.CodeSets).
	CodeSets []string

	// Before, when set, is what the ledger held before this run (an
	// earlier run's, on a used data directory): Summary counts beyond it.
	// Unset, Summary counts the whole ledger (a run restarted on its
	// directory, as the shutdown test does).
	Before *ledger.Totals

	root      string // the payer's directory
	cancel    context.CancelFunc
	simRun    chan error
	payerDone chan struct{} // closed when the payer has stopped
}

// Start starts the payer simulator and the daemon with a route to it.
func Start(ctx context.Context, o Options) (_ *Demo, err error) {
	if o.MaxClaims == 0 {
		o.MaxClaims = 25
	}
	if o.Cutoff == 0 {
		o.Cutoff = time.Second
	}
	d := &Demo{simRun: make(chan error, 2)}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	keyFile, userKey, err := clientKey(filepath.Join(o.DataDir, "keys"))
	if err != nil {
		return nil, err
	}
	root := filepath.Join(o.DataDir, "payer")
	d.root = root
	d.Sim, err = payersim.NewServer(payersim.Config{Root: root, User: "claimsgw", UserKey: userKey})
	if err != nil {
		return nil, err
	}
	simCtx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	if err := d.Sim.Start(simCtx); err != nil {
		return nil, err
	}
	d.Payer = &payersim.Payer{Seed: o.Seed, ID: PayerID, Name: "SIM HEALTH PLAN", TaxID: "512345678"}
	if o.CodeSets != "" {
		if d.Payer.Codes, err = importCodeSets(ctx, filepath.Join(o.DataDir, "ledger.db"), o.CodeSets); err != nil {
			return nil, err
		}
		for _, s := range d.Payer.Codes.Sets() {
			d.CodeSets = append(d.CodeSets, s.Name)
		}
	}
	d.Second = &payersim.Payer{Seed: o.Seed, ID: SecondPayerID, Name: SecondPayerName, TaxID: "522345678"}
	d.Payer.Crossover = d.Second.CrossOver
	d.payerDone = make(chan struct{})
	secondDone := make(chan struct{})
	go func() {
		defer close(secondDone)
		d.simRun <- d.Second.Run(simCtx, filepath.Join(root, secondDir), 50*time.Millisecond)
	}()
	go func() {
		defer close(d.payerDone)
		d.simRun <- d.Payer.Run(simCtx, root, 50*time.Millisecond)
		<-secondDone
	}()

	cfg, err := Config(o, d.Sim, keyFile)
	if err != nil {
		return nil, err
	}
	d.Daemon, err = daemon.Start(ctx, cfg, daemon.Options{Log: o.Log, Tick: 100 * time.Millisecond,
		MaxDeliver: 5, Backoff: []time.Duration{200 * time.Millisecond, time.Second}})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Config is the daemon's configuration for a demo: embedded defaults in
// the data directory and two routes, to the simulated payers (the second
// in the same server's /second), with its host key pinned.
func Config(o Options, sim *payersim.Server, keyFile string) (*config.Config, error) {
	cfg := config.Default()
	cfg.DataDir = o.DataDir
	cfg.Ledger.DSN = config.Secret(filepath.Join(o.DataDir, "ledger.db"))
	cfg.HTTP.Listen = o.Listen
	cfg.HTTP.Tokens = o.Tokens
	if cfg.HTTP.Listen == "" {
		cfg.HTTP.Listen = freeOr("127.0.0.1:8080")
	}
	cfg.Submitter = config.Submitter{Name: "CLAIMSGW DEMO CLEARINGHOUSE", ID: "CLAIMSGW", ContactName: "EDI SUPPORT", Phone: "8005550100"}
	host, port, err := net.SplitHostPort(sim.Addr())
	if err != nil {
		return nil, err
	}
	portN, _ := strconv.Atoi(port)
	p := config.Payer{
		PayerID: PayerID, Name: "SIM HEALTH PLAN", Usage: "T",
		ISA:        config.ISA{SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: PayerID},
		GS:         config.GS{SenderCode: "CLAIMSGW", ReceiverCode: PayerID},
		ClaimTypes: []claim.Type{claim.Professional, claim.Institutional, claim.Dental},
		Batch:      config.Batch{MaxClaims: o.MaxClaims},
		SFTP: config.SFTP{
			Host: host, Port: portN, User: "claimsgw", Auth: config.SFTPAuth{PrivateKeyFile: keyFile},
			HostKey: sim.HostKeyLine(), Environment: "test",
			UploadDir: "/" + payersim.InboundDir, PickupDir: "/" + payersim.OutboundDir,
			FileName: "{payer}_{isa13}.837", AfterPickup: "delete",
		},
	}
	p.Delimiters.Delimiters = x12.DefaultDelimiters
	p.Batch.Cutoff.Duration = o.Cutoff
	p.SFTP.PollInterval.Duration = 100 * time.Millisecond
	second := p
	second.PayerID, second.Name = SecondPayerID, SecondPayerName
	second.ISA.ReceiverID, second.GS.ReceiverCode = SecondPayerID, SecondPayerID
	second.SFTP.UploadDir, second.SFTP.PickupDir = "/"+secondDir+"/"+payersim.InboundDir, "/"+secondDir+"/"+payersim.OutboundDir
	cfg.Payers = []config.Payer{p, second}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// freeOr returns addr when it can be listened on, else a free port on the
// same host.
func freeOr(addr string) string {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		ln.Close()
		return addr
	}
	host, _, _ := net.SplitHostPort(addr)
	return net.JoinHostPort(host, "0")
}

// clientKey makes the gateway's SFTP key for the demo: a new ed25519 key,
// its private half written where the route's config points.
func clientKey(dir string) (file string, pub ssh.PublicKey, err error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "claimsgw demo")
	if err != nil {
		return "", nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	file = filepath.Join(dir, "sftp_ed25519")
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		return "", nil, err
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return "", nil, err
	}
	return file, signer.PublicKey(), nil
}

// Submit publishes encounters to the daemon's intake.
func (d *Demo) Submit(ctx context.Context, encounters [][]byte) error {
	for _, e := range encounters {
		if _, _, err := intake.Submit(ctx, d.Daemon.JS, d.Daemon.Names, e); err != nil {
			return err
		}
	}
	return nil
}

// Summary is what a demo run did, as `claimsgw demo --json` prints it.
type Summary struct {
	Encounters    int `json:"encounters"`
	Dental        int `json:"dental"` // of them, dental claims (837D); counted when settled, or when Wait gives up
	Invalid       int `json:"invalid"`
	Files         int `json:"files"`
	Submitted     int `json:"submitted"`
	Acknowledged  int `json:"acknowledged"`
	Accepted      int `json:"accepted"`
	Rejected      int `json:"rejected"`
	Paid          int `json:"paid"`
	PartiallyPaid int `json:"partially_paid"`
	Denied        int `json:"denied"`
	Forwarded     int `json:"forwarded"`
	Reversed      int `json:"reversed"` // claims reversed on the way (then paid again)
	Voided        int `json:"voided"`   // claims to a next payer stopped or voided, as the adjudication they carried was reversed
	// Coordination of benefits: claims to the payers after the first
	// (voids not counted), what those paid, and how many of them the
	// first payer crossed over (never billed by the gateway).
	SecondaryClaims int         `json:"secondary_claims"`
	SecondaryPaid   money.Cents `json:"secondary_paid"`
	Crossovers      int         `json:"crossovers"`
	Unsettled       int         `json:"unsettled"`
	Unmatched       int         `json:"unmatched"`
	PayerFiles      int         `json:"payer_files"`
	TotalCharge     money.Cents `json:"total_charge"`
	TotalPaid       money.Cents `json:"total_paid"`
	PatientResp     money.Cents `json:"patient_responsibility"`
	Seconds         float64     `json:"seconds"`
	Settled         bool        `json:"settled"`
	API             string      `json:"api"`
	DataDir         string      `json:"data_dir"`
	// CodeSets name the code sets the scrubber checked codes against;
	// Caught counts, by edit code, the errors they found on the run's
	// encounters (every one made its encounter invalid).
	CodeSets []string       `json:"code_sets"`
	Caught   map[string]int `json:"caught,omitempty"`
}

// Wait polls the ledger until n claims have settled (paid, partially paid,
// denied, rejected, forwarded or invalid) and every payer file is
// processed, or ctx ends; it returns the summary either way.
func (d *Demo) Wait(ctx context.Context, n int, start time.Time) (*Summary, error) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		s, err := d.Summary(ctx, n, start)
		if err != nil || s.Settled {
			return s, err
		}
		select {
		case <-ctx.Done():
			s.Dental, err = d.dentalClaims(context.WithoutCancel(ctx), start)
			return s, err
		case err := <-d.simRun:
			d.simRun <- err
			return s, fmt.Errorf("payer simulator stopped: %v", err)
		case <-t.C:
		}
	}
}

// Summary reads where the demo stands: what the ledger holds beyond what
// it held at the start (Before).
func (d *Demo) Summary(ctx context.Context, n int, start time.Time) (*Summary, error) {
	t, err := d.Daemon.Ledger.Totals(ctx)
	if err != nil {
		return nil, err
	}
	if b := d.Before; b != nil {
		t.Claims, t.Files, t.InboundFiles, t.OpenExceptions = t.Claims-b.Claims, t.Files-b.Files, t.InboundFiles-b.InboundFiles, t.OpenExceptions-b.OpenExceptions
		t.Charge, t.Paid, t.PatientResp = t.Charge-b.Charge, t.Paid-b.Paid, t.PatientResp-b.PatientResp
		t.Encounters, t.SecondaryClaims, t.SecondaryPaid, t.Crossovers = t.Encounters-b.Encounters, t.SecondaryClaims-b.SecondaryClaims,
			t.SecondaryPaid-b.SecondaryPaid, t.Crossovers-b.Crossovers
		for st, k := range b.ByStatus {
			t.ByStatus[st] -= k
		}
		for st, k := range b.Reached {
			t.Reached[st] -= k
		}
	}
	s := &Summary{
		Encounters: t.Encounters, Invalid: t.ByStatus[ledger.StatusInvalid], Files: t.Files,
		Voided: t.ByStatus[ledger.StatusVoided], SecondaryClaims: t.SecondaryClaims, SecondaryPaid: t.SecondaryPaid, Crossovers: t.Crossovers,
		Submitted: t.Reached[ledger.StatusSubmitted], Acknowledged: t.Reached[ledger.StatusAcknowledged],
		Accepted: t.Reached[ledger.StatusAccepted], Rejected: t.ByStatus[ledger.StatusRejected],
		Paid: t.ByStatus[ledger.StatusPaid], PartiallyPaid: t.ByStatus[ledger.StatusPartiallyPaid],
		Denied: t.ByStatus[ledger.StatusDenied], Forwarded: t.ByStatus[ledger.StatusForwarded],
		Reversed: t.Reached[ledger.StatusReversed], Unmatched: t.OpenExceptions, PayerFiles: t.InboundFiles,
		TotalCharge: t.Charge, TotalPaid: t.Paid, PatientResp: t.PatientResp,
		Seconds: time.Since(start).Seconds(), API: "http://" + d.Daemon.Addr, DataDir: d.Daemon.Config.DataDir,
	}
	settled := 0
	for st, k := range t.ByStatus {
		if st.Settled() {
			settled += k
		}
	}
	s.Unsettled = t.Claims - settled
	if s.CodeSets = d.CodeSets; len(d.CodeSets) > 0 {
		counts, err := d.Daemon.Ledger.ProblemCounts(ctx, start)
		if err != nil {
			return nil, err
		}
		for _, code := range encounter.EditCodes {
			if counts[code] > 0 {
				if s.Caught == nil {
					s.Caught = map[string]int{}
				}
				s.Caught[code] = counts[code]
			}
		}
	}
	pending, err := d.Daemon.Ledger.CountInbound(ctx, "received")
	if err != nil {
		return nil, err
	}
	idle, err := d.payerIdle()
	if err != nil {
		return nil, err
	}
	s.Settled = t.Encounters >= n && s.Unsettled == 0 && pending == 0 && idle
	if s.Settled { // counted once, at the end: a page of claims at a time
		if s.Dental, err = d.dentalClaims(ctx, start); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// dentalClaims counts the run's dental claims: all the ledger's, or with
// Before those created since start.
func (d *Demo) dentalClaims(ctx context.Context, start time.Time) (int, error) {
	f := ledger.ClaimFilter{Limit: 1000}
	if d.Before != nil {
		f.From = start
	}
	n := 0
	for {
		page, err := d.Daemon.Ledger.ListClaims(ctx, f)
		if err != nil {
			return 0, err
		}
		for _, c := range page {
			if c.ClaimType == string(claim.Dental) {
				n++
			}
		}
		if len(page) < f.Limit {
			return n, nil
		}
		f.After = page[len(page)-1].ID
	}
}

// payerIdle reports whether the payer has answered every file and the
// gateway has picked up every answer.
func (d *Demo) payerIdle() (bool, error) {
	for _, dir := range []string{payersim.InboundDir, payersim.OutboundDir,
		filepath.Join(secondDir, payersim.InboundDir), filepath.Join(secondDir, payersim.OutboundDir)} {
		entries, err := os.ReadDir(filepath.Join(d.root, dir))
		if os.IsNotExist(err) {
			continue // not made yet
		}
		if err != nil {
			return false, err
		}
		for _, e := range entries {
			if e.Type().IsRegular() {
				return false, nil
			}
		}
	}
	return true, nil
}

// Close stops the daemon and the simulator, and waits for the payer to
// finish the file in hand, so a demo started again on the same directory
// does not answer the same file beside it.
func (d *Demo) Close() {
	if d.Daemon != nil {
		d.Daemon.Close()
	}
	if d.cancel != nil {
		d.cancel()
	}
	if d.payerDone != nil {
		<-d.payerDone
	}
	if d.Sim != nil {
		d.Sim.Close()
	}
}
