// Command parley is Parley's one binary: API, indexer, migrations and the local dev stack.
package main

import (
	"os"

	"github.com/parleychat/parley/cmd/parley/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args, os.Stdout, os.Stderr, os.Getenv))
}
