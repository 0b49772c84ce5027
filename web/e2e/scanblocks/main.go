// Command scanblocks checks that an IPFS repository of parley's embedded node (a LevelDB
// datastore) and any other files hold none of the given plaintexts, in raw, hex or base64
// form. It reads every LevelDB entry (blocks, pins, pin times), so compression on disk cannot
// hide a match. It exits 1 on a match or when the repository holds no block at all.
//
//	go run ./web/e2e/scanblocks -repo .data/dev/ipfs -needle 'hello bob' -file dump.sql
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

// list is a repeatable string flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var repo string
	var needles, files list
	flag.StringVar(&repo, "repo", "", "directory of the IPFS node's LevelDB datastore")
	flag.Var(&needles, "needle", "plaintext that must not occur (repeatable)")
	flag.Var(&files, "file", "another file that must not hold a needle, e.g. a pg_dump (repeatable)")
	flag.Parse()
	if err := run(os.Stdout, repo, needles, files); err != nil {
		fmt.Fprintln(os.Stderr, "scanblocks:", err)
		os.Exit(1)
	}
}

// errFound reports a needle found where it must not be.
var errFound = errors.New("plaintext found")

func run(w io.Writer, repo string, needles, files []string) error {
	if repo == "" || len(needles) == 0 {
		return errors.New("-repo and at least one -needle are required")
	}
	patterns := map[string][][]byte{}
	for _, n := range needles {
		patterns[n] = encodings([]byte(n))
	}
	var found []string
	check := func(where string, data []byte) {
		for n, ps := range patterns {
			for _, p := range ps {
				if bytes.Contains(data, p) {
					found = append(found, fmt.Sprintf("%q in %s", n, where))
					break
				}
			}
		}
	}

	db, err := leveldb.OpenFile(repo, &opt.Options{ReadOnly: true, ErrorIfMissing: true})
	if err != nil {
		return fmt.Errorf("open %s: %w", repo, err)
	}
	defer db.Close()
	it := db.NewIterator(nil, nil)
	entries, blocks := 0, 0
	for it.Next() {
		entries++
		if bytes.HasPrefix(it.Key(), []byte("/blocks/")) {
			blocks++
		}
		check("entry "+string(it.Key()), it.Value())
		check("key "+string(it.Key()), it.Key())
	}
	it.Release()
	if err := it.Error(); err != nil {
		return fmt.Errorf("iterate %s: %w", repo, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		check(f, data)
	}
	fmt.Fprintf(w, "scanblocks: %d entries, %d blocks, %d files, %d needles: %d matches\n", entries, blocks, len(files), len(needles), len(found))
	if len(found) > 0 {
		return fmt.Errorf("%w: %s", errFound, strings.Join(found, "; "))
	}
	if blocks == 0 {
		return fmt.Errorf("%s holds no block: nothing was scanned", repo)
	}
	return nil
}

// encodings are the byte strings that reveal b: itself, hex, and base64 (standard and URL
// alphabets) at each of the three alignments b can have inside a longer encoded text.
func encodings(b []byte) [][]byte {
	out := [][]byte{b, []byte(hex.EncodeToString(b))}
	for shift := range 3 {
		padded := append(make([]byte, shift), b...)
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			s := enc.EncodeToString(padded)
			// Drop the characters that mix in the padding bytes and the last, partial group.
			start, end := (shift*4+2)/3, len(padded)/3*4
			if end-start >= 4 {
				out = append(out, []byte(s[start:end]))
			}
		}
	}
	return out
}
