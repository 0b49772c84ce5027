package cli

import (
	"context"
	"errors"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"
)

// runDev runs the API (with relay and IPFS gateway) and the indexer in one process, against
// the Postgres and chain that scripts/dev.sh starts. Flags are the union of `parley api` and
// `parley indexer`.
func runDev(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet("dev", env)
	var a apiFlags
	a.register(fs)
	var ix indexerFlags
	fs.stringVar(&ix.deployment, "deployment", "PARLEY_DEPLOYMENT", "contracts/deployments/31337.json", "contract deployment file written by the deploy script")
	fs.uint64Var(&ix.finalityDepth, "finality-depth", "PARLEY_FINALITY_DEPTH", 2, "blocks behind head treated as final")
	if err := fs.parse(args); err != nil {
		return err
	}
	// The indexer shares the API's database and RPC settings.
	ix.rpcURL, ix.databaseURL = a.rpcURL, a.databaseURL
	if err := runMigrate(ctx, env, []string{"-database-url", a.databaseURL}); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return startIndexer(ctx, env, ix, reg) })
	g.Go(func() error { return startAPI(ctx, env, a, reg) })
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
