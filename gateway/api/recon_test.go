package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/config"
	"github.com/claimsgw/claimsgw/gateway"
	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/inbound"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
	"github.com/claimsgw/claimsgw/internal/testutil"
)

func TestRecon(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		seed := ledgertest.SeedRecon(t, l)
		srv := httptest.NewServer(api.New(l, &fakeIntake{}, api.Options{Log: zerolog.Nop(), Resolver: resolver(t, l)}))
		defer srv.Close()
		today := time.Now().UTC().Format(time.DateOnly)
		exc := fmt.Sprintf(`{"id":%d,"kind":"835","payer_id":"SIMPAYER","inbound_sha256":"sha-835-1","st02":"0001","position":60,"pcn":"NOPE",`+
			`"reason":"no sent claim of this billing provider with this patient control number","status":"open","claim_id":"","resolved_by":"","resolution":"","note":"","at":"T","resolved_at":null}`,
			seed.ExceptionID)
		pay1 := `{"remittance_id":1,"payer_id":"SIMPAYER","trace_number":"TRACE1","originator_id":"1512345678","payment_date":"2026-11-20","credit_debit":"C","method":"ACH",` +
			`"inbound_sha256":"sha-835-1","st02":"0001","amount":"320.00","claims_paid":"320.00","provider_adjustments_total":"0.00","expected":"320.00","difference":"0.00",` +
			`"balanced":true,"matched_paid":"290.00","unmatched_paid":"30.00","claims":[` +
			`{"payment_id":1,"claim_id":"C1","pcn":"PCN-C1","position":12,"status_code":"1","charge":"100.00","paid":"60.00","patient_responsibility":"20.00","payer_claim_number":"PCNC1"},` +
			`{"payment_id":2,"claim_id":"C2","pcn":"PCN-C2","position":20,"status_code":"1","charge":"200.00","paid":"80.00","patient_responsibility":"0.00","payer_claim_number":"PCNC2"},` +
			`{"payment_id":3,"claim_id":"C3","pcn":"PCN-C3","position":30,"status_code":"4","charge":"50.00","paid":"0.00","patient_responsibility":"0.00","payer_claim_number":"PCNC3"},` +
			`{"payment_id":4,"claim_id":"C4","pcn":"PCN-C4","position":40,"status_code":"1","charge":"120.00","paid":"100.00","patient_responsibility":"0.00","payer_claim_number":"PCNC4"},` +
			`{"payment_id":5,"claim_id":"C5","pcn":"PCN-C5","position":50,"status_code":"1","charge":"75.00","paid":"50.00","patient_responsibility":"0.00","payer_claim_number":"PCNC5"}]`
		pay2 := `{"remittance_id":2,"payer_id":"SIMPAYER","trace_number":"TRACE2","originator_id":"1512345678","payment_date":"2026-11-21","credit_debit":"C","method":"ACH",` +
			`"inbound_sha256":"sha-835-2","st02":"0002","amount":"11.00","claims_paid":"10.00","provider_adjustments_total":"-1.37","expected":"11.37","difference":"-0.37",` +
			`"balanced":false,"matched_paid":"10.00","unmatched_paid":"0.00","claims":[` +
			`{"payment_id":6,"claim_id":"C4","pcn":"PCN-C4","position":12,"status_code":"22","charge":"-120.00","paid":"-100.00","patient_responsibility":"0.00","payer_claim_number":"PCNC4"},` +
			`{"payment_id":7,"claim_id":"C4","pcn":"PCN-C4","position":20,"status_code":"1","charge":"120.00","paid":"110.00","patient_responsibility":"0.00","payer_claim_number":"PCNC4"}]`
		check(t, srv, []call{
			{"GET", "/v1/recon/payments", "", 200, `{"payments":[` + pay1 + `},` + pay2 + `}],"next":""}`},
			{"GET", "/v1/recon/payments?limit=1", "", 200, `{"payments":[` + pay1 + `}],"next":"1"}`},
			{"GET", "/v1/recon/payments?limit=1&after=1", "", 200, `{"payments":[` + pay2 + `}],"next":""}`},
			{"GET", "/v1/recon/payments?payer=SIMPAYER&from=2026-11-21&to=2026-11-30", "", 200, `{"payments":[` + pay2 + `}],"next":""}`},
			{"GET", "/v1/recon/payments?payer=OTHER", "", 200, `{"payments":[],"next":""}`},
			{"GET", "/v1/recon/payments/TRACE1", "", 200, pay1 + `,"exceptions":[` + exc + `]}`},
			{"GET", "/v1/recon/payments/TRACE2?payer=SIMPAYER", "", 200, pay2 +
				`,"provider_adjustments":[{"provider_id":"1234567893","fiscal_period_date":"2026-12-31","reason":"L6","reference":"","amount":"-1.37","claim_id":"","position":30}]}`},
			{"GET", "/v1/recon/payments/NOSUCH", "", 404, notFound},
			{"GET", "/v1/recon/claims/C4", "", 200, `{"claim_id":"C4","payer_id":"SIMPAYER","pcn":"PCN-C4","status":"paid","charge":"120.00","adjudicated_charge":"120.00",` +
				`"paid":"110.00","patient_responsibility":"0.00","contractual":"10.00","other_adjustments":"0.00","clp05_patient_responsibility":"0.00","imbalance":"0.00","balanced":true,"payments":[` +
				`{"payment_id":4,"trace_number":"TRACE1","payment_date":"2026-11-20","status_code":"1","charge":"120.00","paid":"100.00","patient_responsibility":"0.00","contractual":"20.00","other_adjustments":"0.00","clp05_patient_responsibility":"0.00"},` +
				`{"payment_id":6,"trace_number":"TRACE2","payment_date":"2026-11-21","status_code":"22","charge":"-120.00","paid":"-100.00","patient_responsibility":"0.00","contractual":"-20.00","other_adjustments":"0.00","clp05_patient_responsibility":"0.00"},` +
				`{"payment_id":7,"trace_number":"TRACE2","payment_date":"2026-11-21","status_code":"1","charge":"120.00","paid":"110.00","patient_responsibility":"0.00","contractual":"10.00","other_adjustments":"0.00","clp05_patient_responsibility":"0.00"}],` +
				`"provider_adjustments":[]}`},
			{"GET", "/v1/recon/claims/C6", "", 200, `{"claim_id":"C6","payer_id":"SIMPAYER","pcn":"PCN-C6","status":"submitted","charge":"40.00","adjudicated_charge":"0.00",` +
				`"paid":"0.00","patient_responsibility":"0.00","contractual":"0.00","other_adjustments":"0.00","clp05_patient_responsibility":"0.00","imbalance":"40.00","balanced":false,"payments":[],"provider_adjustments":[]}`},
			{"GET", "/v1/recon/claims/NOSUCH", "", 404, notFound},
			{"GET", "/v1/recon/aging?payer=OTHER", "", 200, `{"as_of":"T","open_statuses":["submitted","acknowledged","accepted","pending","reversed"],"aging":[` +
				`{"payer_id":"OTHER","bucket":"0-30","claims":1,"charge":"30.00"},{"payer_id":"OTHER","bucket":"31-60","claims":0,"charge":"0.00"},` +
				`{"payer_id":"OTHER","bucket":"61-90","claims":0,"charge":"0.00"},{"payer_id":"OTHER","bucket":"90+","claims":0,"charge":"0.00"}]}`},
			{"GET", "/v1/recon/denials", "", 200, `{"denials":[{"payer_id":"SIMPAYER","group_code":"CO","carc":"97","rarc":"M15","count":1,"claims":1,"amount":"100.00"},` +
				`{"payer_id":"SIMPAYER","group_code":"CO","carc":"50","rarc":"N130","count":1,"claims":1,"amount":"50.00"}]}`},
			{"GET", "/v1/recon/denials?payer=SIMPAYER&from=2026-11-21", "", 200, `{"denials":[]}`},
			{"GET", "/v1/recon/rejections", "", 200, `{"rejections":[{"payer_id":"SIMPAYER","source_kind":"277CA","reason":"A7:164:IL","claims":1,"charge":"10.00"},` +
				`{"payer_id":"SIMPAYER","source_kind":"999","reason":"999 R: IK5 5","claims":1,"charge":"20.00"}]}`},
			{"GET", "/v1/recon/daily?from=2026-11-20&to=2026-11-21", "", 200, `{"days":[` +
				`{"date":"2026-11-20","claims_submitted":0,"billed":"0.00","paid":"290.00","patient_responsibility":"20.00","adjusted":"230.00"},` +
				`{"date":"2026-11-21","claims_submitted":0,"billed":"0.00","paid":"10.00","patient_responsibility":"0.00","adjusted":"-10.00"}]}`},
			{"GET", "/v1/recon/daily?from=" + today + "&to=" + today, "", 200, `{"days":[{"date":"` + today + `","claims_submitted":9,"billed":"645.00","paid":"0.00","patient_responsibility":"0.00","adjusted":"0.00"}]}`},
			{"GET", "/v1/recon/unmatched", "", 200, `{"exceptions":[` + exc + `],"next":""}`},
			{"GET", "/v1/exceptions?status=resolved", "", 200, `{"exceptions":[],"next":""}`},
			{"GET", "/v1/exceptions?limit=1", "", 200, `{"exceptions":[` + exc + `],"next":""}`},
			{"GET", "/v1/recon/daily?from=2026-02-30", "", 400, badQuery("from: want a date YYYY-MM-DD")},
			{"GET", "/v1/recon/denials?format=xml", "", 400, badQuery("format: want json or csv")},
			{"GET", "/v1/recon/payments?after=x", "", 400, badQuery("after: want the next of the previous page")},
			{"GET", "/v1/recon/payments?limit=0", "", 400, badQuery("limit: want a number from 1 to 500")},
			{"GET", "/v1/exceptions?status=closed", "", 400, badQuery("status: want open, resolved or all")},
		})

		t.Run("csv", func(t *testing.T) {
			for _, c := range []struct {
				path, accept, name, want string
			}{
				{"/v1/recon/payments?format=csv", "", "payments",
					"remittance_id,payer_id,trace_number,payment_date,method,amount,claims_paid,plb,expected,difference,balanced,matched_paid,unmatched_paid,claims\n" +
						"1,SIMPAYER,TRACE1,2026-11-20,ACH,320.00,320.00,0.00,320.00,0.00,true,290.00,30.00,5\n" +
						"2,SIMPAYER,TRACE2,2026-11-21,ACH,11.00,10.00,-1.37,11.37,-0.37,false,10.00,0.00,2\n"},
				{"/v1/recon/payments/TRACE1", "text/csv", "payment-TRACE1",
					"item,claim_id,pcn,code,position,amount\nBPR02,,,C,,320.00\nCLP04,C1,PCN-C1,1,12,60.00\nCLP04,C2,PCN-C2,1,20,80.00\nCLP04,C3,PCN-C3,4,30,0.00\n" +
						"CLP04,C4,PCN-C4,1,40,100.00\nCLP04,C5,PCN-C5,1,50,50.00\n" +
						fmt.Sprintf("CLP04 unmatched,,NOPE,exception %d open,60,0.00\n", seed.ExceptionID) +
						"CLP04 unmatched total,,,,,30.00\nexpected,,,CLP04-PLB,,320.00\ndifference,,,balanced,,0.00\n"},
				{"/v1/recon/payments/TRACE2?format=csv", "", "payment-TRACE2",
					"item,claim_id,pcn,code,position,amount\nBPR02,,,C,,11.00\nCLP04,C4,PCN-C4,22,12,-100.00\nCLP04,C4,PCN-C4,1,20,110.00\n" +
						"PLB,,,L6,30,-1.37\nexpected,,,CLP04-PLB,,11.37\ndifference,,,unbalanced,,-0.37\n"},
				{"/v1/recon/claims/C5?format=csv", "", "claim-C5",
					"row,trace_number,payment_date,status_code,charge,paid,patient_resp,contractual,other,imbalance\n" +
						"payment 5,TRACE1,2026-11-20,1,75.00,50.00,0.00,20.00,0.00,\nclaim C5,,,unbalanced,75.00,50.00,0.00,20.00,0.00,5.00\n"},
				{"/v1/recon/aging?payer=SIMPAYER&format=csv", "", "aging", "payer_id,days,claims,charge\nSIMPAYER,0-30,1,40.00\nSIMPAYER,31-60,0,0.00\nSIMPAYER,61-90,0,0.00\nSIMPAYER,90+,0,0.00\n"},
				{"/v1/recon/denials", "text/csv", "denials", "payer_id,group_code,carc,rarc,count,claims,amount\nSIMPAYER,CO,97,M15,1,1,100.00\nSIMPAYER,CO,50,N130,1,1,50.00\n"},
				{"/v1/recon/rejections?format=csv", "", "rejections", "payer_id,source_kind,reason,claims,charge\nSIMPAYER,277CA,A7:164:IL,1,10.00\nSIMPAYER,999,999 R: IK5 5,1,20.00\n"},
				{"/v1/recon/daily?to=2026-11-21&format=csv", "", "daily", "date,claims_submitted,billed,paid,patient_resp,adjusted\n2026-11-20,0,0.00,290.00,20.00,230.00\n2026-11-21,0,0.00,10.00,0.00,-10.00\n"},
			} {
				req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
				if c.accept != "" {
					req.Header.Set("Accept", c.accept)
				}
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body := readAll(t, resp)
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
					resp.Header.Get("Content-Disposition") != `attachment; filename="`+c.name+`.csv"` || body != c.want {
					t.Errorf("%s: %d %q %q\n%s\nwant\n%s", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), body, c.want)
				}
			}
			// A CSV page's cursor is in X-Next.
			resp, err := srv.Client().Get(srv.URL + "/v1/recon/payments?format=csv&limit=1")
			if err != nil {
				t.Fatal(err)
			}
			if body := readAll(t, resp); resp.Header.Get("X-Next") != "1" || strings.Count(body, "\n") != 2 {
				t.Errorf("payments CSV page: X-Next %q\n%s", resp.Header.Get("X-Next"), body)
			}
			// Unmatched as CSV.
			req, _ := http.NewRequest("GET", srv.URL+"/v1/recon/unmatched?format=csv&limit=1", nil)
			resp, err = srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if !strings.HasPrefix(body, "id,kind,payer_id,st02,position,pcn,reason,status,claim_id,resolved_by,at,inbound_sha256,resolution,note\n"+
				fmt.Sprintf("%d,835,SIMPAYER,0001,60,NOPE,no sent claim of this billing provider with this patient control number,open,,,", seed.ExceptionID)) ||
				!strings.HasSuffix(body, ",sha-835-1,,\n") || resp.Header.Get("X-Next") != "" {
				t.Errorf("unmatched CSV: %q, X-Next %q", body, resp.Header.Get("X-Next"))
			}
		})

		t.Run("match", func(t *testing.T) {
			path := fmt.Sprintf("/v1/exceptions/%d/match", seed.ExceptionID)
			resolved := strings.Replace(strings.Replace(exc, `"status":"open","claim_id":"","resolved_by":"","resolution":"","note":""`,
				`"status":"resolved","claim_id":"C5","resolved_by":"alice","resolution":"matched","note":"the payer mistyped the PCN"`, 1),
				`"resolved_at":null`, `"resolved_at":"T"`, 1)
			mismatch := `{"error":{"code":"mismatch","message":"the payer's item does not fit the claim: patient control number \"NOPE\" is not the claim's \"PCN-C5\" (force the match, with a reason, to make it anyway)"}}`
			check(t, srv, []call{
				{"POST", path, `{"claim_id":"C5"}`, 400, `{"error":{"code":"bad_body","message":"claim_id and actor are required"}}`},
				{"POST", path, `{"claim_id":"C5","actor":"alice","extra":1}`, 400, ""},
				{"POST", path, `not json`, 400, ""},
				{"POST", path, `{"claim_id":"NOSUCH","actor":"alice"}`, 422, `{"error":{"code":"unknown_claim","message":"no claim with that id"}}`},
				{"POST", path, `{"claim_id":"C7","actor":"alice"}`, 422, `{"error":{"code":"other_payer","message":"the claim belongs to another payer than the exception's file"}}`},
				{"POST", "/v1/exceptions/999999/match", `{"claim_id":"C5","actor":"alice"}`, 404, notFound},
				{"POST", "/v1/exceptions/abc/match", `{"claim_id":"C5","actor":"alice"}`, 404, notFound},
				{"POST", path, `{"claim_id":"C5","actor":"alice"}`, 422, mismatch},
				{"POST", path, `{"claim_id":"C5","actor":"alice","force":true}`, 400, `{"error":{"code":"bad_body","message":"reason is required to force a match"}}`},
				{"POST", path, `{"claim_id":"C5","actor":"alice","force":true,"reason":"the payer mistyped the PCN"}`, 200, resolved},
				{"POST", path, `{"claim_id":"C5","actor":"bob","force":true,"reason":"again"}`, 409, `{"error":{"code":"already_resolved","message":"the exception is already resolved"}}`},
				{"GET", "/v1/recon/unmatched", "", 200, `{"exceptions":[],"next":""}`},
				{"GET", "/v1/exceptions?status=resolved", "", 200, `{"exceptions":[` + resolved + `],"next":""}`},
				{"GET", "/v1/exceptions?status=all", "", 200, `{"exceptions":[` + resolved + `],"next":""}`},
			})
			_, body := do(t, srv, call{method: "GET", path: "/v1/claims/C5/history"})
			if !strings.Contains(body, `"kind":"manual"`) || !strings.Contains(body, `"actor":"alice"`) {
				t.Errorf("C5 history has no manual entry: %s", body)
			}
		})
	})
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// With tokens, /v1/ takes only callers with one, logs who called (never
// the token) and records the caller as who matched an exception by hand;
// health, readiness and metrics stay open.
func TestAPITokens(t *testing.T) {
	l := ledgertest.SQLite(t)
	seed := ledgertest.SeedRecon(t, l)
	var logs testutil.SyncBuffer
	billing, finance := strings.Repeat("b", 32), strings.Repeat("f", 40)
	srv := httptest.NewServer(api.New(l, &fakeIntake{}, api.Options{
		Resolver: resolver(t, l),
		Log:      zerolog.New(&logs),
		Metrics:  http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "claimsgw_up 1\n") }),
		Tokens:   []config.Token{{Name: "billing-app", Value: config.Secret(billing)}, {Name: "finance-app", Value: config.Secret(finance)}},
	}))
	defer srv.Close()
	get := func(path, auth string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, resp)
		return resp
	}
	for _, tt := range []struct {
		path, auth string
		status     int
	}{
		{"/v1/stats", "", 401},
		{"/v1/files/X/content", "", 401},
		{"/v1/claims", "Bearer " + strings.Repeat("x", 32), 401},
		{"/v1/claims", "Basic " + billing, 401},
		{"/v1/claims", "Bearer " + billing[:31], 401},
		{"/v1/claims", "Bearer " + billing, 200},
		{"/v1/claims", "bearer " + finance, 200},
		{"/v1/nosuchroute", "", 401},
		{"//v1/claims", "", 401},
		{"/v1/../v1/claims", "", 401},
		{"/healthz/", "", 401},
		{"/healthz", "", 200},
		{"/readyz", "", 200},
		{"/metrics", "", 200},
	} {
		resp := get(tt.path, tt.auth)
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s with %.12q: %d, want %d", tt.path, tt.auth, resp.StatusCode, tt.status)
		}
		if tt.status == 401 && resp.Header.Get("WWW-Authenticate") != `Bearer realm="claimsgw"` {
			t.Errorf("GET %s: 401 without WWW-Authenticate", tt.path)
		}
	}

	path := fmt.Sprintf("%s/v1/exceptions/%d/match", srv.URL, seed.ExceptionID)
	req, _ := http.NewRequest("POST", path, strings.NewReader(`{"claim_id":"C5","actor":"alice","force":true,"reason":"the payer mistyped the PCN"}`))
	req.Header.Set("Authorization", "Bearer "+finance)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != 200 || !strings.Contains(body, `"resolved_by":"finance-app (alice)"`) {
		t.Errorf("match: %d %s", resp.StatusCode, body)
	}
	log := logs.String()
	if !strings.Contains(log, `"caller":"finance-app"`) || !strings.Contains(log, `"caller":"billing-app"`) {
		t.Errorf("the log does not name the callers:\n%s", log)
	}
	if strings.Contains(log, billing[:16]) || strings.Contains(log, finance[:16]) {
		t.Errorf("the log holds a token:\n%s", log)
	}
	// With tokens on, the routes are still in the log (before, "pattern":"").
	if !strings.Contains(log, `"pattern":"POST /v1/exceptions/{id}/match","caller":"finance-app"`) ||
		!strings.Contains(log, `"pattern":"GET /v1/stats","status":401`) || !strings.Contains(log, `"pattern":"GET /v1/claims","caller":"billing-app"`) {
		t.Errorf("the log lost the routes:\n%s", log)
	}
}

// resolver is the inbound processor, as the daemon gives the API, on l
// alone (its claim events go nowhere).
func resolver(t *testing.T, l *ledger.Ledger) api.Resolver {
	t.Helper()
	p, err := inbound.New(gateway.Options{Config: config.Default(), Ledger: l})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
