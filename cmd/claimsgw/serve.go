package main

import (
	"errors"
	"fmt"
	"io"
	"os"

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
	d, err := daemon.Start(ctx, cfg, daemon.Options{Log: log})
	if errors.Is(err, daemon.ErrLocked) {
		fmt.Fprintf(stderr, "claimsgw serve: %v\n", err)
		return exitUnreadable
	}
	if err != nil {
		log.Error().Err(err).Msg("claimsgw did not start")
		return exitInvalid
	}
	fmt.Fprintf(stderr, "claimsgw: serving; API on http://%s; data in %s\n", d.Addr, cfg.DataDir)
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
