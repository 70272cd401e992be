package ledger

import (
	"fmt"
	"slices"
	"testing"
)

// Prefetch's IN lists come in ten lengths (powers of two up to 512),
// padded with the last key, and hold every key once at least, in order.
func TestChunks(t *testing.T) {
	for _, n := range []int{1, 2, 3, 200, 512, 513, 1300} {
		keys := make([]string, n)
		for i := range keys {
			keys[i] = fmt.Sprint(i)
		}
		var got []string
		for chunk := range chunks(keys) {
			if len(chunk)&(len(chunk)-1) != 0 || len(chunk) > prefetchChunk {
				t.Errorf("%d keys: a chunk of %d", n, len(chunk))
			}
			got = append(got, slices.Compact(chunk)...)
		}
		if !slices.Equal(got, keys) {
			t.Errorf("%d keys: chunks hold %d keys, not each once in order", n, len(got))
		}
	}
}
