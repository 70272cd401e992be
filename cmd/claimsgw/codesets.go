package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/claimsgw/claimsgw/codeset"
	"github.com/claimsgw/claimsgw/gateway/ledger"
)

// claimsgw codesets import|list: the official code sets and operators'
// lists the scrubber checks codes against, kept in the ledger
// (docs/codesets.md).

func codesetsImport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("import", stderr, `claimsgw codesets import [--data DIR | --config FILE] [--kind K] FILE...`)
	lf := addLedgerFlags(fs)
	kind := fs.String("kind", "", "what the files are, when their names are not the publisher's: "+kindNames())
	files, ok := parseFiles(fs, args)
	if !ok {
		return exitUnreadable
	}
	if *kind != "" && !slices.Contains(codeset.Kinds, codeset.Kind(*kind)) {
		fmt.Fprintf(stderr, "claimsgw codesets import: --kind %q: want one of %s\n", *kind, kindNames())
		return exitUnreadable
	}
	lf.create = true
	return lf.with(stderr, "codesets import", func(ctx context.Context, l *ledger.Ledger) int {
		code := exitOK
		for _, name := range files {
			data, err := readAll(name, stdin)
			if err != nil {
				fmt.Fprintf(stderr, "claimsgw codesets import: %v\n", err)
				code = max(code, exitUnreadable)
				continue
			}
			f, outcome, err := l.ImportCodeSet(ctx, filepath.Base(name), codeset.Kind(*kind), data)
			if err != nil {
				fmt.Fprintf(stderr, "claimsgw codesets import: %v\n", err)
				code = max(code, exitInvalid)
				continue
			}
			fmt.Fprintf(stdout, "%s: %s, %s (%d codes%s)\n", name, f.Name, outcome, f.Codes, covers(f))
		}
		return code
	})
}

func readAll(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}

func kindNames() string {
	names := make([]string, len(codeset.Kinds))
	for i, k := range codeset.Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// covers says which dates of service a set covers.
func covers(f ledger.CodeSetFile) string {
	switch {
	case f.From == "" && f.To == "":
		return ""
	case f.To == "":
		return ", from " + f.From
	}
	return ", " + f.From + " to " + f.To
}

// listedSet is a line of `codesets list`.
type listedSet struct {
	ledger.CodeSetFile
	MemoryBytes int64 `json:"memory_bytes"`
}

func codesetsList(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("list", stderr, `claimsgw codesets list [--data DIR | --config FILE] [--json]`)
	lf := addLedgerFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON for machines")
	if _, err := parse(fs, args); err != nil {
		return exitUnreadable
	}
	return lf.with(stderr, "codesets list", func(ctx context.Context, l *ledger.Ledger) int {
		files, err := l.CodeSetFiles(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw codesets list: %v\n", err)
			return exitUnreadable
		}
		// Loaded as the daemon loads them: their memory is measured, the
		// heap's growth beside the sets' own estimates.
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		b, _, err := l.CodeSets(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "claimsgw codesets list: %v\n", err)
			return exitUnreadable
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		sets := b.Sets()
		list := make([]listedSet, 0, len(files))
		for _, f := range files {
			ls := listedSet{CodeSetFile: f}
			for _, s := range sets {
				if string(s.Kind) == f.Kind && s.Version == f.Version && s.Part == f.Part {
					ls.MemoryBytes = s.MemoryBytes()
				}
			}
			list = append(list, ls)
		}
		runtime.KeepAlive(b)
		if *asJSON {
			writeJSON(stdout, map[string]any{"code_sets": list, "heap_bytes": max(heap, 0)})
			return exitOK
		}
		if len(list) == 0 {
			fmt.Fprintln(stdout, "code sets: none loaded (structure only); claimsgw codesets import FILE... loads them (docs/codesets.md)")
			return exitOK
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "KIND\tNAME\tVERSION\tCOVERS\tCODES\tMEMORY\tFILE\tIMPORTED")
		for _, s := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", s.Kind, s.Name, strings.TrimSuffix(s.Version+"/"+s.Part, "/"),
				strings.TrimPrefix(covers(s.CodeSetFile), ", "), s.Codes, megabytes(s.MemoryBytes), s.FileName, s.ImportedAt.Format("2006-01-02 15:04"))
		}
		tw.Flush()
		fmt.Fprintf(stdout, "%d sets, %s of heap once loaded\n", len(list), megabytes(max(heap, 0)))
		return exitOK
	})
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
