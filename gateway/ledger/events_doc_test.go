package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/claimsgw/claimsgw/gateway/ledger"
	"github.com/claimsgw/claimsgw/gateway/ledger/ledgertest"
)

// docs/gateway.md's claim events are events as the ledger writes them:
// each reads into an Event, fields and formats as its JSON has them, and
// the examples of an invalid encounter and its correction have the keys
// the ledger's events of the same have, problems and revision included.
// Before, the one example had neither.
func TestClaimEventExamples(t *testing.T) {
	b, err := os.ReadFile("../../docs/gateway.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Claim lifecycle\n")
	section, _, _ = strings.Cut(section, "\n## ")
	if !ok {
		t.Fatal("docs/gateway.md has no Claim lifecycle section")
	}
	var examples []map[string]any
	for _, block := range strings.Split(section, "```json\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		dec := json.NewDecoder(strings.NewReader(block))
		for {
			var raw json.RawMessage
			if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("docs/gateway.md: an event that is not JSON: %v\n%s", err, block)
			}
			strict := json.NewDecoder(bytes.NewReader(raw))
			strict.DisallowUnknownFields()
			var ev ledger.Event
			if err := strict.Decode(&ev); err != nil {
				t.Errorf("docs/gateway.md: not an event: %v\n%s", err, raw)
				continue
			}
			again, _ := json.Marshal(ev)
			var doc, code map[string]any
			json.Unmarshal(raw, &doc)
			json.Unmarshal(again, &code)
			if !reflect.DeepEqual(doc, code) {
				t.Errorf("docs/gateway.md's event\n%s\nis, as the ledger writes it,\n%s", raw, again)
			}
			examples = append(examples, doc)
		}
	}
	find := func(evs []map[string]any, status, from string) map[string]any {
		for _, e := range evs {
			if e["status"] == status && e["from"] == from && e["source"] == "intake" {
				return e
			}
		}
		return nil
	}

	l := ledgertest.SQLite(t)
	ctx := context.Background()
	for _, ec := range []ledger.EncounterClaim{revised("EV1", false, "first"), revised("EV1", true, "second")} {
		if _, err := l.RecordEncounters(ctx, []ledger.EncounterClaim{ec}); err != nil {
			t.Fatal(err)
		}
	}
	var events []map[string]any
	if _, err := l.RelayEvents(ctx, func(evs []ledger.Event) error {
		for _, ev := range evs {
			b, _ := json.Marshal(ev)
			var m map[string]any
			json.Unmarshal(b, &m)
			events = append(events, m)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ status, from, key string }{{"invalid", "received", "problems"}, {"queued", "invalid", "revision"}} {
		doc, real := find(examples, c.status, c.from), find(events, c.status, c.from)
		if real == nil || real[c.key] == nil {
			t.Fatalf("the ledger's %s → %s event has no %s: %v", c.from, c.status, c.key, events)
		}
		if doc == nil {
			t.Errorf("docs/gateway.md has no example of the %s → %s event (with %s)", c.from, c.status, c.key)
			continue
		}
		if got, want := slices.Sorted(maps.Keys(doc)), slices.Sorted(maps.Keys(real)); !slices.Equal(got, want) {
			t.Errorf("docs/gateway.md's %s → %s event has the keys %v, the ledger's %v", c.from, c.status, got, want)
		}
	}
}
