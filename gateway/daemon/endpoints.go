package daemon

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

// EndpointsFile is where a running daemon says, in its data directory,
// how to reach it: `claimsgw submit`, `exceptions` and `claim check` read
// it there (an embedded NATS takes another port at each start).
const EndpointsFile = "endpoints.json"

// Endpoints are how to reach a running daemon.
type Endpoints struct {
	NATS   []string `json:"nats"`             // its NATS URLs
	API    string   `json:"api"`              // its HTTP API, http://host:port
	Config string   `json:"config,omitempty"` // its config file, an absolute path; "" for none
	PID    int      `json:"pid"`
}

// ReadEndpoints reads what the daemon of a data directory wrote of how to
// reach it.
func ReadEndpoints(dataDir string) (*Endpoints, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, EndpointsFile))
	if err != nil {
		return nil, fmt.Errorf("no running claimsgw serve found in %s: %w", dataDir, err)
	}
	var e Endpoints
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dataDir, EndpointsFile), err)
	}
	return &e, nil
}

// writeEndpoints writes the daemon's endpoints to its data directory,
// readable by its user only, replacing the file at once.
func (d *Daemon) writeEndpoints(nats []string, configFile string) error {
	e := Endpoints{NATS: nats, API: "http://" + reachable(d.Addr), PID: os.Getpid()}
	if configFile != "" {
		abs, err := filepath.Abs(configFile)
		if err != nil {
			return err
		}
		e.Config = abs
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(d.Config.DataDir, EndpointsFile)
	if err := os.WriteFile(path+".tmp", append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("endpoints: %w", err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		return fmt.Errorf("endpoints: %w", err)
	}
	d.endpoints = path
	return nil
}

// removeEndpoints removes the endpoints file at a stop, when it is still
// this process's.
func (d *Daemon) removeEndpoints() {
	if d.endpoints == "" {
		return
	}
	if e, err := ReadEndpoints(filepath.Dir(d.endpoints)); err == nil && e.PID == os.Getpid() {
		os.Remove(d.endpoints)
	}
}

// reachable is a listen address as a client on this machine dials it: an
// unspecified host (all interfaces) is the loopback one.
func reachable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
