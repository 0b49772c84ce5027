package main

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/syndtr/goleveldb/leveldb"
)

func TestRun(t *testing.T) {
	t.Parallel()
	const needle = "meet me at the usual place"
	tests := []struct {
		name    string
		block   string
		file    string
		wantErr error
	}{
		{name: "ciphertext only", block: "\x01\x02\x03 sealed bytes", wantErr: nil},
		{name: "raw plaintext", block: "prefix " + needle + " suffix", wantErr: errFound},
		{name: "hex plaintext", block: `{"m":"` + hex.EncodeToString([]byte(needle)) + `"}`, wantErr: errFound},
		{name: "base64 plaintext at offset 0", block: base64.StdEncoding.EncodeToString([]byte(needle)), wantErr: errFound},
		{name: "base64 plaintext at offset 1", block: base64.StdEncoding.EncodeToString([]byte("x" + needle + "y")), wantErr: errFound},
		{name: "base64url plaintext at offset 2", block: base64.RawURLEncoding.EncodeToString([]byte("xy" + needle)), wantErr: errFound},
		{name: "plaintext in the dump", block: "sealed", file: "INSERT INTO t VALUES ('" + needle + "');", wantErr: errFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			repo := filepath.Join(dir, "ipfs")
			db, err := leveldb.OpenFile(repo, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Put([]byte("/blocks/CIQA"), []byte(tt.block), nil); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			var files []string
			if tt.file != "" {
				f := filepath.Join(dir, "dump.sql")
				if err := os.WriteFile(f, []byte(tt.file), 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			if err := run(io.Discard, repo, []string{needle}, files); !errors.Is(err, tt.wantErr) {
				t.Fatalf("run = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestRunEmptyRepo(t *testing.T) {
	t.Parallel()
	repo := filepath.Join(t.TempDir(), "ipfs")
	db, err := leveldb.OpenFile(repo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := run(io.Discard, repo, []string{"x"}, nil); err == nil {
		t.Fatal("run on a repository without blocks succeeded")
	}
}
