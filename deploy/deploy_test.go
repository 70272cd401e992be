// Package deploy holds no code: its tests check the deployment files beside
// them (the Dockerfile at the repository root, the compose stack, the
// Kubernetes manifests and the config examples) against the real config
// package and against each other, without Docker or a cluster.
package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/crypto/ssh"
	"gopkg.in/yaml.v3"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway/daemon"
	"github.com/claimsgw/claimsgw/internal/testutil"
	"github.com/claimsgw/claimsgw/payersim"
)

// Every YAML file under deploy/ must be one of these kinds, so that a new
// file cannot escape the tests below.
var yamlFiles = map[string]string{
	"config/demo.example.yaml":       "config",
	"config/payer-sim.example.yaml":  "payer-sim (TestDemoExample)",
	"config/production.example.yaml": "config",
	"compose/compose.yaml":           "compose",
	"compose/config.yaml":            "config (compose)",
	"k8s/namespace.yaml":             "manifest",
	"k8s/configmap.yaml":             "manifest",
	"k8s/secret.yaml":                "manifest",
	"k8s/deployment.yaml":            "manifest",
	"k8s/service.yaml":               "manifest",
	"k8s/pdb.yaml":                   "manifest",
	"k8s/kustomization.yaml":         "kustomization",
	"k8s/nats-values.yaml":           "helm values",
}

func TestEveryYAMLFileIsKnown(t *testing.T) {
	var found []string
	err := filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			found = append(found, filepath.ToSlash(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range found {
		if _, ok := yamlFiles[p]; !ok {
			t.Errorf("%s: a YAML file the tests do not know; add it to yamlFiles and check it", p)
		}
		// Every file parses as YAML, whatever its kind.
		decodeAll(t, p)
	}
	for p := range yamlFiles {
		if !slices.Contains(found, p) {
			t.Errorf("%s: listed in yamlFiles but missing", p)
		}
	}
}

// clearEnv empties every CLAIMSGW_* override for the test, so that the
// environment of whoever runs it does not leak into the configs.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, name := range config.Env {
		t.Setenv(name, "")
	}
}

