package api_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/claimsgw/claimsgw/gateway/api"
	"github.com/claimsgw/claimsgw/gateway/gatewaytest"
	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// shownClaim is GET /v1/claims/{id} as far as these tests read it.
type shownClaim struct {
	History []map[string]any `json:"history"`
	Files   []struct {
		ISA13 int64 `json:"isa13"`
		GS06  int64 `json:"gs06"`
		ST02  int64 `json:"st02"`
	} `json:"files"`
}

// answered is the transaction docs/api.md documents for a change of
// kind TA1 or 999: the ISA13/GS06/ST02 of the 837 set answered, as the
// 837 carries them.
func (c shownClaim) answered(file int) string {
	f := c.Files[file]
	return fmt.Sprintf("%09d/%d/%04d", f.ISA13, f.GS06, f.ST02)
}

// A TA1 or 999 change of a claim names, in transaction, the 837 set it
// answers (ISA13/GS06/ST02), as docs/api.md says, and as its example of
// GET /v1/claims/{id} shows it; the example has the keys the API
// returns, no more, no fewer. Before, the ledger recorded the 999's own
// ST02 ("0001" whichever 837 it answered) and nothing for a TA1, where
// the doc promised the set answered.
func TestAcknowledgmentNamesTheSetItAnswers(t *testing.T) {
	doc := docClaimExample(t)
	for _, ch := range doc.History {
		if k := ch["kind"]; k == "999" || k == "TA1" {
			if ch["transaction"] != doc.answered(0) {
				t.Errorf("docs/api.md: the %s change's transaction is %v, its files entry says %s", k, ch["transaction"], doc.answered(0))
			}
		}
	}
	ledgertest.Each(t, func(t *testing.T, l *ledger.Ledger) {
		h := gatewaytest.New(t, l)
		f := h.Submit(gatewaytest.EncounterJSON("ACK1", 10000), gatewaytest.EncounterJSON("ACK2", 5000))
		set := gatewaytest.FileClaim(t, f, "ACK2")
		h.Apply("999", gatewaytest.Interchange("FA", "005010X231A1", "999", []string{
			fmt.Sprintf("AK1*HC*%d*005010X222A1", set.GS06), fmt.Sprintf("AK2*837*%04d*005010X222A1", set.ST02), "IK5*A", "AK9*A*1*1*1"}))
		rejected := h.Submit(gatewaytest.EncounterJSON("TA1R", 10000))
		h.Apply("TA1", fmt.Sprintf("ISA*00*          *00*          *ZZ*SIMPAYER       *ZZ*CLAIMSGW       *261123*1200*^*00501*000000781*0*T*:~\n"+
			"TA1*%09d*261123*1200*R*025~\nIEA*0*000000781~\n", rejected.ISA13))

		srv := httptest.NewServer(api.New(l, &fakeIntake{}, api.Options{Log: zerolog.Nop()}))
		defer srv.Close()
		for id, kind := range map[string]string{"ACK2": "999", "TA1R": "TA1"} {
			resp, body := do(t, srv, call{"GET", "/v1/claims/" + id, "", 200, ""})
			var c shownClaim
			if err := json.Unmarshal([]byte(body), &c); err != nil || resp.StatusCode != 200 || len(c.Files) != 1 {
				t.Fatalf("GET /v1/claims/%s: %d %v\n%s", id, resp.StatusCode, err, body)
			}
			var got []any
			for _, ch := range c.History {
				if ch["kind"] == kind {
					got = append(got, ch["transaction"])
				}
			}
			if len(got) != 1 || got[0] != c.answered(0) {
				t.Errorf("%s: the %s change's transaction %v, want the 837 set it answers, %s", id, kind, got, c.answered(0))
			}
			if id == "ACK2" {
				var api map[string]any
				if err := json.Unmarshal([]byte(body), &api); err != nil {
					t.Fatal(err)
				}
				var example map[string]any
				if err := json.Unmarshal(doc.raw, &example); err != nil {
					t.Fatal(err)
				}
				if got, want := keys(example), keys(api); !slices.Equal(got, want) {
					t.Errorf("docs/api.md's claim has the keys %v, the API's %v", got, want)
				}
				if got, want := keys(doc.History[0]), keys(c.History[0]); !slices.Equal(got, want) {
					t.Errorf("docs/api.md's history change has the keys %v, the API's %v", got, want)
				}
			}
		}
	})
}

// docExample is docs/api.md's example of GET /v1/claims/{id}.
type docExample struct {
	shownClaim
	raw []byte
}

func docClaimExample(t *testing.T) docExample {
	t.Helper()
	b, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## GET /v1/claims/{id}\n")
	_, block, ok2 := strings.Cut(section, "```json\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("docs/api.md has no JSON example under GET /v1/claims/{id}")
	}
	var d docExample
	d.raw = []byte(block)
	if err := json.Unmarshal(d.raw, &d.shownClaim); err != nil || len(d.Files) == 0 || len(d.History) == 0 {
		t.Fatalf("docs/api.md's claim example: %v\n%s", err, block)
	}
	return d
}

func keys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
