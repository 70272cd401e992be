package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/encounter"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/x12/money"
)

// fakeIntake records what it is given. An encounter id seen before is a
// duplicate; the id "fail" fails with an internal error.
type fakeIntake struct {
	mu    sync.Mutex
	calls []string
}

// CheckEncounter finds an error in the encounter of id "bad", and a
// warning in that of id "warned".
func (f *fakeIntake) CheckEncounter(ctx context.Context, raw []byte) (string, []encounter.Problem, error) {
	var e struct{ ID string }
	if err := json.Unmarshal(raw, &e); err != nil {
		return "", nil, err
	}
	switch e.ID {
	case "bad":
		return e.ID, []encounter.Problem{{Path: "claim.diagnoses[0].code", Code: "invalid_icd10", Message: "not an ICD-10-CM code", Severity: encounter.SeverityError},
			{Path: "claim.patient_control_number", Code: "pcn_long", Message: "over 17 characters", Severity: encounter.SeverityWarning}}, nil
	case "warned":
		return e.ID, []encounter.Problem{{Path: "claim.patient_control_number", Code: "pcn_long", Message: "over 17 characters", Severity: encounter.SeverityWarning}}, nil
	}
	return e.ID, nil, nil
}

func (f *fakeIntake) SubmitEncounter(ctx context.Context, raw []byte) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var e struct{ ID string }
	if err := json.Unmarshal(raw, &e); err != nil {
		return "", false, err
	}
	if e.ID == "fail" {
		return "", false, errors.New("nats: connection closed at nats://10.0.0.7:4222")
	}
	dup := false
	for _, c := range f.calls {
		if strings.Contains(c, `"id":"`+e.ID+`"`) {
			dup = true
		}
	}
	f.calls = append(f.calls, string(raw))
	return e.ID, dup, nil
}

// seedClaim is a claim the tests put in the ledger.
type seedClaim struct {
	id, payer string
	valid     bool
}

var seeds = []seedClaim{
	{"C01", "SIMPAYER", true}, {"C02", "SIMPAYER", true}, {"C03", "SIMPAYER", true},
	{"C04", "SIMPAYER", true}, {"C05", "SIMPAYER", true}, {"C06", "OTHER", true}, {"C07", "OTHER", false},
}

const fileContent = "ISA*00*~GS*HC~ST*837*0001~SE*3*0001~GE*1*1~IEA*1*000000001~"

// fakeBuild makes a file of the given claims, one ST each.
func fakeBuild(alloc ledger.Allocator, claims []ledger.Pending) (*ledger.File, error) {
	isa, err := alloc(ledger.ISA13, 1)
	if err != nil {
		return nil, err
	}
	f := &ledger.File{Usage: "T", ISA13: isa, Name: fmt.Sprintf("SIM_%09d.837", isa), Content: []byte(fileContent)}
	for i, p := range claims {
		f.Claims = append(f.Claims, ledger.FileClaim{ClaimID: p.ClaimID, GS06: 1, ST02: int64(i + 1), FirstPos: 2, LastPos: 30})
	}
	return f, nil
}

