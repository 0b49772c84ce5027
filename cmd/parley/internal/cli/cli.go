// Package cli implements the parley binary's subcommands; cmd/parley only calls Main.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/parleychat/parley/internal/logging"
)

// command is one subcommand of the parley binary.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// Env is what every subcommand gets: output streams, a logger and environment lookup.
type Env struct {
	Stdout, Stderr io.Writer
	Log            *slog.Logger
	Getenv         func(string) string
}

// errUsage marks an error that is answered with the command's usage text.
var errUsage = errors.New("usage")

func commands() map[string]command {
	return map[string]command{
		"version": {summary: "print the version", run: runVersion},
		"api":     {summary: "serve the HTTP API, the WebSocket relay and the IPFS gateway", run: runAPI},
		"chat":    {summary: "chat end-to-end encrypted with an address in the terminal", run: runChat},
		"dev":     {summary: "run the API, relay, IPFS gateway and indexer in one process (make dev starts its Postgres and anvil)", run: runDev},
		"migrate": {summary: "apply the database migrations", run: runMigrate},
		"indexer": {summary: "follow the chain into Postgres (one leader per chain, others stand by)", run: runIndexer},
	}
}

// Version is set at build time with -ldflags "-X github.com/parleychat/parley/cmd/parley/internal/cli.Version=…".
var Version = "dev"

// Main runs the subcommand named in args[1] until it ends or SIGINT/SIGTERM, and returns the
// process exit code.
func Main(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, stdout, stderr, getenv)
}

// run is Main with the context given: the subcommand stops when ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cmds := commands()
	if len(args) < 2 || args[1] == "help" || args[1] == "-h" || args[1] == "--help" {
		usage(stderr, cmds)
		return 2
	}
	cmd, ok := cmds[args[1]]
	if !ok {
		fmt.Fprintf(stderr, "parley: unknown command %q\n\n", args[1])
		usage(stderr, cmds)
		return 2
	}
	log, err := logging.New(stderr, logging.Config{Level: getenv("PARLEY_LOG_LEVEL"), Format: getenv("PARLEY_LOG_FORMAT")})
	if err != nil {
		fmt.Fprintf(stderr, "parley: %v\n", err)
		return 2
	}
	env := &Env{Stdout: stdout, Stderr: stderr, Log: log, Getenv: getenv}
	if err := cmd.run(ctx, env, args[2:]); err != nil {
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			return 2
		}
		log.Error("command failed", "command", args[1], "err", err)
		return 1
	}
	return 0
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: parley <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
}

func runVersion(_ context.Context, env *Env, _ []string) error {
	_, err := fmt.Fprintf(env.Stdout, "parley %s\n", Version)
	return err
}
