package main

import (
	"fmt"
	"io"

	"github.com/claimsgw/claimsgw/payersim"
)

// payerSim runs the payer simulator on its own: an SFTP server that
// answers the 837s uploaded to it.
func payerSim(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("payer-sim", stderr, "claimsgw payer-sim --config FILE")
	path := fs.String("config", "", "the simulator's YAML config: deploy/config/payer-sim.example.yaml is one, "+
		"docs/gateway.md (The payer simulator) says what it answers, docs/sftp.md how its server works")
	if _, err := parse(fs, args); err != nil {
		return exitUnreadable // the flag package said what is wrong, with the usage
	}
	if *path == "" {
		fs.Usage()
		return exitUnreadable
	}
	cfg, err := payersim.LoadSimConfig(*path)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw payer-sim: %v\n", err)
		return exitUnreadable
	}
	srv, err := cfg.Server()
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw payer-sim: %v\n", err)
		return exitUnreadable
	}
	ctx, stop := untilSignal()
	defer stop()
	if err := srv.Start(ctx); err != nil {
		fmt.Fprintf(stderr, "claimsgw payer-sim: %v\n", err)
		return exitInvalid
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "payer simulator %s on sftp://%s@%s, root %s\nhost key (pin it in the gateway's route): %s\n",
		cfg.PayerID, cfg.User, srv.Addr(), cfg.Root, srv.HostKeyLine())
	p := &payersim.Payer{Seed: cfg.Seed, ID: cfg.PayerID, Name: cfg.PayerName, TaxID: "512345678", MinAge: cfg.AnswerAfter, Lenient: cfg.Lenient}
	if err := p.Run(ctx, cfg.Root, cfg.Every); err != nil {
		fmt.Fprintf(stderr, "claimsgw payer-sim: %v\n", err)
		return exitInvalid
	}
	return exitOK
}
