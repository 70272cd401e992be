package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// The files the gateway sent and those it picked up are listed newest
// first, filtered and paged, never with their content; a payer file is
// shown with its problems and the exceptions it opened; an exception is
// shown as the exceptions list gives it.
func TestFilesAndExceptions(t *testing.T) {
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		// The ledger keeps times in milliseconds: each file here is made
		// in a millisecond of its own, so that newest first is one order.
		tick := func() { time.Sleep(3 * time.Millisecond) }
		seed(t, l) // SIMPAYER-000000001, delivered
		tick()
		otherBuild := func(alloc ledger.Allocator, claims []ledger.Pending) (*ledger.File, error) {
			f, err := fakeBuild(alloc, claims)
			if f != nil {
				f.Content = append(f.Content, "OTHER"...) // files differ: the ledger knows a file by its sha256
			}
			return f, err
		}
		if _, err := l.CreateFile(ctx, "OTHER", 10, otherBuild); err != nil {
			t.Fatal(err)
		}
		const phi = "NM1*QC*1*SECRET*JANE~"
		for _, f := range []ledger.InboundFile{
			{SHA256: "aaa", PayerID: "SIMPAYER", Name: "a.999", Kind: "999", Content: []byte("ISA*" + phi)},
			{SHA256: "bbb", PayerID: "SIMPAYER", Name: "b.835", Kind: "835", Content: []byte("ISA*" + phi + "CLP*")},
			{SHA256: "ccc", PayerID: "OTHER", Name: "c.835", Kind: "835", Content: []byte("ISA*" + phi + "CLP*1")},
		} {
			tick()
			if _, err := l.RecordInbound(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.ApplyInbound(ctx, "bbb", func(tx *ledger.Tx) error {
			if err := tx.SetInboundErrors("bbb", "offset 30, segment 3 CLP02: element_count: too many elements\n"); err != nil {
				return err
			}
			return tx.AddException(ledger.Exception{InboundSHA256: "bbb", Kind: "835", ST02: "0001", Position: 3, PCN: "NOSUCH", Reason: "no claim with this patient control number"})
		}); err != nil {
			t.Fatal(err)
		}
		es, err := l.ExceptionsOfFile(ctx, "bbb")
		if err != nil || len(es) != 1 {
			t.Fatalf("exceptions of bbb: %+v, %v", es, err)
		}
		exc := es[0].ID
		srv := httptest.NewServer(api.New(l, &fakeIntake{}, api.Options{Log: zerolog.Nop()}))
		defer srv.Close()

		other := `{"id":"OTHER-000000001","payer_id":"OTHER","isa13":1,"name":"SIM_000000001.837","status":"built","attempts":0,"last_error":"","created_at":"T","delivered_at":null,"claims":1}`
		sim := `{"id":"SIMPAYER-000000001","payer_id":"SIMPAYER","isa13":1,"name":"SIM_000000001.837","status":"submitted","attempts":1,"last_error":"","created_at":"T","delivered_at":"T","claims":3}`
		files := func(next string, fs ...string) string {
			return `{"files":[` + strings.Join(fs, ",") + `],"next":"` + next + `"}`
		}
		a := `{"sha256":"aaa","payer_id":"SIMPAYER","name":"a.999","kind":"999","status":"received","received_at":"T","processed_at":null,"size":25,"errors":0}`
		b := `{"sha256":"bbb","payer_id":"SIMPAYER","name":"b.835","kind":"835","status":"processed","received_at":"T","processed_at":"T","size":29,"errors":1}`
		c := `{"sha256":"ccc","payer_id":"OTHER","name":"c.835","kind":"835","status":"received","received_at":"T","processed_at":null,"size":30,"errors":0}`
		inbound := func(next string, fs ...string) string {
			return `{"inbound_files":[` + strings.Join(fs, ",") + `],"next":"` + next + `"}`
		}
		check(t, srv, []call{
			{"GET", "/v1/files", "", 200, files("", other, sim)},
			{"GET", "/v1/files?limit=1", "", 200, files("OTHER-000000001", other)},
			{"GET", "/v1/files?limit=1&before=OTHER-000000001", "", 200, files("", sim)},
			{"GET", "/v1/files?payer=SIMPAYER", "", 200, files("", sim)},
			{"GET", "/v1/files?status=built", "", 200, files("", other)},
			{"GET", "/v1/files?status=delivery_failed", "", 200, files("")},
			{"GET", "/v1/files?status=bogus", "", 400, badQuery("status: want built, submitted, delivery_failed or resent")},
			{"GET", "/v1/files?limit=0", "", 400, badQuery("limit: want a number from 1 to 500")},

			{"GET", "/v1/inbound-files", "", 200, inbound("", c, b, a)},
			{"GET", "/v1/inbound-files?limit=2", "", 200, inbound("bbb", c, b)},
			{"GET", "/v1/inbound-files?limit=2&before=bbb", "", 200, inbound("", a)},
			{"GET", "/v1/inbound-files?kind=835", "", 200, inbound("", c, b)},
			{"GET", "/v1/inbound-files?kind=835&payer=SIMPAYER", "", 200, inbound("", b)},
			{"GET", "/v1/inbound-files?status=received", "", 200, inbound("", c, a)},
			{"GET", "/v1/inbound-files?status=done", "", 400, badQuery("status: want received, processed or failed")},
			{"GET", "/v1/inbound-files?limit=x", "", 400, badQuery("limit: want a number from 1 to 500")},

			{"GET", "/v1/inbound-files/bbb", "", 200, strings.TrimSuffix(b, "}") + `,"problems":["offset 30, segment 3 CLP02: element_count: too many elements"],` +
				fmt.Sprintf(`"exceptions":[{"id":%d,"kind":"835","st02":"0001","position":3,"reason":"no claim with this patient control number","status":"open"}]}`, exc)},
			{"GET", "/v1/inbound-files/aaa", "", 200, strings.TrimSuffix(a, "}") + `,"problems":[],"exceptions":[]}`},
			{"GET", "/v1/inbound-files/nosuch", "", 404, notFound},

			{"GET", fmt.Sprintf("/v1/exceptions/%d", exc+100), "", 404, notFound},
			{"GET", "/v1/exceptions/abc", "", 404, notFound},
			{"GET", "/v1/exceptions/0", "", 404, notFound},
		})

		// Neither list has any content, nor what it holds.
		for _, path := range []string{"/v1/files", "/v1/inbound-files", "/v1/inbound-files/bbb"} {
			_, body := do(t, srv, call{method: "GET", path: path})
			for _, s := range []string{"SECRET", "ISA*", "content"} {
				if strings.Contains(body, s) {
					t.Errorf("%s holds %q: %s", path, s, body)
				}
			}
		}

		// One exception is as the list gives it.
		_, body := do(t, srv, call{method: "GET", path: "/v1/exceptions"})
		var listed struct{ Exceptions []json.RawMessage }
		if err := json.Unmarshal([]byte(body), &listed); err != nil || len(listed.Exceptions) != 1 {
			t.Fatalf("GET /v1/exceptions: %s, %v", body, err)
		}
		resp, one := do(t, srv, call{method: "GET", path: fmt.Sprintf("/v1/exceptions/%d", exc)})
		if resp.StatusCode != 200 || strings.TrimSpace(one) != string(listed.Exceptions[0]) {
			t.Errorf("GET /v1/exceptions/%d: %d %s\nwant as listed %s", exc, resp.StatusCode, one, listed.Exceptions[0])
		}
	})
}
