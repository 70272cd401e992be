package testutil

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Cluster is n nats-servers with JetStream, clustered over routes on
// 127.0.0.1, each with its own store, as an operator runs them.
type Cluster struct {
	Servers []*server.Server
	opts    []*server.Options
}

// NATSCluster starts a cluster of n servers and returns at once, before
// it has elected its JetStream leaders (as replicas started with a new
// cluster find it); the servers stop when the test ends.
func NATSCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	ports := make([]int, n)
	var routes []*url.URL
	for i := range ports {
		ports[i] = FreePort(t)
		routes = append(routes, &url.URL{Scheme: "nats", Host: fmt.Sprintf("127.0.0.1:%d", ports[i])})
	}
	dir := t.TempDir()
	c := &Cluster{}
	for i := range n {
		o := &server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: server.RANDOM_PORT,
			JetStream: true, StoreDir: filepath.Join(dir, fmt.Sprintf("n%d", i+1)),
			Cluster: server.ClusterOpts{Name: "claimsgw-test", Host: "127.0.0.1", Port: ports[i]},
			Routes:  routes, NoSigs: true, NoLog: true,
		}
		c.opts = append(c.opts, o)
		c.Servers = append(c.Servers, c.start(t, o))
	}
	t.Cleanup(func() {
		for _, s := range c.Servers {
			s.Shutdown()
			s.WaitForShutdown()
		}
	})
	return c
}

func (c *Cluster) start(t testing.TB, o *server.Options) *server.Server {
	t.Helper()
	s, err := server.NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatalf("nats-server %s did not take connections within 10s", o.ServerName)
	}
	return s
}

// URLs are the servers' client URLs.
func (c *Cluster) URLs() []string {
	urls := make([]string, len(c.Servers))
	for i, s := range c.Servers {
		urls[i] = s.ClientURL()
	}
	return urls
}

// Restart stops server i, as kill -9 would (its store stays), and starts
// it again on the same ports.
func (c *Cluster) Restart(t testing.TB, i int) {
	t.Helper()
	o := c.opts[i].Clone()
	o.Port = c.Servers[i].Addr().(*net.TCPAddr).Port // its clients reconnect to it
	c.Servers[i].Shutdown()
	c.Servers[i].WaitForShutdown()
	c.Servers[i] = c.start(t, o)
}
