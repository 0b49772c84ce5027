package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/parleychat/parley/indexer"
	"github.com/parleychat/parley/internal/deployment"
	"github.com/parleychat/parley/internal/store"
)

// indexerFlags are the settings of `parley indexer`.
type indexerFlags struct {
	databaseURL   string
	rpcURL        string
	deployment    string
	finalityDepth uint64
	metricsAddr   string
}

func (f *indexerFlags) register(fs *flagSet) {
	fs.stringVar(&f.databaseURL, "database-url", store.EnvDatabaseURL, "", "Postgres connection URL")
	fs.stringVar(&f.rpcURL, "rpc-url", "PARLEY_RPC_URL", "ws://127.0.0.1:8545", "Ethereum JSON-RPC endpoint (ws:// enables newHeads subscriptions)")
	fs.stringVar(&f.deployment, "deployment", "PARLEY_DEPLOYMENT", "contracts/deployments/31337.json", "contract deployment file written by the deploy script")
	fs.uint64Var(&f.finalityDepth, "finality-depth", "PARLEY_FINALITY_DEPTH", 0, "blocks behind head treated as final; 0 asks the node for its finalized block")
}

func runIndexer(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet("indexer", env)
	var f indexerFlags
	f.register(fs)
	fs.stringVar(&f.metricsAddr, "metrics-addr", "PARLEY_METRICS_ADDR", "127.0.0.1:9101", "address serving /metrics; empty disables it")
	if err := fs.parse(args); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if f.metricsAddr != "" {
		srv := &http.Server{Addr: f.metricsAddr, Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				env.Log.Error("metrics server stopped", "component", "indexer", "err", err)
			}
		}()
		defer srv.Close()
	}
	return startIndexer(ctx, env, f, reg)
}

// startIndexer migrates the database and runs the indexer until ctx ends; `parley dev` reuses it.
func startIndexer(ctx context.Context, env *Env, f indexerFlags, reg prometheus.Registerer) error {
	dep, err := deployment.Load(f.deployment)
	if err != nil {
		return err
	}
	pool, err := store.Open(ctx, f.databaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := store.Migrate(ctx, pool); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Large eth_getLogs answers need more than go-ethereum's 32 MiB WebSocket frame default.
	rpcClient, err := rpc.DialOptions(ctx, f.rpcURL, rpc.WithWebsocketMessageSizeLimit(512<<20))
	if err != nil {
		return fmt.Errorf("dial rpc %s: %w", f.rpcURL, err)
	}
	client := ethclient.NewClient(rpcClient)
	defer client.Close()
	ix, err := indexer.New(indexer.Config{
		ChainID:       dep.ChainID,
		Registry:      dep.DeviceRegistry,
		TipJar:        dep.TipJar,
		StartBlock:    dep.StartBlock,
		FinalityDepth: f.finalityDepth,
		Logger:        env.Log,
		Registerer:    reg,
	}, pool, client)
	if err != nil {
		return err
	}
	env.Log.Info("indexer starting", "component", "indexer", "chain_id", dep.ChainID, "registry", dep.DeviceRegistry, "tip_jar", dep.TipJar)
	if err := ix.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
