package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/demo"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/payersim"
	"github.com/claimsgw/claimsgw/x12"
	"github.com/claimsgw/claimsgw/x12/claim"
	"github.com/claimsgw/claimsgw/x12/money"
	"github.com/claimsgw/claimsgw/x12/remit"
	"github.com/claimsgw/claimsgw/x12/sets"
)

// sim is the payer simulator run in the test process: an SFTP server on a
// root directory and the payer answering the 837s uploaded there. The
// payer archives every 837 it answered to root/archive (a second copy of a
// name as name.2), so what it received can be read back at the end.
type sim struct {
	*gatewaytest.SFTP // the server: Stop is an outage, Start ends it
	Root              string
	KeyFile           string // the gateway's private key
	cancel            context.CancelFunc
	done              chan error
}

func startSim(t testing.TB, root string) *sim { t.Helper(); return startSimAnswering(t, root, true) }

// startSimAnswering starts the simulator; without answer, the 837s stay
// in root/inbound unanswered.
func startSimAnswering(t testing.TB, root string, answer bool) *sim {
	t.Helper()
	srv := gatewaytest.NewSFTP(t, root)
	keyFile := filepath.Join(t.TempDir(), "sftp_ed25519")
	if err := os.WriteFile(keyFile, srv.Endpoint.PrivateKey, 0o600); err != nil {
		t.Fatal(err)
	}
	srv.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &sim{SFTP: srv, Root: root, KeyFile: keyFile, cancel: cancel, done: make(chan error, 1)}
	p := &payersim.Payer{Seed: 1, ID: demo.PayerID, Name: "SIM HEALTH PLAN", TaxID: "512345678"}
	if err := os.MkdirAll(filepath.Join(root, payersim.ArchiveDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if answer {
		go func() { s.done <- p.Run(ctx, root, 50*time.Millisecond) }()
	}
	t.Cleanup(s.Close)
	return s
}

// Close stops the payer and the server.
func (s *sim) Close() {
	s.cancel()
	s.Stop()
}

// outage stops the SFTP server (the payer keeps answering what it has).
func (s *sim) outage() { s.Stop() }

// restore starts the SFTP server again, on the same address with the same
// host key.
func (s *sim) restore(t testing.TB) { t.Helper(); s.Start(t) }

// stopped reports an error if the payer stopped on its own.
func (s *sim) stopped() error {
	select {
	case err := <-s.done:
		s.done <- err
		return fmt.Errorf("payer simulator stopped: %v", err)
	default:
		return nil
	}
}

// route is the gateway's route to the simulator, as demo.Config makes it.
func (s *sim) route(maxClaims int, cutoff, poll time.Duration) config.Payer {
	host, portN := s.Endpoint.Host, s.Endpoint.Port
	p := config.Payer{
		PayerID: demo.PayerID, Name: "SIM HEALTH PLAN", Usage: "T",
		ISA:        config.ISA{SenderQualifier: "ZZ", SenderID: "CLAIMSGW", ReceiverQualifier: "ZZ", ReceiverID: demo.PayerID},
		GS:         config.GS{SenderCode: "CLAIMSGW", ReceiverCode: demo.PayerID},
		ClaimTypes: []claim.Type{claim.Professional, claim.Institutional},
		Batch:      config.Batch{MaxClaims: maxClaims},
		SFTP: config.SFTP{
			Host: host, Port: portN, User: "claimsgw", Auth: config.SFTPAuth{PrivateKeyFile: s.KeyFile},
			HostKey: s.Endpoint.HostKey, Environment: "test",
			UploadDir: "/" + payersim.InboundDir, PickupDir: "/" + payersim.OutboundDir,
			FileName: "{payer}_{isa13}.837", AfterPickup: "delete",
		},
	}
	p.Delimiters.Delimiters = x12.DefaultDelimiters
	p.Batch.Cutoff.Duration = cutoff
	p.SFTP.PollInterval.Duration = poll
	return p
}

// routeYAML is the same route in the config file's form.
func (s *sim) routeYAML(maxClaims int, cutoff, poll time.Duration) string {
	host, port := s.Endpoint.Host, strconv.Itoa(s.Endpoint.Port)
	return fmt.Sprintf(`payers:
  - payer_id: %[1]s
    name: SIM HEALTH PLAN
    usage: T
    isa: {sender_qualifier: ZZ, sender_id: CLAIMSGW, receiver_qualifier: ZZ, receiver_id: %[1]s}
    gs: {sender_code: CLAIMSGW, receiver_code: %[1]s}
    claim_types: [professional, institutional]
    batch: {max_claims: %[2]d, cutoff: %[3]s}
    sftp:
      host: %[4]s
      port: %[5]s
      user: claimsgw
      auth: {private_key_file: %[6]q}
      host_key: %[7]q
      environment: test
      upload_dir: /%[8]s
      pickup_dir: /%[9]s
      file_name: "{payer}_{isa13}.837"
      poll_interval: %[10]s
      after_pickup: delete
`, demo.PayerID, maxClaims, cutoff, host, port, s.KeyFile, s.Endpoint.HostKey, payersim.InboundDir, payersim.OutboundDir, poll)
}

// idle reports whether the payer has answered every complete 837 and the
// gateway has picked up every answer. Dot files and .part files are
// uploads in progress (or left by a killed upload): the payer ignores
// them, and so does this.
func (s *sim) idle() (bool, error) {
	for _, dir := range []string{payersim.InboundDir, payersim.OutboundDir} {
		names, err := completeFiles(filepath.Join(s.Root, dir))
		if err != nil || len(names) > 0 {
			return false, err
		}
	}
	return true, nil
}

// completeFiles lists the regular files of dir that are not uploads in
// progress.
func completeFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && !strings.HasPrefix(n, ".") && !strings.HasSuffix(n, ".part") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// received is an 837 file the payer received: its name and the control
// numbers and CLM01s in it.
type received struct {
	Name  string
	ISA13 string
	GS06  []string
	ST02  []string
	CLM01 []string
}

// received837s reads every 837 the payer received: the answered ones in
// archive/ and any still waiting in inbound/.
func (s *sim) received837s(t testing.TB) []received {
	t.Helper()
	return received837s(t, s.Root)
}

// received837s reads the 837s received by a payer simulator with root.
func received837s(t testing.TB, root string) []received {
	t.Helper()
	var out []received
	for _, dir := range []string{payersim.ArchiveDir, payersim.InboundDir} {
		names, err := completeFiles(filepath.Join(root, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			data, err := os.ReadFile(filepath.Join(root, dir, name))
			if err != nil {
				t.Fatal(err)
			}
			f := received{Name: dir + "/" + name}
			r := x12.NewReader(bytes.NewReader(data))
			for {
				seg, err := r.Read()
				if err != nil {
					break
				}
				switch seg.ID() {
				case "ISA":
					f.ISA13 = seg.Str(13)
				case "GS":
					f.GS06 = append(f.GS06, seg.Str(6))
				case "ST":
					f.ST02 = append(f.ST02, seg.Str(2))
				case "CLM":
					f.CLM01 = append(f.CLM01, seg.Str(1))
				}
			}
			out = append(out, f)
		}
	}
	return out
}

// checkReceived asserts that the payer received each of want (CLM01s)
// exactly once and nothing else, and that no ISA13, GS06 or ST02 was used
// in two files.
func checkReceived(t testing.TB, files []received, want []string) {
	t.Helper()
	seen := map[string]string{}
	for _, f := range files {
		for _, pcn := range f.CLM01 {
			if prev, ok := seen[pcn]; ok {
				t.Errorf("CLM01 %s delivered twice: in %s and %s", pcn, prev, f.Name)
			}
			seen[pcn] = f.Name
		}
	}
	for _, pcn := range want {
		if _, ok := seen[pcn]; !ok {
			t.Errorf("CLM01 %s never reached the payer", pcn)
		}
		delete(seen, pcn)
	}
	for pcn, name := range seen {
		t.Errorf("CLM01 %s in %s is none of the encounters", pcn, name)
	}
	for _, kind := range []string{"ISA13", "GS06", "ST02"} {
		used := map[string]string{}
		for _, f := range files {
			var nums []string
			switch kind {
			case "ISA13":
				nums = []string{f.ISA13}
			case "GS06":
				nums = f.GS06
			case "ST02":
				nums = f.ST02
			}
			for _, n := range nums {
				if prev, ok := used[n]; ok {
					t.Errorf("%s %s used twice: in %s and %s", kind, n, prev, f.Name)
				}
				used[n] = f.Name
			}
		}
	}
}

// pcns returns the CLM01 of each encounter (claim.patient_control_number).
func pcns(t testing.TB, encounters [][]byte) []string {
	t.Helper()
	out := make([]string, len(encounters))
	for i, e := range encounters {
		var head struct {
			Claim struct {
				PCN string `json:"patient_control_number"`
			} `json:"claim"`
		}
		if err := json.Unmarshal(e, &head); err != nil || head.Claim.PCN == "" {
			t.Fatalf("encounter %d: no patient control number (%v)", i, err)
		}
		out[i] = head.Claim.PCN
	}
	return out
}

// progress says whether n claims have settled and the payer and the
// gateway are idle, and where things stand.
func progress(ctx context.Context, l *ledger.Ledger, s *sim, n int) (bool, string, error) {
	t, err := l.Totals(ctx)
	if err != nil {
		return false, "", err
	}
	settled := 0
	for st, k := range t.ByStatus {
		if st.Settled() {
			settled += k
		}
	}
	pending, err := l.CountInbound(ctx, "received")
	if err != nil {
		return false, "", err
	}
	idle, err := s.idle()
	if err != nil {
		return false, "", err
	}
	state := fmt.Sprintf("%d claims, %d settled, %d files, %d payer files (%d unprocessed), payer idle %v, by status %v",
		t.Claims, settled, t.Files, t.InboundFiles, pending, idle, t.ByStatus)
	return t.Claims == n && settled == n && pending == 0 && idle, state, nil
}

// waitSettled polls progress until it says done, the payer stops, or ctx
// ends.
func waitSettled(ctx context.Context, t testing.TB, l *ledger.Ledger, s *sim, n int) {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	state := ""
	for {
		done, st, err := progress(ctx, l, s, n)
		if err == nil {
			state = st
		}
		if done {
			t.Logf("settled: %s", state)
			return
		}
		if err := s.stopped(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("not settled in time: %s (last error %v)", state, err)
		case <-tick.C:
		}
	}
}

// checkLedger asserts what the ledger says after a run: each encounter is
// one claim, in one file, settled, with no open exceptions or dead
// letters. db is the ledger's database opened directly.
func checkLedger(ctx context.Context, t testing.TB, db *sql.DB, encounterIDs []string) {
	t.Helper()
	got := map[string]int{}
	rows, err := db.QueryContext(ctx, `SELECT encounter_id, status FROM claims`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var st ledger.Status
		if err := rows.Scan(&id, &st); err != nil {
			t.Fatal(err)
		}
		got[id]++
		if !st.Settled() {
			t.Errorf("claim %s is %s, not settled", id, st)
		}
		if st == ledger.StatusDeliveryFailed || st == ledger.StatusInvalid {
			t.Errorf("claim %s is %s", id, st)
		}
	}
	rows.Close()
	for _, id := range encounterIDs {
		if got[id] != 1 {
			t.Errorf("encounter %s is %d claims, want 1", id, got[id])
		}
		delete(got, id)
	}
	for id := range got {
		t.Errorf("claim for encounter %s, which was never submitted", id)
	}
	var fileClaims, distinct, files, undelivered int
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT claim_id) FROM file_claims`).Scan(&fileClaims, &distinct); err != nil {
		t.Fatal(err)
	}
	if fileClaims != len(encounterIDs) || distinct != len(encounterIDs) {
		t.Errorf("file_claims has %d rows for %d claims, want %d each", fileClaims, distinct, len(encounterIDs))
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(CASE WHEN status <> 'submitted' THEN 1 ELSE 0 END), 0) FROM files`).Scan(&files, &undelivered); err != nil {
		t.Fatal(err)
	}
	if undelivered != 0 {
		t.Errorf("%d of %d files not submitted", undelivered, files)
	}
	for _, s := range queryStrings(ctx, t, db, `SELECT stream || ' ' || msg_id || ': ' || error FROM dead_letters`) {
		t.Errorf("dead letter: %s", s)
	}
	for _, s := range queryStrings(ctx, t, db, `SELECT kind || ' ' || pcn || ': ' || reason FROM exceptions WHERE status = 'open'`) {
		t.Errorf("open exception: %s", s)
	}
}

// queryStrings returns the one text column of a query's rows.
func queryStrings(ctx context.Context, t testing.TB, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// openSQLite opens an SQLite ledger file directly, for the checks.
func openSQLite(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// encounterIDs returns the ids of encounters.
func encounterIDs(t testing.TB, encounters [][]byte) []string {
	t.Helper()
	ids := make([]string, len(encounters))
	for i, e := range encounters {
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(e, &head); err != nil || head.ID == "" {
			t.Fatalf("encounter %d: no id (%v)", i, err)
		}
		ids[i] = head.ID
	}
	return ids
}

// checkPayments asserts that the ledger's payments are, to the cent, the
// payer's 835s it applied (those whose names are not like skip), one
// remittance a set, each balanced.
func checkPayments(ctx context.Context, t testing.TB, db *sql.DB, skip string) {
	t.Helper()
	var want money.Cents
	sets835 := 0
	rows, err := db.QueryContext(ctx, `SELECT name, content FROM inbound_files WHERE kind = '835' AND name NOT LIKE $1`, skip)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var content []byte
		if err := rows.Scan(&name, &content); err != nil {
			t.Fatal(err)
		}
		rs, _, err := x12.Decode[*remit.Remittance](bytes.NewReader(content), sets.Decoders())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			sets835++
			for _, c := range r.Claims {
				want += c.Paid
			}
		}
	}
	rows.Close()
	var paid, remittances, unbalanced int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(paid_cents), 0) FROM claim_payments`).Scan(&paid); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(CASE WHEN amount_cents * (CASE credit_debit WHEN 'D' THEN -1 ELSE 1 END)
			<> claims_paid_cents - COALESCE((SELECT SUM(amount_cents) FROM provider_adjustments pa WHERE pa.remittance_id = r.id), 0) THEN 1 ELSE 0 END), 0)
		FROM remittances r`).Scan(&remittances, &unbalanced); err != nil {
		t.Fatal(err)
	}
	if money.Cents(paid) != want || remittances != int64(sets835) || unbalanced != 0 {
		t.Errorf("the ledger's payments %s over %d remittances (%d unbalanced); the payer's 835s pay %s in %d sets",
			money.Cents(paid), remittances, unbalanced, want, sets835)
	}
	t.Logf("%d remittances, %s paid", remittances, money.Cents(paid))
}
