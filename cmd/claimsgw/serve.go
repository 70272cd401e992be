package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
)

// serve runs the daemon until SIGINT or SIGTERM, then stops it in order.
func serve(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("serve", stderr, "claimsgw serve [--config FILE] [--data DIR]")
	path := fs.String("config", "", "the YAML config (docs/config.md); without it: embedded NATS and SQLite in the data directory")
	data := fs.String("data", "", "data directory (default ./claimsgw-data, or data_dir in the config); overrides CLAIMSGW_DATA_DIR")
	if _, err := parse(fs, args); err != nil {
		return exitUnreadable
	}
	if *data != "" {
		os.Setenv("CLAIMSGW_DATA_DIR", *data)
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw serve: %v\n", err)
		return exitUnreadable
	}
	log := newLogger(stderr, cfg.LogLevel)
	ctx, stop := untilSignal()
	defer stop()
	d, err := daemon.Start(ctx, cfg, daemon.Options{Log: log, ConfigFile: *path})
	if errors.Is(err, daemon.ErrLocked) {
		fmt.Fprintf(stderr, "claimsgw serve: %v\n", err)
		return exitUnreadable
	}
	if err != nil {
		log.Error().Err(err).Msg("claimsgw did not start")
		return exitInvalid
	}
	fmt.Fprintf(stderr, "claimsgw: serving; NATS on %s, API on http://%s; data in %s\n", d.NATSURL, d.Addr, cfg.DataDir)
	fmt.Fprintf(stderr, "dashboard: %s\n", d.DashboardURL())
	printRoutes(stderr, cfg.Payers)
	select {
	case <-ctx.Done():
		log.Info().Msg("stopping")
	case <-waitChan(d):
	}
	if err := d.Close(); err != nil {
		log.Error().Err(err).Msg("claimsgw stopped on an error")
		return exitInvalid
	}
	log.Info().Msg("stopped")
	return exitOK
}

// printRoutes says which payers the daemon routes to, or that it routes
// to none.
func printRoutes(w io.Writer, payers []config.Payer) {
	if len(payers) == 0 {
		fmt.Fprintln(w, "claimsgw: no payer routes: every encounter will be invalid (unknown_payer); "+
			"deploy/config/demo.example.yaml routes to `claimsgw payer-sim` (docs/config.md)")
		return
	}
	for _, p := range payers {
		types := make([]string, len(p.ClaimTypes))
		for i, t := range p.ClaimTypes {
			types[i] = string(t)
		}
		fmt.Fprintf(w, "claimsgw: routes payer_id %s (%s) to sftp://%s@%s, %s claims\n", p.PayerID, p.Name, p.SFTP.User,
			net.JoinHostPort(p.SFTP.Host, strconv.Itoa(p.SFTP.Port)), strings.Join(types, ", "))
	}
}

func waitChan(d *daemon.Daemon) <-chan struct{} {
	c := make(chan struct{})
	go func() { d.Wait(); close(c) }()
	return c
}

// newLogger makes the JSON logger with the fixed keys the stages use.
func newLogger(w io.Writer, level string) zerolog.Logger {
	l, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		l = zerolog.InfoLevel
	}
	return zerolog.New(w).Level(l).With().Timestamp().Str("service", "claimsgw").Logger()
}
