package api_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/deliver"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// What an operator does over the API besides matching: post a payment
// held back, dismiss an exception, resend a file that failed. Each needs
// who and why, is done once, and says so when it cannot be done.
func TestOperatorActions(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	f := h.Submit(gatewaytest.EncounterJSON("ACT1", 10000))
	h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTA", "90", [][]string{gatewaytest.CLP1("ACT1", "1", "PAYA", 80, "ACT1-1")})))
	h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTB", "", [][]string{gatewaytest.CLP1("NOSUCH", "1", "PAYB", 80, "")})))
	failed := h.Build(gatewaytest.EncounterJSON("ACT2", 10000))
	if _, err := h.Ledger.MarkDeliveryFailed(h.Ctx, failed, errors.New("dial tcp: connection refused"), "delivery failed"); err != nil {
		t.Fatal(err)
	}
	d, err := deliver.New(deliver.Options{Options: h.Options})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(h.Ledger, &fakeIntake{}, api.Options{Log: zerolog.Nop(), Resolver: h.Inbound, Resender: d}))
	defer srv.Close()
	es, err := h.Ledger.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open"})
	if err != nil || len(es) != 2 {
		t.Fatalf("open exceptions %+v, %v", es, err)
	}
	unbalanced, clp := fmt.Sprintf("/v1/exceptions/%d/", es[0].ID), fmt.Sprintf("/v1/exceptions/%d/", es[1].ID)
	check(t, srv, []call{
		{"POST", unbalanced + "post", `{"actor":"alice"}`, 400, `{"error":{"code":"bad_body","message":"actor and reason are required"}}`},
		{"POST", clp + "post", `{"actor":"alice","reason":"x"}`, 422, `{"error":{"code":"not_postable","message":"inbound: only an 835 payment held back because it did not balance can be posted anyway"}}`},
		{"POST", unbalanced + "post", `{"actor":"alice","reason":"the payer's 10.00 fee is in BPR02"}`, 200, ""},
		{"POST", unbalanced + "post", `{"actor":"alice","reason":"again"}`, 409, `{"error":{"code":"already_resolved","message":"the exception is already resolved"}}`},
		{"POST", clp + "dismiss", `{"reason":"no actor"}`, 400, `{"error":{"code":"bad_body","message":"actor and reason are required"}}`},
		{"POST", clp + "dismiss", `{"actor":"alice","reason":"not our claim"}`, 200, ""},
		{"POST", "/v1/files/" + f.ID + "/resend", `{"actor":"alice"}`, 409, `{"error":{"code":"not_failed","message":"the file is not delivery_failed: only a failed file is resent, once"}}`},
		{"POST", "/v1/files/" + failed + "/resend", `{}`, 400, `{"error":{"code":"bad_body","message":"actor is required"}}`},
		{"POST", "/v1/files/NOSUCH/resend", `{"actor":"alice"}`, 404, notFound},
		{"POST", "/v1/files/" + failed + "/resend", `{"actor":"alice","reason":"the payer's server is back"}`, 200, `{"file_id":"` + failed + `","status":"resent","queued":["ACT2"]}`},
		{"POST", "/v1/files/" + failed + "/resend", `{"actor":"alice"}`, 409, ""},
	})
	if n, net := h.PaidOn("ACT1"); n != 1 || net != 8000 {
		t.Errorf("ACT1 after the post: %d payments, %s", n, net)
	}
	for _, c := range []struct {
		id  int64
		how string
	}{{es[0].ID, ledger.Posted}, {es[1].ID, ledger.Dismissed}} {
		if e, err := h.Ledger.Exception(h.Ctx, c.id); err != nil || e.Resolution != c.how || e.ResolvedBy != "alice" || e.Note == "" {
			t.Errorf("exception %d: %+v, %v; want %s by alice with the reason", c.id, e, err, c.how)
		}
	}
	if s := h.Status("ACT2"); s != ledger.StatusQueued {
		t.Errorf("ACT2 after the resend: %s", s)
	}
	if c, want := h.LastChange("ACT2"), "file "+failed+" resent by hand: queued for a new file: the payer's server is back"; c.Kind != "manual" || c.Actor != "alice" || c.Reason != want {
		t.Errorf("ACT2's history after the resend: %+v, want kind manual by alice saying %q", c, want)
	}
}

// An exception that groups the CLPs of a payer file failing for one
// reason past the first 100 gives their count and the first of them in
// its JSON; it cannot be matched (422 grouped) and is dismissed.
func TestGroupedExceptionOverTheAPI(t *testing.T) {
	h := gatewaytest.New(t, ledgertest.SQLite(t))
	var clps [][]string
	for i := range 102 {
		clps = append(clps, gatewaytest.CLP1(fmt.Sprintf("NOSUCH%d", i), "1", "PAYG", 80, ""))
	}
	h.Apply("835", gatewaytest.Interchange("HP", "005010X221A1", "835", gatewaytest.Remittance("EFTG", "", clps)))
	srv := httptest.NewServer(api.New(h.Ledger, &fakeIntake{}, api.Options{Log: zerolog.Nop(), Resolver: h.Inbound}))
	defer srv.Close()
	es, err := h.Ledger.Exceptions(h.Ctx, ledger.ExceptionFilter{Status: "open", Limit: 200})
	if err != nil || len(es) != 101 {
		t.Fatalf("%d open exceptions, %v", len(es), err)
	}
	g := es[100]
	path := fmt.Sprintf("/v1/exceptions/%d", g.ID)
	want := fmt.Sprintf(`{"id":%d,"kind":"835","payer_id":"SIMPAYER","inbound_sha256":"%s","st02":"0001","position":512,"pcn":"NOSUCH100","reason":%q,`+
		`"status":"resolved","claim_id":"","resolved_by":"alice","resolution":"dismissed","note":"not this provider's","at":"T","resolved_at":"T","count":2,`+
		`"items":[{"st02":"0001","position":512,"pcn":"NOSUCH100"},{"st02":"0001","position":517,"pcn":"NOSUCH101"}]}`, g.ID, g.InboundSHA256, g.Reason)
	check(t, srv, []call{
		{"POST", path + "/match", `{"claim_id":"C1","actor":"alice"}`, 422, fmt.Sprintf(`{"error":{"code":"grouped","message":"inbound: an exception that stands for many items of its payer file `+
			`cannot be matched to one claim: dismiss it once they are dealt with (exception %d stands for 2 CLPs)"}}`, g.ID)},
		{"POST", path + "/dismiss", `{"actor":"alice","reason":"not this provider's"}`, 200, want},
	})
}
