package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/payersim"
	"github.com/claimsgw/claimsgw/queue"
)

// TestChaos runs a scaled-out gateway as an operator does before trusting
// it: a cluster of three NATS servers (R3 streams), PostgreSQL, and three
// replicas of `claimsgw serve` started at the same moment against the new
// cluster. While encounters flow it kills a replica with SIGKILL, restarts
// the leader of the FILES_OUT stream, and takes PostgreSQL away for 15 s
// (a proxy in front of it drops every connection and refuses new ones).
// At the end every encounter is a settled claim, every CLM01 reached the
// payer once, no control number was used twice, the payments are the
// payer's 835s to the cent, nothing is open or dead-lettered, and every
// claim event is in the EVENTS stream, once.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("a NATS cluster, PostgreSQL and three replicas for minutes: not in -short")
	}
	// Beside the soak, which mostly waits (for its outage, for its
	// kills): the package stays well within go test's 10 minutes.
	t.Parallel()
	direct := postgresDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	cluster := testutil.NATSCluster(t, 3)
	pg := startTCPProxy(t, direct)
	s := startSim(t, filepath.Join(tmp, "payer"))

	bin := filepath.Join(tmp, "claimsgw")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/claimsgw/claimsgw/cmd/claimsgw").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	urls := cluster.URLs()
	start := time.Now()
	var replicas []*replica
	for i := range 3 {
		replicas = append(replicas, newReplica(t, bin, filepath.Join(tmp, fmt.Sprintf("replica%d", i)), fmt.Sprintf(`nats: {urls: [%s], replicas: 3}
ledger: {driver: postgres, dsn: %q}
http: {listen: "127.0.0.1:0"}
submitter: {name: CLAIMSGW CHAOS, id: CLAIMSGW, contact_name: EDI SUPPORT, phone: "8005550100"}
`, strings.Join(urls, ", "), pg.dsn)+s.routeYAML(50, 500*time.Millisecond, 200*time.Millisecond)))
	}
	for _, r := range replicas { // all at once, against a cluster that has just started
		r.run()
	}
	defer func() {
		for _, r := range replicas {
			r.close()
			if t.Failed() {
				r.showLog()
			}
		}
	}()
	at := func() string { return fmt.Sprintf("%.1fs", time.Since(start).Seconds()) }

	const n = 2000
	encounters := demo.Encounters(n, demo.PayerID, 17, time.Now())
	var published atomic.Int64
	pubDone := publishEncounters(ctx, strings.Join(urls, ","), encounters, 2*time.Millisecond, &published)
	archived := func() int {
		names, _ := completeFiles(filepath.Join(s.Root, payersim.ArchiveDir))
		return len(names)
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			for _, r := range replicas {
				if err := r.exitedOnItsOwn(); err != nil {
					t.Fatalf("%s: replica %s exited on its own (%v) waiting for %s", at(), r.name, err, what)
				}
			}
			select {
			case <-ctx.Done():
				t.Fatalf("%s: timed out waiting for %s", at(), what)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}

	waitFor("500 encounters published", func() bool { return published.Load() >= 500 })
	t.Logf("%s: SIGKILL replica %s (%d published, %d 837s at the payer)", at(), replicas[1].name, published.Load(), archived())
	replicas[1].kill()
	time.Sleep(2 * time.Second)
	replicas[1].run()

	waitFor("five 837s at the payer", func() bool { return archived() >= 5 })
	leader := streamLeader(ctx, t, urls[0], queue.Default.Stream(queue.StreamFilesOut))
	t.Logf("%s: restarting NATS server %s, the leader of FILES_OUT", at(), cluster.Servers[leader].Name())
	cluster.Restart(t, leader)

	waitFor("ten 837s at the payer", func() bool { return archived() >= 10 })
	t.Logf("%s: PostgreSQL away for 15 s", at())
	pg.cut()
	time.Sleep(15 * time.Second)
	pg.restore(t)
	t.Logf("%s: PostgreSQL back", at())

	if err := <-pubDone; err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(ctx, ledger.Postgres, direct)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	waitSettled(ctx, t, l, s, n)
	t.Logf("%s: settled", at())
	// Every event relayed: the outbox empties once the replicas relay.
	waitFor("the claim events' outbox to empty", func() bool { k, err := l.PendingEvents(ctx); return err == nil && k == 0 })
	for _, r := range replicas {
		r.stop()
	}

	checkReceived(t, s.received837s(t), pcns(t, encounters))
	db, err := sql.Open("pgx", direct)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkLedger(ctx, t, db, encounterIDs(t, encounters))
	checkPayments(ctx, t, db, "")
	checkEvents(ctx, t, db, urls[0])
}

