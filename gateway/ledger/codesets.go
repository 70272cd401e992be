package ledger

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/claimsgw/claimsgw/codeset"
)

// The table code_sets: the official code-set files and operators' lists
// the scrubber checks codes against (codeset.Bundle), imported by
// `claimsgw codesets import`.

// CodeSetFile is what the ledger keeps of an imported code-set file,
// without its content.
type CodeSetFile struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Name       string    `json:"name"`
	Version    string    `json:"version"`
	Part       string    `json:"part,omitempty"`
	FileName   string    `json:"file_name"`
	SHA256     string    `json:"sha256"`
	FileBytes  int64     `json:"file_bytes"`
	From       string    `json:"covers_from,omitempty"` // YYYY-MM-DD
	To         string    `json:"covers_to,omitempty"`   // YYYY-MM-DD; "" open-ended
	Codes      int       `json:"codes"`
	ImportedAt time.Time `json:"imported_at"`
}

// Import outcomes.
const (
	CodeSetAdded     = "added"     // a set not loaded before
	CodeSetReplaced  = "replaced"  // another file of the same kind, version and part was loaded: this one replaces it
	CodeSetUnchanged = "unchanged" // this very file was imported before
)

// ImportCodeSet parses a code-set file (codeset.Parse: kind "" tells it
// from the name) and stores it, all or nothing. The outcome says whether
// it was new, replaced a file of the same kind, version and part, or was
// there already.
func (l *Ledger) ImportCodeSet(ctx context.Context, fileName string, kind codeset.Kind, data []byte) (CodeSetFile, string, error) {
	s, err := codeset.Parse(fileName, kind, data)
	if err != nil {
		return CodeSetFile{}, "", err
	}
	f := CodeSetFile{Kind: string(s.Kind), Name: s.Name, Version: s.Version, Part: s.Part, FileName: fileName,
		SHA256: sum256(data), FileBytes: int64(len(data)), From: s.From.String(), To: s.To.String(), Codes: s.Codes}
	var packed bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&packed, gzip.BestSpeed)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return CodeSetFile{}, "", err
	}
	outcome := CodeSetAdded
	err = l.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var sum string
		err := tx.QueryRowContext(ctx, `SELECT id, sha256 FROM code_sets WHERE kind = $1 AND version = $2 AND part = $3`,
			f.Kind, f.Version, f.Part).Scan(&id, &sum)
		switch {
		case err == nil && sum == f.SHA256:
			outcome = CodeSetUnchanged
			return nil
		case err == nil:
			outcome = CodeSetReplaced
			if _, err := tx.ExecContext(ctx, `DELETE FROM code_sets WHERE id = $1`, id); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO code_sets (kind, name, version, part, file_name, sha256, file_bytes,
			covers_from, covers_to, codes, content, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			f.Kind, f.Name, f.Version, f.Part, f.FileName, f.SHA256, f.FileBytes, f.From, f.To, f.Codes, packed.Bytes(), l.millis())
		return err
	})
	if err != nil {
		return CodeSetFile{}, "", fmt.Errorf("ledger: code set %s: %w", fileName, err)
	}
	return f, outcome, nil
}

const codeSetColumns = `id, kind, name, version, part, file_name, sha256, file_bytes, covers_from, covers_to, codes, imported_at`

func scanCodeSetFile(row scanner) (CodeSetFile, error) {
	var f CodeSetFile
	var at int64
	err := row.Scan(&f.ID, &f.Kind, &f.Name, &f.Version, &f.Part, &f.FileName, &f.SHA256, &f.FileBytes, &f.From, &f.To, &f.Codes, &at)
	f.ImportedAt = fromMillis(at)
	return f, err
}

// CodeSetFiles lists the imported code-set files, oldest first.
func (l *Ledger) CodeSetFiles(ctx context.Context) ([]CodeSetFile, error) {
	return queryAll(ctx, l.db, "code sets", `SELECT `+codeSetColumns+` FROM code_sets ORDER BY id`, nil, scanCodeSetFile)
}

// CodeSetStamp changes whenever a code set is imported or replaced: the
// daemon compares it to know when to load the sets again.
func (l *Ledger) CodeSetStamp(ctx context.Context) (string, error) {
	var n, newest int64
	if err := l.db.QueryRowContext(ctx, `SELECT count(*), COALESCE(max(id), 0) FROM code_sets`).Scan(&n, &newest); err != nil {
		return "", fmt.Errorf("ledger: code sets: %w", err)
	}
	return fmt.Sprintf("%d/%d", n, newest), nil
}

// CodeSets loads every imported code set, parsed, as one bundle, and the
// stamp it was loaded at. With none imported, the bundle is empty.
func (l *Ledger) CodeSets(ctx context.Context) (*codeset.Bundle, string, error) {
	stamp, err := l.CodeSetStamp(ctx)
	if err != nil {
		return nil, "", err
	}
	var sets []*codeset.Set
	err = queryEach(ctx, l.db, "code sets", `SELECT file_name, kind, content FROM code_sets ORDER BY id`, nil, func(row scanner) error {
		var name, kind string
		var packed []byte
		if err := row.Scan(&name, &kind, &packed); err != nil {
			return err
		}
		zr, err := gzip.NewReader(bytes.NewReader(packed))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		s, err := codeset.Parse(name, codeset.Kind(kind), data)
		if err != nil {
			return err
		}
		sets = append(sets, s)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return codeset.NewBundle(sets), stamp, nil
}
