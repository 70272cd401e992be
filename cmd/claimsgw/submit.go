package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/gateway/intake"
	"github.com/claimsgw/claimsgw/queue"
)

// submitWindow is how many encounters submit publishes before it waits for
// their acknowledgments.
const submitWindow = 256

// submit publishes encounter files (one JSON object, or JSON lines, or
// objects one after another) to the intake subject.
func submit(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("submit", stderr, "claimsgw submit [--data DIR | --nats URL] FILE...")
	urls := fs.String("nats", "", "NATS server URLs, comma-separated (default: CLAIMSGW_NATS_URLS, else the one the daemon of --data runs on)")
	data := fs.String("data", envOr("CLAIMSGW_DATA_DIR", config.DefaultDataDir), "the daemon's data directory: its NATS URL is read there")
	creds := fs.String("creds", "", "NATS credentials file")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for NATS to take each window of 256 encounters")
	files, ok := parseFiles(fs, args)
	if !ok {
		return exitUnreadable
	}
	servers, err := natsURLs(*urls, *data)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw submit: %v\n", err)
		return exitUnreadable
	}
	nc, err := queue.Connect(servers, queue.ConnectOptions{Name: "claimsgw-submit", CredsFile: *creds})
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw submit: %v\n", err)
		return exitUnreadable
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		fmt.Fprintf(stderr, "claimsgw submit: %v\n", err)
		return exitUnreadable
	}
	ctx := context.Background()
	var sent, dups int
	last := time.Now()
	// Encounters go submitWindow at a time, their acknowledgments awaited
	// together: one round trip a window, not one an encounter.
	var window [][]byte
	flush := func() error {
		if len(window) == 0 {
			return nil
		}
		wctx, cancel := context.WithTimeout(ctx, *timeout)
		_, d, err := intake.SubmitAll(wctx, js, queue.Default, window)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("NATS did not take the next %d encounters within %s (--timeout): waiting for the ENCOUNTERS stream to store them; "+
				"is its disk full? claimsgw serve's /readyz and log say; those sent before are in", len(window), *timeout)
		}
		if err != nil {
			return err
		}
		sent, dups, window = sent+len(window), dups+d, window[:0]
		if time.Since(last) > time.Second {
			fmt.Fprintf(stderr, "%d encounters sent\n", sent)
			last = time.Now()
		}
		return nil
	}
	for _, name := range files {
		objects := 0
		err := eachObject(name, stdin, func(raw []byte) error {
			objects++
			window = append(window, raw)
			if len(window) == submitWindow {
				return flush()
			}
			return nil
		})
		if err == nil && objects == 0 {
			err = errors.New("no JSON object in the file")
		}
		if err == nil {
			err = flush()
		}
		if errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, nats.ErrNoResponders) {
			err = fmt.Errorf("%w (is claimsgw serve running against this NATS? it creates the streams)", err)
		}
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw submit: %s: %v (%d encounters sent before)\n", name, err, sent)
			return exitUnreadable
		}
	}
	fmt.Fprintf(stdout, "%d encounters sent (%d already known to NATS)\n", sent, dups)
	return exitOK
}

// eachObject calls f with each top-level JSON object of a file.
func eachObject(name string, stdin io.Reader, f func([]byte) error) error {
	r, err := open(name, stdin)
	if err != nil {
		return err
	}
	defer r.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	for i := 1; ; i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("object %d: %w", i, err)
		}
		if len(raw) == 0 || raw[0] != '{' {
			return fmt.Errorf("object %d: not a JSON object", i)
		}
		if err := f(raw); err != nil {
			return err
		}
	}
}

// natsURLs are the NATS servers a command connects to: those of --nats,
// else of CLAIMSGW_NATS_URLS, else the one the daemon of the data
// directory wrote in its endpoints file.
func natsURLs(flag, dataDir string) ([]string, error) {
	if v := cmp.Or(flag, os.Getenv("CLAIMSGW_NATS_URLS")); v != "" {
		return strings.Split(v, ","), nil
	}
	e, err := daemon.ReadEndpoints(dataDir)
	if err != nil {
		return nil, fmt.Errorf("%w (is claimsgw serve running there? give --data DIR, or --nats URL)", err)
	}
	return e.NATS, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