// checkEvents asserts that the EVENTS stream holds each claim event once,
// and one for each move in the claims' histories (a history entry that
// leaves the status as it is may be a note, without an event).
func checkEvents(ctx context.Context, t *testing.T, db *sql.DB, url string) {
	t.Helper()
	key := func(claim, from, to string, at time.Time, kind, file string) string {
		return strings.Join([]string{claim, from, to, fmt.Sprint(at.UnixMilli()), kind, file}, "|")
	}
	js := testutil.JetStream(t, url)
	s, err := js.Stream(ctx, queue.Default.Stream(queue.StreamEvents))
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	total := 0
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		msg, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("EVENTS message %d: %v", seq, err)
		}
		var e ledger.Event
		if err := json.Unmarshal(msg.Data, &e); err != nil {
			t.Fatal(err)
		}
		seen[key(e.ClaimID, e.From, e.Status, e.At, e.Source, e.File)]++
		total++
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("event %s is in EVENTS %d times", k, n)
		}
	}
	moves := 0
	rows, err := db.QueryContext(ctx, `SELECT claim_id, from_status, to_status, at, source_kind, source_file FROM claim_history WHERE from_status <> to_status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var claim, from, to, kind, file string
		var at int64
		if err := rows.Scan(&claim, &from, &to, &at, &kind, &file); err != nil {
			t.Fatal(err)
		}
		moves++
		if seen[key(claim, from, to, time.UnixMilli(at), kind, file)] == 0 {
			t.Errorf("no event in EVENTS for claim %s's move %s → %s by %s %s", claim, from, to, kind, file)
		}
	}
	t.Logf("%d events in EVENTS, for %d moves", total, moves)
}

// replica is `claimsgw serve --config` in a data directory of its own.
type replica struct {
	t               *testing.T
	name, bin, cfg  string
	log             *os.File
	cmd             *exec.Cmd
	exited          chan error
	killed, stopped bool
}

func newReplica(t *testing.T, bin, dir, cfg string) *replica {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	r := &replica{t: t, name: filepath.Base(dir), bin: bin, cfg: filepath.Join(dir, "claimsgw.yaml")}
	if err := os.WriteFile(r.cfg, []byte(fmt.Sprintf("data_dir: %q\n", filepath.Join(dir, "data"))+cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	if r.log, err = os.Create(filepath.Join(dir, "claimsgw.log")); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *replica) run() {
	c := exec.Command(r.bin, "serve", "--config", r.cfg)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLAIMSGW_") { // the config file says it all
			c.Env = append(c.Env, kv)
		}
	}
	c.Stdout, c.Stderr = r.log, r.log
	if err := c.Start(); err != nil {
		r.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	r.cmd, r.exited, r.killed = c, done, false
}

// exitedOnItsOwn is the error of a replica that exited without being told.
func (r *replica) exitedOnItsOwn() error {
	if r.killed || r.stopped {
		return nil
	}
	select {
	case err := <-r.exited:
		r.exited <- err
		return fmt.Errorf("%v", err)
	default:
		return nil
	}
}

func (r *replica) kill() {
	r.killed = true
	r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.exited
}

// stop stops the replica with SIGTERM and fails the test unless it stops
// cleanly within 15 s.
func (r *replica) stop() {
	r.t.Helper()
	r.stopped = true
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-r.exited:
		if err != nil {
			r.t.Errorf("replica %s stopped with %v", r.name, err)
		}
	case <-time.After(15 * time.Second):
		r.t.Errorf("replica %s did not stop within 15s of SIGTERM", r.name)
	}
}

func (r *replica) close() {
	if !r.stopped && !r.killed {
		r.cmd.Process.Signal(syscall.SIGKILL)
		select {
		case <-r.exited:
		case <-time.After(5 * time.Second):
		}
	}
	r.log.Close()
}

func (r *replica) showLog() {
	b, _ := os.ReadFile(r.log.Name())
	r.t.Logf("replica %s log (warnings and errors, end):\n%s", r.name, tail(grepLines(string(b), `"level":"warn"`)+grepLines(string(b), `"level":"error"`), 8000))
}

// streamLeader is the index in the cluster (n1, n2, n3) of the server that
// leads a stream.
func streamLeader(ctx context.Context, t *testing.T, url, stream string) int {
	t.Helper()
	js := testutil.JetStream(t, url)
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil || info.Cluster == nil {
		t.Fatalf("stream %s: %+v, %v", stream, info, err)
	}
	var i int
	if _, err := fmt.Sscanf(info.Cluster.Leader, "n%d", &i); err != nil {
		t.Fatalf("stream %s is led by %q", stream, info.Cluster.Leader)
	}
	return i - 1
}

// tcpProxy stands between the replicas and PostgreSQL: cut drops every
// connection and refuses new ones, as a database that went away does;
// restore takes connections again on the same port.
type tcpProxy struct {
	dsn, to string
	port    int
	mu      sync.Mutex
	ln      net.Listener
	conns   map[net.Conn]bool
}

// startTCPProxy proxies the PostgreSQL of dsn; its dsn field is the same
// database through the proxy.
func startTCPProxy(t *testing.T, dsn string) *tcpProxy {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{to: u.Host, port: testutil.FreePort(t), conns: map[net.Conn]bool{}}
	u.Host = fmt.Sprintf("127.0.0.1:%d", p.port)
	p.dsn = u.String()
	p.restore(t)
	t.Cleanup(p.cut)
	return p
}

func (p *tcpProxy) restore(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p.port))
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
}

func (p *tcpProxy) serve(c net.Conn) {
	up, err := net.Dial("tcp", p.to)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil { // cut meanwhile
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, pair := range [][2]net.Conn{{up, c}, {c, up}} {
		wg.Go(func() {
			_, _ = io.Copy(pair[0], pair[1]) // until either side closes, or cut
			pair[0].Close()
			pair[1].Close()
		})
	}
	wg.Wait()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
}
