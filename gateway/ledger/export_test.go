package ledger

import "context"

// OpenBefore runs open, which opens a ledger, with the migrations up to
// version v only, and returns a function that applies the rest; exec runs
// a statement on the ledger as it is then.
func OpenBefore(v int, open func() *Ledger) (l *Ledger, migrate func(context.Context) error) {
	migrateUpTo = v
	defer func() { migrateUpTo = 1 << 30 }()
	l = open()
	return l, l.migrate
}

// Exec runs one statement in a transaction of its own.
func (l *Ledger) Exec(ctx context.Context, query string, args ...any) error {
	_, err := l.exec(ctx, query, args...)
	return err
}
