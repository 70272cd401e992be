package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/claimsgw/claimsgw/x12"
)

// Two generated ed25519 host keys (public halves only).
const (
	hostKey1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGiytkmTvAVH6/Fv7x9MJtJH9ftDP2i4yD3dxh8RdKKi"
	hostKey2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMy3p4ScdEs1h3bvK0MvD2+M7Xk2sANLeg4UzrDDGGRk"
)

// clearEnv makes the CLAIMSGW_* overrides of the test process inert.
func clearEnv(t *testing.T) {
	for _, name := range Env {
		t.Setenv(name, "")
	}
}

// problemsOf returns "path code" for each problem in err.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error is %T, not *Error: %v", err, err)
	}
	var out []string
	for _, p := range e.Problems {
		out = append(out, p.Path+" "+p.Code)
	}
	return out
}

func TestDefault(t *testing.T) {
	clearEnv(t)
	d := Default()
	want := &Config{
		DataDir:  "./claimsgw-data",
		NATS:     NATS{Embedded: true, Replicas: 1},
		Ledger:   Ledger{Driver: "sqlite", DSN: "claimsgw-data/ledger.db"},
		HTTP:     HTTP{Listen: "127.0.0.1:8080"},
		LogLevel: "info",
		Inbound:  Inbound{OrderWait: Duration{Duration: DefaultOrderWait}},
	}
	if fmt.Sprintf("%#v", d) != fmt.Sprintf("%#v", want) || string(d.Ledger.DSN) != string(want.Ledger.DSN) {
		t.Errorf("Default() = %#v\nwant %#v", d, want)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
	for _, in := range []string{"", "# nothing\n", "{}"} {
		c, err := Parse([]byte(in))
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if fmt.Sprintf("%#v", c) != fmt.Sprintf("%#v", d) || c.Ledger.DSN != d.Ledger.DSN {
			t.Errorf("Parse(%q) = %#v, want Default()", in, c)
		}
	}
	c, err := Load("")
	if err != nil || c.Ledger.DSN != d.Ledger.DSN {
		t.Errorf(`Load("") = %v, %v`, c, err)
	}
}

func TestPayerDefaults(t *testing.T) {
	clearEnv(t)
	dir := testFiles(t)
	t.Setenv("TEST_P2_PASSWORD", "s3cret")
	c, err := Parse([]byte(strings.ReplaceAll(base, "DIR", dir)))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Payers[0]
	if p.Delimiters.Delimiters != x12.DefaultDelimiters || p.Batch.MaxClaims != 5000 || p.Batch.Cutoff.Duration != time.Hour ||
		p.SFTP.Port != 22 || p.SFTP.FileName != DefaultFileName || p.SFTP.PollInterval.Duration != 5*time.Minute || p.SFTP.AfterPickup != "delete" {
		t.Errorf("payer defaults: %+v", p)
	}
	if got := c.ReceiverFor(&p); got != (Party{Name: "PLAN ONE", ID: "P1"}) {
		t.Errorf("ReceiverFor = %+v", got)
	}
}

func TestEnvOverrides(t *testing.T) {
	clearEnv(t)
	t.Setenv("CLAIMSGW_DATA_DIR", "/srv/gw")
	t.Setenv("CLAIMSGW_NATS_URLS", "nats://a:4222, nats://b:4222,,nats://c:4222")
	t.Setenv("CLAIMSGW_HTTP_LISTEN", ":9090")
	tokens := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(tokens, []byte("billing "+strings.Repeat("b", MinTokenLen)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CLAIMSGW_HTTP_TOKENS_FILE", tokens)
	t.Setenv("CLAIMSGW_LOG_LEVEL", "debug")
	c, err := Parse([]byte("data_dir: /ignored\nlog_level: warn\nhttp: {listen: 127.0.0.1:1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/srv/gw" || !slices.Equal(c.NATS.URLs, []string{"nats://a:4222", "nats://b:4222", "nats://c:4222"}) ||
		c.NATS.Embedded || c.NATS.Replicas != 3 || c.HTTP.Listen != ":9090" || len(c.HTTP.Tokens) != 1 || c.LogLevel != "debug" {
		t.Errorf("env not applied: %+v", c)
	}
	if c.Ledger.DSN != "/srv/gw/ledger.db" {
		t.Errorf("sqlite DSN does not follow CLAIMSGW_DATA_DIR: %s", string(c.Ledger.DSN))
	}

	t.Setenv("CLAIMSGW_NATS_REPLICAS", "5")
	t.Setenv("CLAIMSGW_LEDGER_DRIVER", "postgres")
	t.Setenv("CLAIMSGW_LEDGER_DSN", "postgres://gw:pw@db/gw")
	t.Setenv("CLAIMSGW_NATS_CREDENTIALS_FILE", filepath.Join(testFiles(t), "creds"))
	c, err = Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.NATS.Replicas != 5 || c.Ledger.Driver != "postgres" || string(c.Ledger.DSN) != "postgres://gw:pw@db/gw" || !strings.HasSuffix(c.NATS.CredentialsFile, "creds") {
		t.Errorf("env not applied: %+v", c)
	}

	t.Setenv("CLAIMSGW_NATS_REPLICAS", "three")
	_, err = Parse(nil)
	if got, want := problemsOf(t, err), []string{"nats.replicas invalid"}; !slices.Equal(got, want) {
		t.Errorf("bad CLAIMSGW_NATS_REPLICAS: got %q, want %q", got, want)
	}
}

func TestSecretsRedacted(t *testing.T) {
	clearEnv(t)
	dir := testFiles(t)
	const pw = "s3cret-Pa55"
	t.Setenv("TEST_P2_PASSWORD", pw)
	t.Setenv("CLAIMSGW_LEDGER_DRIVER", "postgres")
	t.Setenv("CLAIMSGW_LEDGER_DSN", "postgres://gw:dbpass@db/gw")
	for _, auth := range []string{"{password_env: TEST_P2_PASSWORD}", "{password_file: " + dir + "/pw}"} {
		c, err := Parse([]byte(strings.Replace(strings.ReplaceAll(base, "DIR", dir), "{password_env: TEST_P2_PASSWORD}", auth, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if got := string(c.Payers[1].SFTP.Auth.Password); got != pw {
			t.Fatalf("password = %q, want it loaded from %s", got, auth)
		}
		js, _ := json.Marshal(c)
		ym, _ := yaml.Marshal(c)
		for _, s := range []string{
			fmt.Sprintf("%+v", c), fmt.Sprintf("%+v", *c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", c.Payers),
			fmt.Sprintf("%s|%q|%x", c.Payers[1].SFTP.Auth.Password, c.Payers[1].SFTP.Auth.Password, c.Payers[1].SFTP.Auth.Password),
			string(js), string(ym),
		} {
			if strings.Contains(s, pw) || strings.Contains(s, "dbpass") {
				t.Errorf("secret in output: %s", s)
			}
			if !strings.Contains(s, "[redacted]") {
				t.Errorf("no [redacted] in output: %s", s)
			}
		}
	}
}

func TestExamples(t *testing.T) {
	clearEnv(t)
	c, err := LoadLedger("../deploy/config/demo.example.yaml") // its keys are made as it says
	if err != nil {
		t.Fatal(err)
	}
	if !c.NATS.Embedded || c.Ledger.Driver != "sqlite" || len(c.Payers) != 1 || c.Payers[0].SFTP.KnownHostsFile != filepath.Join("..", "deploy", "config", "keys", "known_hosts") {
		t.Errorf("demo example: %+v", c)
	}

	// The production example names files under /etc/claimsgw/. As written,
	// the only problems are those files being absent here.
	t.Setenv("CLAIMSGW_BCBSX_SFTP_PASSWORD", "example")
	b, err := os.ReadFile("../deploy/config/production.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/etc/claimsgw"); err != nil {
		_, err = Parse(b)
		got := problemsOf(t, err)
		if len(got) == 0 {
			t.Fatal("production example validated without its files")
		}
		for _, p := range got {
			if !strings.HasSuffix(p, " "+CodeFileNotFound) {
				t.Errorf("production example: %s", p)
			}
		}
	}

	// With the files created in a temporary directory it is valid.
	dir := t.TempDir()
	y := strings.ReplaceAll(string(b), "/etc/claimsgw/", dir+"/")
	for _, f := range regexp.MustCompile(regexp.QuoteMeta(dir)+`/\S+`).FindAllString(y, -1) {
		content := "x\n"
		switch filepath.Base(f) {
		case "known_hosts":
			content = "[edi.bluex.example]:2222 " + hostKey2 + "\n"
		case "api-tokens":
			content = "billing " + strings.Repeat("b", MinTokenLen) + "\n"
		}
		os.MkdirAll(filepath.Dir(f), 0o755)
		if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err = Parse([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	if c.NATS.Embedded || len(c.NATS.URLs) != 3 || c.NATS.Replicas != 3 || c.Ledger.Driver != "postgres" || len(c.Payers) != 2 {
		t.Errorf("production example: %+v", c)
	}
	name, err := RenderFileName(c.Payers[1].SFTP.FileName, NameValues{PayerID: c.Payers[1].PayerID, ISA13: 42, Usage: c.Payers[1].Usage, Time: time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)})
	if name != "BCBSX_P_000000042_20270102.x12" || err != nil {
		t.Errorf("RenderFileName = %q, %v", name, err)
	}
}

// testFiles creates the files base refers to and returns their directory.
func testFiles(t *testing.T) string {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"id_ed25519":      "not really a key\n",
		"known_hosts":     "# pinned\n[sftp.two.example]:2222 " + hostKey2 + "\n",
		"bad_known_hosts": "sftp.two.example not-a-key\n",
		"empty":           "",
		"pw":              "s3cret-Pa55\n",
		"creds":           "x",
		"nkey":            "x",
		"cert.pem":        "x",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// base is a valid configuration; DIR stands for the testFiles directory.
const base = `submitter:
  name: CH
  id: "123"
  contact_name: OPS
  phone: "8005550100"
payers:
  - payer_id: P1
    name: PLAN ONE
    usage: P
    isa: {sender_qualifier: ZZ, sender_id: CH01, receiver_qualifier: "30", receiver_id: "111111111"}
    gs: {sender_code: CH01, receiver_code: "111111111"}
    claim_types: [professional]
    sftp:
      host: sftp.one.example
      user: ch01
      auth: {private_key_file: DIR/id_ed25519}
      host_key: ` + hostKey1 + `
      environment: production
      upload_dir: /inbound
      pickup_dir: /outbound
  - payer_id: P2
    name: PLAN TWO
    usage: T
    isa: {sender_qualifier: ZZ, sender_id: CH01, receiver_qualifier: ZZ, receiver_id: PLAN2}
    gs: {sender_code: CH01, receiver_code: PLAN2}
    claim_types: [dental]
    sftp:
      host: sftp.two.example
      port: 2222
      user: ch02
      auth: {password_env: TEST_P2_PASSWORD}
      known_hosts_file: DIR/known_hosts
      environment: test
      upload_dir: /in
      pickup_dir: /out
      after_pickup: move
      move_to: /out/done
`

func TestValidate(t *testing.T) {
	clearEnv(t)
	dir := testFiles(t)
	t.Setenv("TEST_P2_PASSWORD", "s3cret")
	const top = "submitter:\n"
	cases := []struct {
		name string
		edit []string // pairs: text in base, its replacement
		want []string // "path code", in order
	}{
		{"valid", nil, nil},

		// YAML shape
		{"unknown key", []string{top, "lgo_level: info\n" + top}, []string{" yaml"}},
		{"wrong type", []string{"port: 2222", "port: abc"}, []string{" yaml"}},
		{"syntax", []string{top, "data_dir: [\n" + top}, []string{" yaml"}},

		// top level
		{"empty data_dir means default", []string{top, "data_dir: \"\"\n" + top}, nil},
		{"ledger driver", []string{top, "ledger: {driver: mysql}\n" + top}, []string{"ledger.driver invalid"}},
		{"postgres without dsn", []string{top, "ledger: {driver: postgres}\n" + top}, []string{"ledger.dsn required"}},
		{"http listen", []string{top, "http: {listen: \"8080\"}\n" + top}, []string{"http.listen invalid"}},
		{"http port", []string{top, "http: {listen: \"localhost:99999\"}\n" + top}, []string{"http.listen invalid"}},
		{"log level", []string{top, "log_level: verbose\n" + top}, []string{"log_level invalid"}},
		{"embedded with urls", []string{top, "nats: {embedded: true, urls: [\"nats://a:4222\"]}\n" + top}, []string{"nats.embedded conflict"}},
		{"nats url scheme", []string{top, "nats: {urls: [\"nats://a:4222\", \"http://b:4222\"]}\n" + top}, []string{"nats.urls[1] invalid"}},
		{"nats url password", []string{top, "nats: {urls: [\"nats://u:p@a:4222\"]}\n" + top}, []string{"nats.urls[0] inline_secret"}},
		{"port with urls", []string{top, "nats: {urls: [\"nats://a:4222\"], port: 4333}\n" + top}, []string{"nats.port conflict"}},
		{"port out of range", []string{top, "nats: {port: 70000}\n" + top}, []string{"nats.port out_of_range"}},
		{"embedded replicas", []string{top, "nats: {replicas: 3}\n" + top}, []string{"nats.replicas out_of_range"}},
		{"cluster replicas", []string{top, "nats: {urls: [\"nats://a:4222\"], replicas: 7}\n" + top}, []string{"nats.replicas out_of_range"}},
		{"creds missing", []string{top, "nats: {credentials_file: DIR/nope}\n" + top}, []string{"nats.credentials_file file_not_found"}},
		{"creds and nkey", []string{top, "nats: {credentials_file: DIR/creds, nkey_seed_file: DIR/nkey}\n" + top}, []string{"nats.nkey_seed_file conflict"}},
		{"tls cert without key", []string{top, "nats: {tls: {cert_file: DIR/cert.pem}}\n" + top}, []string{"nats.tls required"}},
		{"tls ca missing", []string{top, "nats: {tls: {ca_file: DIR/ca.pem}}\n" + top}, []string{"nats.tls.ca_file file_not_found"}},
		{"code set missing", []string{top, "code_sets: {icd10cm: DIR/empty, hcpcs: DIR/hcpcs.txt}\n" + top}, []string{"code_sets.hcpcs file_not_found"}},
		{"submitter name", []string{"  name: CH\n", ""}, []string{"submitter.name required"}},
		{"submitter contact", []string{"  contact_name: OPS\n", ""}, []string{"submitter.contact_name required"}},
		{"submitter phone or email", []string{"  phone: \"8005550100\"\n", ""}, []string{"submitter.phone required"}},
		{"submitter phone digits", []string{"\"8005550100\"", "800-555-0100"}, []string{"submitter.phone invalid"}},
		{"submitter email", []string{"  phone: \"8005550100\"\n", "  email: ops.example\n"}, []string{"submitter.email invalid"}},
		{"submitter name length", []string{"  name: CH\n", "  name: " + strings.Repeat("C", 61) + "\n"}, []string{"submitter.name out_of_range"}},
		{"receiver half", []string{top, "receiver: {name: CH}\n" + top}, []string{"receiver required"}},

		// payer identity and envelope
		{"payer_id missing", []string{"payer_id: P2", "payer_id: \"\""}, []string{"payers[1].payer_id required"}},
		{"payer_id format", []string{"payer_id: P2", "payer_id: P.2"}, []string{"payers[1].payer_id invalid"}},
		{"payer_id duplicate", []string{"payer_id: P2", "payer_id: P1"}, []string{"payers[1].payer_id duplicate"}},
		{"payer name", []string{"name: PLAN TWO", "name: \"\""}, []string{"payers[1].name required"}},
		{"usage missing", []string{"    usage: P\n", ""}, []string{"payers[0].usage required"}},
		{"usage value", []string{"usage: P\n", "usage: X\n"}, []string{"payers[0].usage invalid"}},
		{"edits", []string{"name: PLAN TWO", "name: PLAN TWO\n    edits: {mue_units: warning, ncci_ptp: off, header_code: error}"}, nil},
		{"edit code", []string{"name: PLAN TWO", "name: PLAN TWO\n    edits: {mue: warning}"}, []string{"payers[1].edits.mue invalid"}},
		{"edit severity", []string{"name: PLAN TWO", "name: PLAN TWO\n    edits: {mue_units: info}"}, []string{"payers[1].edits.mue_units invalid"}},
		{"P route to test endpoint", []string{"usage: T", "usage: P"}, []string{"payers[1].sftp.environment usage_mismatch"}},
		{"T route to production endpoint", []string{"usage: P", "usage: T"}, []string{"payers[0].sftp.environment usage_mismatch"}},
		{"environment value", []string{"environment: test", "environment: staging"}, []string{"payers[1].sftp.environment invalid"}},
		{"environment missing", []string{"      environment: test\n", ""}, []string{"payers[1].sftp.environment required"}},
		{"isa qualifier", []string{"receiver_qualifier: ZZ", "receiver_qualifier: Z"}, []string{"payers[1].isa.receiver_qualifier invalid"}},
		{"isa qualifier missing", []string{"sender_qualifier: ZZ, sender_id: CH01, receiver_qualifier: \"30\"", "sender_id: CH01, receiver_qualifier: \"30\""}, []string{"payers[0].isa.sender_qualifier required"}},
		{"isa id too long", []string{"receiver_id: PLAN2", "receiver_id: PLAN2PLAN2PLAN2PL"}, []string{"payers[1].isa.receiver_id out_of_range"}},
		{"isa id delimiter", []string{"receiver_id: PLAN2", "receiver_id: \"PLAN*2\""}, []string{"payers[1].isa.receiver_id invalid"}},
		{"isa id custom delimiter", []string{"usage: T\n", "usage: T\n    delimiters: \"|:^~\"\n", "receiver_id: PLAN2", "receiver_id: PLAN|2"}, []string{"payers[1].isa.receiver_id invalid"}},
		{"gs code short", []string{"receiver_code: PLAN2", "receiver_code: P"}, []string{"payers[1].gs.receiver_code out_of_range"}},
		{"delimiters", []string{"usage: P\n", "usage: P\n    delimiters: \"*:*~\"\n"}, []string{"payers[0].delimiters invalid"}},
		{"delimiters length", []string{"usage: P\n", "usage: P\n    delimiters: \"*~\"\n"}, []string{"payers[0].delimiters invalid"}},
		{"delimiters escaped", []string{"usage: P\n", "usage: P\n    delimiters: '|^:\\n'\n"}, nil},
		{"ambiguous route", []string{
			"usage: T", "usage: P", "environment: test", "environment: production",
			"receiver_qualifier: ZZ, receiver_id: PLAN2", "receiver_qualifier: \"30\", receiver_id: \"111111111\"",
			"receiver_code: PLAN2", "receiver_code: \"111111111\"",
		}, []string{"payers[1].isa ambiguous_route"}},
		{"same ids as test and production routes", []string{
			"receiver_qualifier: ZZ, receiver_id: PLAN2", "receiver_qualifier: \"30\", receiver_id: \"111111111\"",
			"receiver_code: PLAN2", "receiver_code: \"111111111\"",
		}, nil},
		{"claim types missing", []string{"    claim_types: [dental]\n", ""}, []string{"payers[1].claim_types required"}},
		{"claim type value", []string{"[professional]", "[professional, vision]"}, []string{"payers[0].claim_types[1] invalid"}},
		{"claim type twice", []string{"[dental]", "[dental, institutional, dental]"}, []string{"payers[1].claim_types[2] duplicate"}},

		// batch
		{"max_claims", []string{"claim_types: [dental]\n", "claim_types: [dental]\n    batch: {max_claims: -1}\n"}, []string{"payers[1].batch.max_claims out_of_range"}},
		{"max_claims above one ST", []string{"claim_types: [dental]\n", "claim_types: [dental]\n    batch: {max_claims: 20000}\n"}, nil},
		{"cutoff no unit", []string{"claim_types: [dental]\n", "claim_types: [dental]\n    batch: {cutoff: 15}\n"}, []string{"payers[1].batch.cutoff invalid"}},
		{"cutoff negative", []string{"claim_types: [dental]\n", "claim_types: [dental]\n    batch: {cutoff: -5m}\n"}, []string{"payers[1].batch.cutoff out_of_range"}},

		// sftp
		{"host missing", []string{"      host: sftp.one.example\n", ""}, []string{"payers[0].sftp.host required"}},
		{"host with port", []string{"host: sftp.one.example", "host: \"sftp.one.example:22\""}, []string{"payers[0].sftp.host invalid"}},
		{"port", []string{"port: 2222", "port: 70000"}, []string{"payers[1].sftp.port out_of_range"}},
		{"user missing", []string{"      user: ch01\n", ""}, []string{"payers[0].sftp.user required"}},
		{"no auth", []string{"{password_env: TEST_P2_PASSWORD}", "{}"}, []string{"payers[1].sftp.auth required"}},
		{"inline password", []string{"{password_env: TEST_P2_PASSWORD}", "{password_env: TEST_P2_PASSWORD, password: hunter2}"}, []string{"payers[1].sftp.auth.password inline_secret"}},
		{"inline password only", []string{"{password_env: TEST_P2_PASSWORD}", "{password: hunter2}"}, []string{"payers[1].sftp.auth.password inline_secret", "payers[1].sftp.auth required"}},
		{"password env unset", []string{"TEST_P2_PASSWORD", "TEST_UNSET_PASSWORD_VAR"}, []string{"payers[1].sftp.auth.password_env secret_empty"}},
		{"password env and file", []string{"{password_env: TEST_P2_PASSWORD}", "{password_env: TEST_P2_PASSWORD, password_file: DIR/pw}"}, []string{"payers[1].sftp.auth.password_file conflict"}},
		{"password file", []string{"{password_env: TEST_P2_PASSWORD}", "{password_file: DIR/pw}"}, nil},
		{"password file missing", []string{"{password_env: TEST_P2_PASSWORD}", "{password_file: DIR/nope}"}, []string{"payers[1].sftp.auth.password_file file_not_found"}},
		{"password file empty", []string{"{password_env: TEST_P2_PASSWORD}", "{password_file: DIR/empty}"}, []string{"payers[1].sftp.auth.password_file secret_empty"}},
		{"private key missing", []string{"DIR/id_ed25519", "DIR/missing_key"}, []string{"payers[0].sftp.auth.private_key_file file_not_found"}},
		{"host key missing", []string{"      host_key: " + hostKey1 + "\n", ""}, []string{"payers[0].sftp.host_key required"}},
		{"host key unparseable", []string{hostKey1, "ssh-ed25519 AAAAnotakey"}, []string{"payers[0].sftp.host_key host_key"}},
		{"host key two lines", []string{"host_key: " + hostKey1, "host_key: \"" + hostKey1 + "\\n" + hostKey2 + "\""}, []string{"payers[0].sftp.host_key host_key"}},
		{"host key and known_hosts", []string{"DIR/id_ed25519}\n", "DIR/id_ed25519}\n      known_hosts_file: DIR/known_hosts\n"}, []string{"payers[0].sftp.known_hosts_file conflict"}},
		{"known_hosts missing", []string{"DIR/known_hosts", "DIR/nohosts"}, []string{"payers[1].sftp.known_hosts_file file_not_found"}},
		{"known_hosts unparseable", []string{"DIR/known_hosts", "DIR/bad_known_hosts"}, []string{"payers[1].sftp.known_hosts_file host_key"}},
		{"known_hosts other host", []string{"host: sftp.two.example", "host: sftp.three.example"}, []string{"payers[1].sftp.known_hosts_file unknown_host"}},
		{"known_hosts other port", []string{"      port: 2222\n", ""}, []string{"payers[1].sftp.known_hosts_file unknown_host"}},
		{"upload dir missing", []string{"      upload_dir: /in\n", ""}, []string{"payers[1].sftp.upload_dir required"}},
		{"pickup dir missing", []string{"      pickup_dir: /out\n", ""}, []string{"payers[1].sftp.pickup_dir required"}},
		{"upload is pickup", []string{"pickup_dir: /outbound", "pickup_dir: /inbound/"}, []string{"payers[0].sftp.pickup_dir same_dir"}},
		{"after_pickup value", []string{"after_pickup: move", "after_pickup: keep"}, []string{"payers[1].sftp.after_pickup invalid"}},
		{"move without move_to", []string{"      move_to: /out/done\n", ""}, []string{"payers[1].sftp.move_to required"}},
		{"move_to is pickup", []string{"move_to: /out/done", "move_to: /out/."}, []string{"payers[1].sftp.move_to same_dir"}},
		{"move_to with delete", []string{"after_pickup: move", "after_pickup: delete"}, []string{"payers[1].sftp.move_to conflict"}},
		{"poll interval", []string{"pickup_dir: /out\n", "pickup_dir: /out\n      poll_interval: 5 minutes\n"}, []string{"payers[1].sftp.poll_interval invalid"}},
		{"file name placeholder", []string{"pickup_dir: /out\n", "pickup_dir: /out\n      file_name: \"{payer}_{isa13}_{yyyy}.837\"\n"}, []string{"payers[1].sftp.file_name file_name"}},
		{"file name without isa13", []string{"pickup_dir: /out\n", "pickup_dir: /out\n      file_name: \"{payer}_{date}.837\"\n"}, []string{"payers[1].sftp.file_name file_name"}},
		{"file name unsafe", []string{"pickup_dir: /out\n", "pickup_dir: /out\n      file_name: \"../{isa13}.837\"\n"}, []string{"payers[1].sftp.file_name file_name"}},

		// every problem is reported, in file order
		{"many", []string{
			top, "log_level: loud\n" + top,
			"usage: P\n", "usage: T\n",
			"receiver_id: PLAN2", "receiver_id: \"\"",
			"DIR/known_hosts", "DIR/nohosts",
		}, []string{
			"log_level invalid",
			"payers[0].sftp.environment usage_mismatch",
			"payers[1].isa.receiver_id required",
			"payers[1].sftp.known_hosts_file file_not_found",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			y := base
			for i := 0; i < len(tc.edit); i += 2 {
				if n := strings.Count(y, tc.edit[i]); n != 1 {
					t.Fatalf("%q occurs %d times in base", tc.edit[i], n)
				}
				y = strings.Replace(y, tc.edit[i], tc.edit[i+1], 1)
			}
			c, err := Parse([]byte(strings.ReplaceAll(y, "DIR", dir)))
			if got := problemsOf(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q\n%v", got, tc.want, err)
			}
			if (err == nil) != (c != nil) {
				t.Errorf("Parse returned config %v with error %v", c != nil, err)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{File: "gw.yaml", Problems: []Problem{
		{Path: "payers[2].sftp.host_key", Code: CodeRequired, Message: "pin it"},
		{Code: CodeYAML, Message: "line 3: field x not found"},
	}}
	want := "config gw.yaml: 2 problem(s):\n  payers[2].sftp.host_key: pin it [required]\n  line 3: field x not found [yaml]"
	if e.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", e.Error(), want)
	}
	f := filepath.Join(t.TempDir(), "gw.yaml")
	os.WriteFile(f, []byte("log_level: loud\n"), 0o600)
	clearEnv(t)
	_, err := Load(f)
	if err == nil || !strings.HasPrefix(err.Error(), "config "+f+": 1 problem(s):\n  log_level: ") {
		t.Errorf("Load error = %v", err)
	}
}

// Beyond the loopback interface the API needs tokens, or a word that a
// proxy authenticates; the tokens file is checked line by line, and no
// problem quotes a token.
func TestAPITokens(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	good, other := strings.Repeat("g", MinTokenLen), strings.Repeat("o", MinTokenLen+8)
	file := func(content string) string {
		f, err := os.CreateTemp(dir, "tokens")
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(content)
		f.Close()
		return f.Name()
	}
	tests := []struct {
		name, http string
		want       []string
	}{
		{"loopback without tokens", "{listen: 127.0.0.1:8080}", nil},
		{"localhost without tokens", "{listen: localhost:8080}", nil},
		{"IPv6 loopback without tokens", "{listen: '[::1]:8080'}", nil},
		{"every interface without tokens", "{listen: ':8080'}", []string{"http.tokens_file required"}},
		{"an address without tokens", "{listen: 10.0.0.5:8080}", []string{"http.tokens_file required"}},
		{"behind an authenticating proxy", "{listen: 0.0.0.0:8080, unauthenticated: true}", nil},
		{"tokens", "{listen: 0.0.0.0:8080, tokens_file: " + file("# callers\nbilling "+good+"\n\n  finance\t"+other+"  \n") + "}", nil},
		{"tokens and unauthenticated", "{listen: 0.0.0.0:8080, unauthenticated: true, tokens_file: " + file("billing "+good) + "}", []string{"http.unauthenticated conflict"}},
		{"no such file", "{listen: 0.0.0.0:8080, tokens_file: " + filepath.Join(dir, "none") + "}", []string{"http.tokens_file file_not_found"}},
		{"no token in the file", "{listen: 0.0.0.0:8080, tokens_file: " + file("# none yet\n") + "}", []string{"http.tokens_file secret_empty"}},
		{"a short token", "{listen: 0.0.0.0:8080, tokens_file: " + file("billing "+good[:20]) + "}", []string{"http.tokens_file invalid"}},
		{"a token without a name", "{listen: 0.0.0.0:8080, tokens_file: " + file(good) + "}", []string{"http.tokens_file invalid"}},
		{"a name twice", "{listen: 0.0.0.0:8080, tokens_file: " + file("billing "+good+"\nbilling "+other) + "}", []string{"http.tokens_file duplicate"}},
		{"a token twice", "{listen: 0.0.0.0:8080, tokens_file: " + file("billing "+good+"\nfinance "+good) + "}", []string{"http.tokens_file duplicate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte("http: " + tt.http + "\n"))
			if got := problemsOf(t, err); !slices.Equal(got, tt.want) {
				t.Fatalf("problems %v, want %v", got, tt.want)
			}
			if err != nil {
				if msg := err.Error(); strings.Contains(msg, good[:20]) || strings.Contains(msg, other[:20]) {
					t.Errorf("a problem quotes a token: %s", msg)
				}
				return
			}
			if tt.name == "tokens" && !slices.Equal(c.HTTP.Tokens, []Token{{"billing", Secret(good)}, {"finance", Secret(other)}}) {
				t.Errorf("tokens %v", c.HTTP.Tokens)
			}
		})
	}
}

// Relative paths in a config file are the file's directory's, wherever
// the command runs; LoadLedger (reports, exceptions) does not need the
// SFTP key. Before, both were read from the current directory and recon
// failed on a key file it does not use.
func TestPathsFromTheFile(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	yml := `data_dir: data
ledger: {driver: sqlite, dsn: data/ledger.db}
code_sets: {icd10cm: codes/icd10cm.txt}
payers:
  - payer_id: SIMPAYER
    name: SIM
    isa: {sender_qualifier: ZZ, sender_id: CLAIMSGW, receiver_qualifier: ZZ, receiver_id: SIMPAYER}
    gs: {sender_code: CLAIMSGW, receiver_code: SIMPAYER}
    claim_types: [professional]
    sftp:
      host: 127.0.0.1
      port: 2222
      user: claimsgw
      host_key: "` + hostKey1 + `"
      auth: {private_key_file: keys/id_ed25519}
`
	path := filepath.Join(dir, "claimsgw.yaml")
	if err := os.WriteFile(path, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); !slices.Contains(problemsOf(t, err), "payers[0].sftp.auth.private_key_file "+CodeFileNotFound) {
		t.Errorf("Load without the key file: %v", err)
	}
	c, err := LoadLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != filepath.Join(dir, "data") || string(c.Ledger.DSN) != filepath.Join(dir, "data", "ledger.db") ||
		c.CodeSets.ICD10CM != filepath.Join(dir, "codes", "icd10cm.txt") || c.Payers[0].SFTP.Auth.PrivateKeyFile != filepath.Join(dir, "keys", "id_ed25519") {
		t.Errorf("paths: data %s, dsn %s, icd %s, key %s", c.DataDir, c.Ledger.DSN, c.CodeSets.ICD10CM, c.Payers[0].SFTP.Auth.PrivateKeyFile)
	}
	if _, err := LoadLedger(filepath.Join(dir, "nope.yaml")); err == nil {
		t.Error("LoadLedger of a missing file")
	}
}
