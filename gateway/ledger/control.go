package ledger

import (
	"context"
	"database/sql"
	"fmt"
)

// Control number kinds, each counted per trading partner.
const (
	ISA13 = "isa13"
	GS06  = "gs06"
	ST02  = "st02"
)

// MaxControlNumber is the largest ISA13, GS06 and ST02 the ledger hands out
// (nine digits). It never wraps: a payer rejects a reused ISA13 (TA1 note
// 020), so running out is an error an operator must see.
const MaxControlNumber = 999_999_999

// AllocateControl reserves n consecutive control numbers of a kind for a
// trading partner and returns the first. It is one transaction: two
// replicas allocating at once get different numbers, and a number is
// never handed out twice, across restarts, usage indicators T and P, and
// whatever happens to the file it was meant for.
func (l *Ledger) AllocateControl(ctx context.Context, partner, kind string, n int) (first int64, err error) {
	err = l.inTx(ctx, func(tx *sql.Tx) error {
		first, err = allocate(ctx, tx, partner, kind, n)
		return err
	})
	return first, err
}

func allocate(ctx context.Context, tx runner, partner, kind string, n int) (int64, error) {
	if n < 1 {
		return 0, fmt.Errorf("ledger: allocate %d control numbers", n)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO control_numbers (partner, kind, last) VALUES ($1, $2, 0) ON CONFLICT (partner, kind) DO NOTHING`,
		partner, kind); err != nil {
		return 0, fmt.Errorf("ledger: control numbers: %w", err)
	}
	var last int64
	if err := tx.QueryRowContext(ctx,
		`UPDATE control_numbers SET last = last + $3 WHERE partner = $1 AND kind = $2 RETURNING last`,
		partner, kind, n).Scan(&last); err != nil {
		return 0, fmt.Errorf("ledger: control numbers: %w", err)
	}
	if last > MaxControlNumber {
		return 0, fmt.Errorf("ledger: %s control numbers for %s are used up (last %d)", kind, partner, last-int64(n))
	}
	return last - int64(n) + 1, nil
}