// The demo example is a working route to the payer simulator's example:
// keys made as the file says (here in Go, the same files ssh-keygen
// makes), both files copied beside them, the payer and the daemon started
// on them, an encounter goes to the payer and comes back paid or
// adjudicated. Before, the demo example had no payers, and every
// encounter was invalid (unknown_payer).
func TestDemoExample(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	keys := filepath.Join(dir, "deploy", "config", "keys") // as in the repository: the payer's root is two up
	if err := os.MkdirAll(keys, 0o700); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(testutil.FreePort(t))
	for _, name := range []string{"demo.example.yaml", "payer-sim.example.yaml"} {
		b, err := os.ReadFile(filepath.Join("config", name))
		if err != nil {
			t.Fatal(err)
		}
		b = []byte(strings.ReplaceAll(string(b), "2222", port)) // 2222 may be taken here
		if err := os.WriteFile(filepath.Join(dir, "deploy", "config", name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeKey(t, filepath.Join(keys, "gateway_ed25519"))
	hostPub := writeKey(t, filepath.Join(keys, "payer_host_ed25519"))
	if err := os.WriteFile(filepath.Join(keys, "known_hosts"), []byte("[127.0.0.1]:"+port+" "+hostPub+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	sim, err := payersim.LoadSimConfig(filepath.Join(dir, "deploy", "config", "payer-sim.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if sim.Root != filepath.Join(dir, "claimsgw-payer") {
		t.Errorf("the simulator's root %s: not relative to its file", sim.Root)
	}
	srv, err := sim.Server()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	payer := &payersim.Payer{Seed: sim.Seed, ID: sim.PayerID, Name: sim.PayerName, TaxID: "512345678"}
	go payer.Run(ctx, sim.Root, 100*time.Millisecond)

	t.Setenv("CLAIMSGW_DATA_DIR", filepath.Join(dir, "data"))
	t.Setenv("CLAIMSGW_HTTP_LISTEN", "127.0.0.1:0")
	cfg, err := config.Load(filepath.Join(dir, "deploy", "config", "demo.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.NATS.Embedded || cfg.Ledger.Driver != "sqlite" || len(cfg.Payers) != 1 || cfg.Payers[0].PayerID != "SIMPAYER" {
		t.Errorf("demo: embedded NATS %v, ledger %q, payers %d; want embedded, sqlite and SIMPAYER", cfg.NATS.Embedded, cfg.Ledger.Driver, len(cfg.Payers))
	}
	cfg.Payers[0].Batch.Cutoff.Duration = 200 * time.Millisecond
	cfg.Payers[0].SFTP.PollInterval.Duration = 100 * time.Millisecond
	d, err := daemon.Start(ctx, cfg, daemon.Options{Log: zerolog.Nop(), Tick: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	raw, err := os.ReadFile("../../shared/contracts/examples/professional.json")
	if err != nil {
		t.Skipf("the contract examples are not beside the repository (../shared): %v", err)
	}
	if _, probs, err := d.CheckEncounter(ctx, raw); err != nil || len(probs) > 0 && probs[0].Severity == "error" {
		t.Fatalf("the contract's professional example against the demo route: %+v, %v", probs, err)
	}
	id, _, err := d.SubmitEncounter(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	for {
		c, err := d.Ledger.Claim(ctx, id)
		if err == nil && c.Status.Settled() {
			if c.Status == "invalid" {
				t.Fatalf("the example is invalid against the demo route")
			}
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the example did not settle: %+v, %v", c, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// writeKey writes a new ed25519 private key in OpenSSH's format to path,
// and its public key (an authorized_keys line) to path.pub, as ssh-keygen
// does; it returns the public line without its comment.
func writeKey(t *testing.T, path string) string {
	t.Helper()
	private, signer := testutil.SSHKey(t)
	pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	if err := os.WriteFile(path, private, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".pub", []byte(pub+" test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return pub
}

// The production example names files under /etc/claimsgw/ that only exist
// where it is deployed: missing files are the only problems allowed.
func TestProductionExample(t *testing.T) {
	clearEnv(t)
	t.Setenv("CLAIMSGW_BCBSX_SFTP_PASSWORD", "from-the-environment")
	_, err := config.Load("config/production.example.yaml")
	var e *config.Error
	if !errors.As(err, &e) {
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, p := range e.Problems {
		if p.Code != config.CodeFileNotFound || !strings.Contains(p.Message, "/etc/claimsgw/") {
			t.Errorf("production example: %s", p)
		}
	}
}

// composeFile is the part of a compose file the tests read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image string `yaml:"image"`
	Build struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	Healthcheck map[string]any    `yaml:"healthcheck"`
	DependsOn   map[string]any    `yaml:"depends_on"`
	ReadOnly    bool              `yaml:"read_only"`
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile("compose/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return c
}

// dockerfileCmd returns the Dockerfile's ENTRYPOINT and CMD (exec form).
func dockerfileCmd(t *testing.T) (entrypoint, cmd []string) {
	t.Helper()
	b, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		for _, kw := range []string{"ENTRYPOINT ", "CMD "} {
			if rest, ok := strings.CutPrefix(line, kw); ok {
				var v []string
				if err := json.Unmarshal([]byte(rest), &v); err != nil {
					t.Fatalf("Dockerfile %s: want the exec (JSON) form: %v", kw, err)
				}
				if kw == "CMD " {
					cmd = v
				} else {
					entrypoint = v
				}
			}
		}
	}
	return entrypoint, cmd
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(s, -1)
	if len(froms) < 2 {
		t.Fatalf("Dockerfile: %d FROM lines; want a multi-stage build", len(froms))
	}
	if !strings.HasPrefix(froms[0][1], "golang:1.26") {
		t.Errorf("build stage FROM %s; want golang:1.26", froms[0][1])
	}
	if last := froms[len(froms)-1][1]; last != "gcr.io/distroless/static-debian12:nonroot" {
		t.Errorf("final stage FROM %s; want distroless static nonroot", last)
	}
	// A stripped binary (-s -w), its version and commit set by the linker
	// (-X) from the build arguments.
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `-ldflags "-s -w `, "-X main.version=${VERSION}", "-X main.commit=${COMMIT}", "./cmd/claimsgw", "EXPOSE 8080", "USER 65532"} {
		if !strings.Contains(s, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	entry, cmd := dockerfileCmd(t)
	if !slices.Equal(entry, []string{"/claimsgw"}) || !slices.Equal(cmd, []string{"serve", "--config", "/etc/claimsgw/config.yaml"}) {
		t.Errorf("ENTRYPOINT %q CMD %q", entry, cmd)
	}
	if _, err := os.Stat("../.dockerignore"); err != nil {
		t.Error(err)
	}
}

var natsNodes = []string{"nats1", "nats2", "nats3"}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func flagValue(args []string, name string) (string, bool) {
	for _, a := range args {
		if a == "--"+name {
			return "", true
		}
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

func TestCompose(t *testing.T) {
	c := readCompose(t)

	// Three NATS nodes, one cluster, each routing to all three.
	wantRoutes := "nats://nats1:6222,nats://nats2:6222,nats://nats3:6222"
	for _, name := range natsNodes {
		s, ok := c.Services[name]
		if !ok {
			t.Errorf("no service %s", name)
			continue
		}
		if m := regexp.MustCompile(`^nats:2\.(\d+)`).FindStringSubmatch(s.Image); m == nil || atoi(m[1]) < 10 {
			t.Errorf("%s: image %q; want nats:2.10 or later", name, s.Image)
		}
		checks := map[string]string{"name": name, "cluster_name": "claimsgw", "cluster": "nats://0.0.0.0:6222", "routes": wantRoutes, "store_dir": "/data", "jetstream": ""}
		for flag, want := range checks {
			if v, ok := flagValue(s.Command, flag); !ok || v != want {
				t.Errorf("%s: --%s=%q (set %v); want %q", name, flag, v, ok, want)
			}
		}
		if !slices.Contains(s.Volumes, name+"-data:/data") {
			t.Errorf("%s: volumes %q; want %s-data:/data for the JetStream file store", name, s.Volumes, name)
		}
		if s.Healthcheck == nil {
			t.Errorf("%s: no healthcheck", name)
		}
	}

	pg := c.Services["postgres"]
	if !strings.HasPrefix(pg.Image, "postgres:16") || pg.Healthcheck == nil || len(pg.Volumes) == 0 {
		t.Errorf("postgres: image %q, healthcheck %v, volumes %q; want postgres:16 with a healthcheck and a volume", pg.Image, pg.Healthcheck != nil, pg.Volumes)
	}

	// The SFTP payer mounts the committed host key.
	sftp := c.Services["sftp"]
	if !slices.Contains(sftp.Volumes, "./sftp/ssh_host_ed25519_key:/keys/ssh_host_ed25519_key:ro") {
		t.Errorf("sftp: volumes %q do not mount the committed host key", sftp.Volumes)
	}

	// Two gateway replicas from the Dockerfile, running its CMD.
	_, cmd := dockerfileCmd(t)
	var gateways []string
	for name, s := range c.Services {
		if s.Image == "claimsgw:local" || s.Build.Context != "" {
			gateways = append(gateways, name)
		}
	}
	sort.Strings(gateways)
	if !slices.Equal(gateways, []string{"gw1", "gw2"}) {
		t.Fatalf("gateway services %q; want gw1 and gw2", gateways)
	}
	hostPorts := map[string]string{"gw1": "8081:8080", "gw2": "8082:8080"}
	for _, name := range gateways {
		s := c.Services[name]
		if s.Image != "claimsgw:local" {
			t.Errorf("%s: image %q", name, s.Image)
		}
		ctx := filepath.Join("compose", s.Build.Context)
		if _, err := os.Stat(filepath.Join(ctx, s.Build.Dockerfile)); err != nil || filepath.Clean(ctx) != ".." {
			t.Errorf("%s: build context %q, dockerfile %q: want the repository root and its Dockerfile (%v)", name, s.Build.Context, s.Build.Dockerfile, err)
		}
		if !slices.Equal(s.Command, cmd) {
			t.Errorf("%s: command %q; want the Dockerfile CMD %q", name, s.Command, cmd)
		}
		if !slices.Equal(s.Ports, []string{hostPorts[name]}) {
			t.Errorf("%s: ports %q; want %s", name, s.Ports, hostPorts[name])
		}
		if !slices.Contains(s.Volumes, "./config.yaml:/etc/claimsgw/config.yaml:ro") {
			t.Errorf("%s: config.yaml is not mounted at /etc/claimsgw/config.yaml", name)
		}
		dsn := s.Environment["CLAIMSGW_LEDGER_DSN"]
		wantDSN := "postgres://" + pg.Environment["POSTGRES_USER"] + "@postgres:5432/" + pg.Environment["POSTGRES_DB"]
		if !strings.HasPrefix(dsn, wantDSN) || s.Environment["PGPASSWORD"] != pg.Environment["POSTGRES_PASSWORD"] {
			t.Errorf("%s: CLAIMSGW_LEDGER_DSN %q and PGPASSWORD do not match the postgres service (%s)", name, dsn, wantDSN)
		}
		for _, dep := range append(slices.Clone(natsNodes), "postgres", "sftp") {
			if _, ok := s.DependsOn[dep]; !ok {
				t.Errorf("%s: does not depend on %s", name, dep)
			}
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if !strings.HasPrefix(src, ".") {
				if _, ok := c.Volumes[src]; !ok {
					t.Errorf("%s: volume %s is not declared", name, src)
				}
			}
		}
	}
}

// TestComposeConfig validates deploy/compose/config.yaml fully, as gw1 sees
// it: its mounted files are replaced by the repository copies compose
// mounts, and its environment is gw1's.
func TestComposeConfig(t *testing.T) {
	clearEnv(t)
	c := readCompose(t)
	gw := c.Services["gw1"]
	for k, v := range gw.Environment {
		t.Setenv(k, v)
	}
	mounts := map[string]string{} // container path: repository file
	for _, v := range gw.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && strings.HasPrefix(parts[0], ".") {
			mounts[parts[1]] = filepath.Join("compose", parts[0])
		}
	}
	cfgFile, ok := mounts["/etc/claimsgw/config.yaml"]
	if !ok {
		t.Fatal("gw1 does not mount the config")
	}
	b, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(rewritePaths(t, b, mounts))
	if err != nil {
		t.Fatalf("%s as gw1 sees it: %v", cfgFile, err)
	}

	wantURLs := []string{"nats://nats1:4222", "nats://nats2:4222", "nats://nats3:4222"}
	if !slices.Equal(cfg.NATS.URLs, wantURLs) || cfg.NATS.Replicas != 3 || cfg.NATS.Embedded {
		t.Errorf("nats: urls %q replicas %d embedded %v; want %q, 3, false", cfg.NATS.URLs, cfg.NATS.Replicas, cfg.NATS.Embedded, wantURLs)
	}
	if cfg.Ledger.Driver != "postgres" || string(cfg.Ledger.DSN) != gw.Environment["CLAIMSGW_LEDGER_DSN"] {
		t.Errorf("ledger: driver %q, DSN not the one compose sets", cfg.Ledger.Driver)
	}
	if cfg.HTTP.Listen != "0.0.0.0:8080" || len(cfg.HTTP.Tokens) != 1 {
		t.Errorf("http.listen %q with %d tokens; want 0.0.0.0:8080 with the token of api-tokens", cfg.HTTP.Listen, len(cfg.HTTP.Tokens))
	}
	if cfg.DataDir != "/var/lib/claimsgw" || !slices.Contains(gw.Volumes, "gw1-data:/var/lib/claimsgw") {
		t.Errorf("data_dir %q is not gw1's data volume", cfg.DataDir)
	}
	if len(cfg.Payers) != 1 {
		t.Fatalf("%d payers; want 1", len(cfg.Payers))
	}
	s := cfg.Payers[0].SFTP
	if _, ok := c.Services[s.Host]; !ok || s.Host != "sftp" || s.Port != 22 {
		t.Errorf("payer sftp %s:%d; want the sftp service on 22", s.Host, s.Port)
	}

	// The pinned host key is the one the sftp service is started with.
	hostPub := publicKeyLine(t, "compose/sftp/ssh_host_ed25519_key.pub")
	if s.HostKey != hostPub {
		t.Errorf("host_key %q; want %q from sftp/ssh_host_ed25519_key.pub", s.HostKey, hostPub)
	}
	checkKeyPair(t, "compose/sftp/ssh_host_ed25519_key")
	// The gateway's key is the pair of the authorized key on the sftp service.
	// (After rewritePaths, private_key_file is the repository copy.)
	if want, _ := filepath.Abs("compose/sftp/claimsgw_ed25519"); s.Auth.PrivateKeyFile != filepath.ToSlash(want) {
		t.Errorf("private_key_file is mounted from %s; want sftp/claimsgw_ed25519", s.Auth.PrivateKeyFile)
	}
	checkKeyPair(t, s.Auth.PrivateKeyFile)
	sftp := c.Services["sftp"]
	if !slices.Contains(sftp.Volumes, "./sftp/claimsgw_ed25519.pub:/home/"+s.User+"/.ssh/keys/claimsgw_ed25519.pub:ro") {
		t.Errorf("sftp: the gateway's public key is not authorized for user %s", s.User)
	}
	// The remote directories are the ones the sftp service creates.
	if len(sftp.Command) != 1 {
		t.Fatalf("sftp command %q; want one user:pass:uid:gid:dirs", sftp.Command)
	}
	fields := strings.Split(sftp.Command[0], ":")
	if len(fields) != 5 || fields[0] != s.User {
		t.Fatalf("sftp command %q; want %s:...:dirs", sftp.Command[0], s.User)
	}
	dirs := strings.Split(fields[4], ",")
	for _, d := range []string{s.UploadDir, s.PickupDir, s.MoveTo} {
		if d != "" && !slices.Contains(dirs, strings.TrimPrefix(d, "/")) {
			t.Errorf("remote directory %s is not created by the sftp service (%q)", d, dirs)
		}
	}
}

// rewritePaths replaces the container paths in a config with files on this
// machine, longest path first.
func rewritePaths(t *testing.T, b []byte, mounts map[string]string) []byte {
	t.Helper()
	paths := make([]string, 0, len(mounts))
	for p := range mounts {
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool { return len(paths[i]) > len(paths[j]) })
	for _, p := range paths {
		abs, err := filepath.Abs(mounts[p])
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.ReplaceAll(b, []byte(p), []byte(filepath.ToSlash(abs)))
	}
	return b
}

func publicKeyLine(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(b)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
}

// checkKeyPair checks that a committed private key parses, has no
// passphrase, and matches the .pub beside it.
func checkKeyPair(t *testing.T, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(b)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if got, want := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))), publicKeyLine(t, file+".pub"); got != want {
		t.Errorf("%s does not match %s.pub", file, file)
	}
}

// object is one Kubernetes object, navigated loosely.
type object map[string]any

func (o object) str(path ...string) string {
	v, _ := o.get(path...).(string)
	return v
}

func (o object) get(path ...string) any {
	var v any = map[string]any(o)
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func (o object) list(path ...string) []object {
	var out []object
	l, _ := o.get(path...).([]any)
	for _, v := range l {
		if m, ok := v.(map[string]any); ok {
			out = append(out, object(m))
		}
	}
	return out
}

func decodeAll(t *testing.T, file string) []object {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []object
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return docs
			}
			t.Fatalf("%s: %v", file, err)
		}
		if m != nil {
			docs = append(docs, object(m))
		}
	}
}

// manifests returns the objects of the files kustomization.yaml lists, by
// kind/name, and checks it lists every manifest.
func manifests(t *testing.T) map[string]object {
	t.Helper()
	k := decodeAll(t, "k8s/kustomization.yaml")
	if len(k) != 1 {
		t.Fatalf("kustomization.yaml: %d documents", len(k))
	}
	var listed []string
	for _, r := range k[0].get("resources").([]any) {
		listed = append(listed, "k8s/"+r.(string))
	}
	objs := map[string]object{}
	for p, kind := range yamlFiles {
		if kind == "manifest" && !slices.Contains(listed, p) {
			t.Errorf("kustomization.yaml does not list %s", p)
		}
	}
	for _, p := range listed {
		for _, o := range decodeAll(t, p) {
			id := o.str("kind") + "/" + o.str("metadata", "name")
			if o.str("apiVersion") == "" || o.str("kind") == "" || o.str("metadata", "name") == "" {
				t.Errorf("%s: %s lacks apiVersion, kind or name", p, id)
			}
			if ns := o.str("metadata", "namespace"); o.str("kind") != "Namespace" && ns != "claimsgw" {
				t.Errorf("%s: %s in namespace %q; want claimsgw", p, id, ns)
			}
			if _, dup := objs[id]; dup {
				t.Errorf("%s: %s defined twice", p, id)
			}
			objs[id] = o
		}
	}
	for _, want := range []string{"Namespace/claimsgw", "ConfigMap/claimsgw-config", "Deployment/claimsgw", "Service/claimsgw", "PodDisruptionBudget/claimsgw"} {
		if _, ok := objs[want]; !ok {
			t.Errorf("no %s", want)
		}
	}
	return objs
}

func TestKubernetes(t *testing.T) {
	objs := manifests(t)
	d := objs["Deployment/claimsgw"]
	if d == nil {
		t.Fatal("no Deployment/claimsgw")
	}
	if r, _ := d.get("spec", "replicas").(int); r != 2 {
		t.Errorf("deployment replicas %v; want 2", d.get("spec", "replicas"))
	}
	pod := object(d.get("spec", "template", "spec").(map[string]any))
	if pod.get("securityContext", "runAsNonRoot") != true {
		t.Error("pod securityContext.runAsNonRoot is not true")
	}
	if uid, _ := pod.get("securityContext", "runAsUser").(int); uid == 0 {
		t.Error("pod securityContext.runAsUser is 0 or unset")
	}
	containers := pod.list("containers")
	if len(containers) != 1 {
		t.Fatalf("%d containers; want 1", len(containers))
	}
	ctr := containers[0]
	for k, want := range map[string]any{"runAsNonRoot": true, "readOnlyRootFilesystem": true, "allowPrivilegeEscalation": false} {
		if got := ctr.get("securityContext", k); got != want {
			t.Errorf("container securityContext.%s = %v; want %v", k, got, want)
		}
	}
	_, cmd := dockerfileCmd(t)
	var args []string
	for _, a := range ctr.get("args").([]any) {
		args = append(args, a.(string))
	}
	if !slices.Equal(args, cmd) {
		t.Errorf("container args %q; want the Dockerfile CMD %q", args, cmd)
	}
	for _, r := range []string{"requests", "limits"} {
		if m, _ := ctr.get("resources", r).(map[string]any); m["memory"] == nil {
			t.Errorf("container resources.%s.memory is unset", r)
		}
	}
	ports := ctr.list("ports")
	if len(ports) != 1 || ports[0].get("containerPort") != 8080 || ports[0].str("name") != "http" {
		t.Errorf("container ports %v; want http 8080", ports)
	}
	for probe, path := range map[string]string{"livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
		if got := ctr.str(probe, "httpGet", "path"); got != path || ctr.str(probe, "httpGet", "port") != "http" {
			t.Errorf("%s: GET %q on %v; want %s on http", probe, got, ctr.get(probe, "httpGet", "port"), path)
		}
	}

	// The Service and the PDB select the Deployment's pods.
	labels := d.get("spec", "template", "metadata", "labels").(map[string]any)
	selects := func(sel any) bool {
		m, ok := sel.(map[string]any)
		if !ok || len(m) == 0 {
			return false
		}
		for k, v := range m {
			if labels[k] != v {
				return false
			}
		}
		return true
	}
	if !selects(d.get("spec", "selector", "matchLabels")) {
		t.Error("deployment selector does not match its pod labels")
	}
	svc := objs["Service/claimsgw"]
	if !selects(svc.get("spec", "selector")) {
		t.Error("service selector does not match the gateway pods")
	}
	if sp := svc.list("spec", "ports"); len(sp) != 1 || sp[0].get("port") != 8080 || sp[0].str("targetPort") != "http" {
		t.Errorf("service ports %v; want 8080 to http", sp)
	}
	pdb := objs["PodDisruptionBudget/claimsgw"]
	if !selects(pdb.get("spec", "selector", "matchLabels")) || pdb.get("spec", "minAvailable") != 1 {
		t.Error("PDB: want minAvailable 1 over the gateway pods")
	}

	// Every Secret key the env names exists, and every Secret value is a
	// placeholder, never a real credential.
	for _, e := range ctr.list("env") {
		ref := e.get("valueFrom", "secretKeyRef")
		if ref == nil {
			continue
		}
		r := object(ref.(map[string]any))
		if secretValue(objs, r.str("name"), r.str("key")) == "" {
			t.Errorf("env %s: Secret %s has no key %s", e.str("name"), r.str("name"), r.str("key"))
		}
	}
	for id, o := range objs {
		if o.str("kind") != "Secret" {
			continue
		}
		if o.get("data") != nil {
			t.Errorf("%s: use stringData with placeholders, not data", id)
		}
		placeholder := false
		for _, v := range o.get("stringData").(map[string]any) {
			placeholder = placeholder || strings.Contains(v.(string), "REPLACE_ME")
		}
		if !placeholder && id != "Secret/claimsgw-ledger" {
			t.Errorf("%s: no REPLACE_ME placeholder", id)
		}
	}
	if !strings.Contains(secretValue(objs, "claimsgw-ledger", "password"), "REPLACE_ME") {
		t.Error("Secret/claimsgw-ledger password is not a placeholder")
	}
}

func secretValue(objs map[string]object, name, key string) string {
	s := objs["Secret/"+name]
	if s == nil {
		return ""
	}
	return s.str("stringData", key)
}

// TestKubernetesConfig validates the ConfigMap's config fully, as a gateway
// pod sees it: the Deployment's ConfigMap and Secret mounts are written to a
// temporary directory (with the placeholder Secret values) and its
// environment is taken from the Secrets.
func TestKubernetesConfig(t *testing.T) {
	clearEnv(t)
	objs := manifests(t)
	d := objs["Deployment/claimsgw"]
	pod := object(d.get("spec", "template", "spec").(map[string]any))
	ctr := pod.list("containers")[0]
	volumes := map[string]object{}
	for _, v := range pod.list("volumes") {
		volumes[v.str("name")] = v
	}
	root := t.TempDir()
	mounts := map[string]string{}
	var cfgText []byte
	for i, m := range ctr.list("volumeMounts") {
		v := volumes[m.str("name")]
		if v == nil {
			t.Fatalf("volumeMount %s has no volume", m.str("name"))
		}
		var files map[string]any
		switch {
		case v.get("configMap") != nil:
			cm := objs["ConfigMap/"+v.str("configMap", "name")]
			if cm == nil {
				t.Fatalf("volume %s: no ConfigMap %s", v.str("name"), v.str("configMap", "name"))
			}
			files, _ = cm.get("data").(map[string]any)
		case v.get("secret") != nil:
			s := objs["Secret/"+v.str("secret", "secretName")]
			if s == nil {
				t.Fatalf("volume %s: no Secret %s", v.str("name"), v.str("secret", "secretName"))
			}
			files, _ = s.get("stringData").(map[string]any)
		default:
			continue // emptyDir
		}
		dir := filepath.Join(root, string(rune('a'+i)))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content.(string)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if sub := m.str("subPath"); sub != "" {
			mounts[m.str("mountPath")] = filepath.Join(dir, sub)
		} else {
			mounts[m.str("mountPath")] = dir
		}
		if m.str("mountPath") == "/etc/claimsgw/config.yaml" {
			cfgText = []byte(files[m.str("subPath")].(string))
		}
	}
	if cfgText == nil {
		t.Fatal("the Deployment does not mount a config at /etc/claimsgw/config.yaml")
	}
	for _, e := range ctr.list("env") {
		if r := e.get("valueFrom", "secretKeyRef"); r != nil {
			ref := object(r.(map[string]any))
			t.Setenv(e.str("name"), secretValue(objs, ref.str("name"), ref.str("key")))
		} else {
			t.Setenv(e.str("name"), e.str("value"))
		}
	}
	cfg, err := config.Parse(rewritePaths(t, cfgText, mounts))
	if err != nil {
		t.Fatalf("ConfigMap claimsgw-config as a pod sees it: %v", err)
	}
	if cfg.Ledger.Driver != "postgres" || cfg.NATS.Embedded || cfg.NATS.Replicas != 3 || len(cfg.NATS.URLs) != 3 {
		t.Errorf("ledger %q, NATS embedded %v, replicas %d, %d urls; want postgres and a 3-node cluster", cfg.Ledger.Driver, cfg.NATS.Embedded, cfg.NATS.Replicas, len(cfg.NATS.URLs))
	}
	if cfg.HTTP.Listen != "0.0.0.0:8080" || len(cfg.HTTP.Tokens) != 1 {
		t.Errorf("http.listen %q with %d tokens; want 0.0.0.0:8080 with the token of Secret claimsgw-api", cfg.HTTP.Listen, len(cfg.HTTP.Tokens))
	}
	if cfg.DataDir != "/var/lib/claimsgw" {
		t.Errorf("data_dir %q; want /var/lib/claimsgw (an emptyDir: the root filesystem is read-only)", cfg.DataDir)
	}
	// The NATS URLs are the pods of the Helm release in nats-values.yaml.
	for i, u := range cfg.NATS.URLs {
		if want := "nats://nats-" + string(rune('0'+i)) + ".nats-headless.claimsgw.svc.cluster.local:4222"; u != want {
			t.Errorf("nats.urls[%d] %q; want %q", i, u, want)
		}
	}
}

func TestNATSHelmValues(t *testing.T) {
	docs := decodeAll(t, "k8s/nats-values.yaml")
	if len(docs) != 1 {
		t.Fatalf("nats-values.yaml: %d documents", len(docs))
	}
	v := docs[0]
	if v.get("config", "cluster", "enabled") != true || v.get("config", "cluster", "replicas") != 3 {
		t.Error("nats-values.yaml: want config.cluster enabled with 3 replicas")
	}
	if v.get("config", "jetstream", "enabled") != true || v.get("config", "jetstream", "fileStore", "pvc", "enabled") != true {
		t.Error("nats-values.yaml: want JetStream with a file store on a PVC")
	}
}