// seed fills the ledger: C01 paid, C02 and C03 submitted in file
// SIMPAYER-000000001, C04 to C06 queued, C07 invalid; three dead letters.
func seed(t *testing.T, l *ledger.Ledger) {
	ctx := context.Background()
	for i, s := range seeds {
		e := ledger.Encounter{ID: s.id, PayerID: s.payer, ClaimType: "837P", Raw: []byte(`{"patient":"Jane SECRET"}`), Valid: s.valid, Problems: []byte("[]")}
		if !s.valid {
			e.Problems = []byte(`[{"path":"claim.diagnoses[0].code","code":"invalid_icd10","message":"not an ICD-10-CM code","severity":"error"}]`)
		}
		c := ledger.Claim{PayerID: s.payer, ClaimType: "837P", PCN: fmt.Sprintf("PCN%d", i+1), BillingNPI: "1234567893", BillingTaxID: "123456789",
			Charge: money.Cents(8000 + i), ServiceFrom: "2026-11-01", ServiceTo: "2026-11-01",
			Lines: []ledger.Line{{No: 1, LineID: "L1", Procedure: "HC:99213", Charge: money.Cents(8000 + i), Units: "1", ServiceDate: "2026-11-01"}}}
		if _, err := l.RecordEncounter(ctx, e, c); err != nil {
			t.Fatal(err)
		}
	}
	f, err := l.CreateFile(ctx, "SIMPAYER", 3, fakeBuild)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.MarkDelivered(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Transition(ctx, "C01", ledger.StatusPaid, ledger.Source{Kind: "835", File: "abc123", Transaction: "0001", Position: 12, Reason: "paid in full", Actor: "matcher"}); err != nil {
		t.Fatal(err)
	}
	for i, stream := range []string{"INTAKE", "FILES", "INTAKE"} {
		d := ledger.DeadLetter{Stream: stream, Subject: "claimsgw." + strings.ToLower(stream), MsgID: fmt.Sprintf("m%d", i+1),
			Data: []byte(`{"patient":"Jane SECRET"}`), Error: "decode failed"}
		if err := l.ParkDeadLetter(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
}

// claimJSON is the expected list entry of a seeded claim.
func claimJSON(i int, status, file string) string {
	s := seeds[i-1]
	return fmt.Sprintf(`{"id":"%s","encounter_id":"%s","payer_id":"%s","claim_type":"837P","pcn":"PCN%d","billing_npi":"1234567893","billing_tax_id":"123456789","charge":"80.%02d","service_from":"2026-11-01","service_to":"2026-11-01","status":"%s","payer_claim_number":"","file_id":"%s","created_at":"T","updated_at":"T","responsibility":"P"}`,
		s.id, s.id, s.payer, i, i-1, status, file)
}

var (
	c1 = claimJSON(1, "paid", "SIMPAYER-000000001")
	c2 = claimJSON(2, "submitted", "SIMPAYER-000000001")
	c3 = claimJSON(3, "submitted", "SIMPAYER-000000001")
	c4 = claimJSON(4, "queued", "")
	c5 = claimJSON(5, "queued", "")
	c6 = claimJSON(6, "queued", "")
	c7 = claimJSON(7, "invalid", "")
)

func list(next string, claims ...string) string {
	return `{"claims":[` + strings.Join(claims, ",") + `],"next":"` + next + `"}`
}

// times matches the RFC 3339 UTC times of a response.
var times = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"`)

type call struct {
	method, path, body string
	status             int
	want               string // the body with times as "T"
}

func do(t *testing.T, srv *httptest.Server, c call) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func check(t *testing.T, srv *httptest.Server, calls []call) {
	t.Helper()
	for _, c := range calls {
		resp, body := do(t, srv, c)
		got := strings.TrimSuffix(times.ReplaceAllString(body, `"T"`), "\n")
		if resp.StatusCode != c.status || (c.want != "" && got != c.want) {
			t.Errorf("%s %s: %d\n%s\nwant %d\n%s", c.method, c.path, resp.StatusCode, got, c.status, c.want)
		}
		if c.want != "" && resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: Content-Type %q", c.method, c.path, resp.Header.Get("Content-Type"))
		}
	}
}

func badQuery(msg string) string {
	return `{"error":{"code":"bad_query","message":"` + msg + `"}}`
}

const notFound = `{"error":{"code":"not_found","message":"not found"}}`

func TestAPI(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		seed(t, l)
		var logs bytes.Buffer
		var readyErr error
		in := &fakeIntake{}
		srv := httptest.NewServer(api.New(l, in, api.Options{
			Ready:   func(context.Context) error { return readyErr },
			Metrics: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "claimsgw_up 1\n") }),
			Log:     zerolog.New(&logs),
		}))
		defer srv.Close()
		c, err := l.Claim(context.Background(), "C01")
		if err != nil {
			t.Fatal(err)
		}
		today := c.CreatedAt.UTC()
		day := func(d int) string { return today.AddDate(0, 0, d).Format("2006-01-02") }

		t.Run("claims", func(t *testing.T) {
			check(t, srv, []call{
				{"GET", "/v1/claims", "", 200, list("", c1, c2, c3, c4, c5, c6, c7)},
				{"GET", "/v1/claims?limit=3", "", 200, list("C03", c1, c2, c3)},
				{"GET", "/v1/claims?limit=3&after=C03", "", 200, list("C06", c4, c5, c6)},
				{"GET", "/v1/claims?limit=3&after=C06", "", 200, list("", c7)},
				{"GET", "/v1/claims?limit=1&after=C07", "", 200, list("")},
				{"GET", "/v1/claims?status=queued&payer=SIMPAYER", "", 200, list("", c4, c5)},
				{"GET", "/v1/claims?payer=OTHER", "", 200, list("", c6, c7)},
				{"GET", "/v1/claims?pcn=PCN4", "", 200, list("", c4)},
				{"GET", "/v1/claims?billing_npi=1234567893&pcn=PCN4", "", 200, list("", c4)},
				{"GET", "/v1/claims?billing_npi=1999999999", "", 200, list("")},
				{"GET", "/v1/claims?status=submitted&limit=1", "", 200, list("C02", c2)},
				{"GET", "/v1/claims?from=" + day(0) + "&to=" + day(0) + "&payer=OTHER", "", 200, list("", c6, c7)},
				{"GET", "/v1/claims?to=" + day(-1), "", 200, list("")},
				{"GET", "/v1/claims?from=" + day(1), "", 200, list("")},
				{"GET", "/v1/claims?status=bogus", "", 400, badQuery("status: unknown status")},
				{"GET", "/v1/claims?from=2026-13-01", "", 400, badQuery("from: want a date YYYY-MM-DD")},
				{"GET", "/v1/claims?to=11/23/2026", "", 400, badQuery("to: want a date YYYY-MM-DD")},
				{"GET", "/v1/claims?limit=0", "", 400, badQuery("limit: want a number from 1 to 500")},
				{"GET", "/v1/claims?limit=501", "", 400, badQuery("limit: want a number from 1 to 500")},
				{"GET", "/v1/claims?limit=ten", "", 400, badQuery("limit: want a number from 1 to 500")},
				{"POST", "/v1/claims", "{}", 405, ""},
				{"DELETE", "/v1/claims/C01", "", 405, ""},
			})
		})

		intake := `{"at":"T","from":"received","to":"queued","kind":"intake","file":"","transaction":"","position":0,"reason":"","actor":"intake"}`
		batched := `{"at":"T","from":"queued","to":"batched","kind":"batcher","file":"SIMPAYER-000000001","transaction":"1","position":2,"reason":"","actor":"batcher"}`
		submitted := `{"at":"T","from":"batched","to":"submitted","kind":"deliverer","file":"SIMPAYER-000000001","transaction":"","position":0,"reason":"","actor":"deliverer"}`
		paid := `{"at":"T","from":"submitted","to":"paid","kind":"835","file":"abc123","transaction":"0001","position":12,"reason":"paid in full","actor":"matcher"}`
		history1 := `[` + strings.Join([]string{intake, batched, submitted, paid}, ",") + `]`
		t.Run("claim", func(t *testing.T) {
			line := `{"no":1,"line_id":"L1","procedure":"HC:99213","charge":"80.00","units":"1","service_date":"2026-11-01"}`
			check(t, srv, []call{
				{"GET", "/v1/claims/C01", "", 200, strings.TrimSuffix(c1, "}") + `,"lines":[` + line + `],"history":` + history1 +
					`,"files":[{"file_id":"SIMPAYER-000000001","name":"SIM_000000001.837","status":"submitted","isa13":1,"gs06":1,"st02":1,"first_pos":2,"last_pos":30,"created_at":"T"}],"payments":[]` +
					`,"problems":[],"revision":1,"revisions":[]}`},
				{"GET", "/v1/claims/C01/history", "", 200, `{"claim_id":"C01","history":` + history1 + `}`},
				{"GET", "/v1/claims/C07/history", "", 200, `{"claim_id":"C07","history":[{"at":"T","from":"received","to":"invalid","kind":"intake","file":"","transaction":"","position":0,"reason":"the scrubber found errors","actor":"intake"}]}`},
				{"GET", "/v1/claims/NOPE", "", 404, notFound},
				{"GET", "/v1/claims/NOPE/history", "", 404, notFound},
			})
			// An invalid claim says why.
			_, body := do(t, srv, call{method: "GET", path: "/v1/claims/C07"})
			if !strings.Contains(body, `"status":"invalid"`) || !strings.Contains(body, `"problems":[{"path":"claim.diagnoses[0].code","code":"invalid_icd10","message":"not an ICD-10-CM code","severity":"error"}]`) {
				t.Errorf("GET /v1/claims/C07: %s", body)
			}
			_, body = do(t, srv, call{method: "GET", path: "/v1/claims/C01"})
			var got struct {
				CreatedAt string `json:"created_at"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil || got.CreatedAt != c.CreatedAt.UTC().Format(time.RFC3339Nano) {
				t.Errorf("created_at %q, want %s (%v)", got.CreatedAt, c.CreatedAt.UTC().Format(time.RFC3339Nano), err)
			}
		})

		t.Run("files", func(t *testing.T) {
			sum := sha256.Sum256([]byte(fileContent))
			fc := func(id string, st int) string {
				return fmt.Sprintf(`{"claim_id":"%s","gs06":1,"st02":%d,"first_pos":2,"last_pos":30}`, id, st)
			}
			check(t, srv, []call{
				{"GET", "/v1/files/SIMPAYER-000000001", "", 200, `{"id":"SIMPAYER-000000001","payer_id":"SIMPAYER","usage":"T","isa13":1,"name":"SIM_000000001.837","sha256":"` +
					hex.EncodeToString(sum[:]) + fmt.Sprintf(`","size":%d,"status":"submitted","attempts":1,"last_error":"","created_at":"T","delivered_at":"T","claims":[`, len(fileContent)) +
					fc("C01", 1) + "," + fc("C02", 2) + "," + fc("C03", 3) + `]}`},
				{"GET", "/v1/files/NOPE", "", 404, notFound},
				{"GET", "/v1/files/NOPE/content", "", 404, notFound},
			})
			resp, body := do(t, srv, call{method: "GET", path: "/v1/files/SIMPAYER-000000001/content"})
			if resp.StatusCode != 200 || body != fileContent || resp.Header.Get("Content-Type") != "application/edi-x12" ||
				resp.Header.Get("Content-Disposition") != `attachment; filename=SIM_000000001.837` {
				t.Errorf("content: %d %q %v", resp.StatusCode, body, resp.Header)
			}
		})

		t.Run("dead letters", func(t *testing.T) {
			dl := func(id int, stream string) string {
				return fmt.Sprintf(`{"id":%d,"stream":"%s","subject":"claimsgw.%s","msg_id":"m%d","error":"decode failed","at":"T","size":25}`, id, stream, strings.ToLower(stream), id)
			}
			check(t, srv, []call{
				{"GET", "/v1/dead-letters", "", 200, `{"dead_letters":[` + dl(3, "INTAKE") + "," + dl(2, "FILES") + "," + dl(1, "INTAKE") + `],"next":""}`},
				{"GET", "/v1/dead-letters?limit=2", "", 200, `{"dead_letters":[` + dl(3, "INTAKE") + "," + dl(2, "FILES") + `],"next":"2"}`},
				{"GET", "/v1/dead-letters?limit=2&before=2", "", 200, `{"dead_letters":[` + dl(1, "INTAKE") + `],"next":""}`},
				{"GET", "/v1/dead-letters?before=x", "", 400, badQuery("before: want a dead letter id")},
				{"GET", "/v1/dead-letters?limit=-1", "", 400, badQuery("limit: want a number from 1 to 500")},
			})
		})

		t.Run("stats", func(t *testing.T) {
			check(t, srv, []call{{"GET", "/v1/stats", "", 200, `{"claims_by_status":{"accepted":0,"acknowledged":0,"batched":0,"delivery_failed":0,` +
				`"denied":0,"forwarded":0,"invalid":1,"paid":1,"partially_paid":0,"pending":0,"predetermined":0,"queued":3,"received":0,"rejected":0,"reversed":0,"submitted":2,"voided":0},"claims_total":7}`}})
		})

		t.Run("encounters", func(t *testing.T) {
			enc := `{"id":"E9","patient":{"name":"Jane SECRET"}}`
			badJSON := `{"error":{"code":"bad_json","message":"the body must be one JSON object"}}`
			check(t, srv, []call{
				{"POST", "/v1/encounters", enc, 202, `{"id":"E9","status":"queued","duplicate":false,"url":"/v1/claims/E9"}`},
				{"POST", "/v1/encounters", " " + enc + "\n", 202, `{"id":"E9","status":"queued","duplicate":true,"url":"/v1/claims/E9"}`},
				{"POST", "/v1/encounters", `{"id":"bad"}`, 422, `{"error":{"code":"invalid_encounter","message":"the encounter has errors (every one is in problems); nothing was queued"},"id":"bad","problems":[` +
					`{"path":"claim.diagnoses[0].code","code":"invalid_icd10","message":"not an ICD-10-CM code","severity":"error"},` +
					`{"path":"claim.patient_control_number","code":"pcn_long","message":"over 17 characters","severity":"warning"}]}`},
				{"POST", "/v1/encounters", `[` + enc + `]`, 400, badJSON},
				{"POST", "/v1/encounters", enc + enc, 400, badJSON},
				{"POST", "/v1/encounters", `{"id":`, 400, badJSON},
				{"POST", "/v1/encounters", "", 400, badJSON},
				{"POST", "/v1/encounters", `{"id":"big","pad":"` + strings.Repeat("x", 1<<20) + `"}`, 400, `{"error":{"code":"body_too_large","message":"the encounter is larger than 1 MiB"}}`},
				{"POST", "/v1/encounters", `{"id":"fail"}`, 500, `{"error":{"code":"internal","message":"internal error"}}`},
				{"GET", "/v1/encounters", "", 405, ""},
			})
			if len(in.calls) != 2 || in.calls[0] != enc || in.calls[1] != " "+enc+"\n" {
				t.Errorf("intake calls: %q", in.calls)
			}
			// A body just under the limit is taken.
			pad := strings.Repeat("x", 1<<20-len(`{"id":"max","pad":""}`))
			check(t, srv, []call{{"POST", "/v1/encounters", `{"id":"max","pad":"` + pad + `"}`, 202, `{"id":"max","status":"queued","duplicate":false,"url":"/v1/claims/max"}`}})
			// A warning does not stop it, and is said.
			check(t, srv, []call{{"POST", "/v1/encounters", `{"id":"warned"}`, 202, `{"id":"warned","status":"queued","duplicate":false,"url":"/v1/claims/warned",` +
				`"problems":[{"path":"claim.patient_control_number","code":"pcn_long","message":"over 17 characters","severity":"warning"}]}`}})
		})

		t.Run("health", func(t *testing.T) {
			for _, c := range []struct {
				path   string
				ready  error
				status int
				body   string
			}{
				{"/healthz", errors.New("ledger down"), 200, "ok\n"},
				{"/readyz", nil, 200, "ok\n"},
				{"/readyz", errors.New("ledger: ping: connection refused"), 503, "not ready: ledger: ping: connection refused\n"},
				{"/metrics", nil, 200, "claimsgw_up 1\n"},
			} {
				readyErr = c.ready
				resp, body := do(t, srv, call{method: "GET", path: c.path})
				if resp.StatusCode != c.status || body != c.body {
					t.Errorf("%s: %d %q, want %d %q", c.path, resp.StatusCode, body, c.status, c.body)
				}
			}
		})

		t.Run("logs", func(t *testing.T) {
			out := logs.String()
			for _, want := range []string{`"method":"GET","pattern":"GET /v1/claims/{id}","status":200`, `"pattern":"POST /v1/encounters","status":202`,
				`"status":404`, `nats: connection closed`} {
				if !strings.Contains(out, want) {
					t.Errorf("logs lack %s", want)
				}
			}
			for _, phi := range []string{"SECRET", "PCN4", "C01"} {
				if strings.Contains(out, phi) {
					t.Errorf("logs hold %q", phi)
				}
			}
		})
	})
}

// Without Ready and Metrics the process is always ready and has no
// /metrics.
func TestAPIDefaults(t *testing.T) {
	srv := httptest.NewServer(api.New(ledgertest.SQLite(t), &fakeIntake{}, api.Options{Log: zerolog.Nop()}))
	defer srv.Close()
	for path, status := range map[string]int{"/readyz": 200, "/metrics": 404, "/v1/stats": 200} {
		if resp, _ := do(t, srv, call{method: "GET", path: path}); resp.StatusCode != status {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, status)
		}
	}
}

// A ledger that fails answers 500 without its error, which is logged.
func TestAPILedgerDown(t *testing.T) {
	l := ledgertest.SQLite(t)
	l.Close()
	var logs bytes.Buffer
	srv := httptest.NewServer(api.New(l, &fakeIntake{}, api.Options{Log: zerolog.New(&logs)}))
	defer srv.Close()
	check(t, srv, []call{
		{"GET", "/v1/stats", "", 500, `{"error":{"code":"internal","message":"internal error"}}`},
		{"GET", "/v1/claims", "", 500, `{"error":{"code":"internal","message":"internal error"}}`},
	})
	if !strings.Contains(logs.String(), "database is closed") {
		t.Errorf("error not logged: %s", logs.String())
	}
}
