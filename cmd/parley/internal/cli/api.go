package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/parleychat/parley/api"
	"github.com/parleychat/parley/api/relay"
	"github.com/parleychat/parley/internal/ipfs"
	"github.com/parleychat/parley/internal/protocol"
	"github.com/parleychat/parley/internal/store"
	"github.com/parleychat/parley/web"
)

// apiFlags are the settings of `parley api` beyond the PARLEY_API_* ones that api.ConfigFromEnv reads.
type apiFlags struct {
	databaseURL string
	rpcURL      string
	ipfsDir     string
	historyTTL  time.Duration
	webDir      string
}

func (f *apiFlags) register(fs *flagSet) {
	fs.stringVar(&f.databaseURL, "database-url", store.EnvDatabaseURL, "", "Postgres connection URL")
	fs.stringVar(&f.rpcURL, "rpc-url", "PARLEY_RPC_URL", "ws://127.0.0.1:8545", "Ethereum JSON-RPC endpoint (ERC-1271 checks, gasless registrations); empty disables both")
	fs.stringVar(&f.ipfsDir, "ipfs-dir", "PARLEY_IPFS_DIR", ".data/ipfs", "directory of the embedded IPFS node's blockstore")
	fs.durationVar(&f.historyTTL, "history-ttl", "PARLEY_HISTORY_TTL", 0, "unpin and garbage-collect envelopes older than this; 0 keeps them")
	fs.stringVar(&f.webDir, "web-dir", "PARLEY_WEB_DIR", "", "serve the web app from this directory (a web/dist build) instead of the one embedded in the binary")
}

func runAPI(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet("api", env)
	var f apiFlags
	f.register(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	return startAPI(ctx, env, f, nil)
}

// startAPI serves the HTTP API, the WebSocket relay and the IPFS gateway until ctx ends;
// `parley dev` reuses it. /metrics serves reg (nil: a private registry).
func startAPI(ctx context.Context, env *Env, f apiFlags, reg *prometheus.Registry) error {
	cfg, err := api.ConfigFromEnv(env.Getenv)
	if err != nil {
		return err
	}
	pool, err := store.Open(ctx, f.databaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	node, err := ipfs.Open(ctx, ipfs.Config{Dir: f.ipfsDir, MaxBlockSize: protocol.MaxEnvelopeSize, Logger: env.Log.With("component", "ipfs")})
	if err != nil {
		return err
	}
	defer node.Close()

	deps := api.Deps{DB: pool, Blocks: node, Log: env.Log, Registry: reg}
	if f.rpcURL != "" {
		client, err := ethclient.DialContext(ctx, f.rpcURL)
		if err != nil {
			return fmt.Errorf("dial rpc %s: %w", f.rpcURL, err)
		}
		defer client.Close()
		deps.Chain, deps.Backend = client, client
	}

	// The relay authenticates sockets with the API's sessions, so it is built first and
	// handed the server's check through this indirection.
	var server *api.Server
	rl, err := relay.New(relay.Config{
		ChainID:        cmp.Or(cfg.DeviceChainID, int64(firstOr(cfg.ChainIDs, 31337))),
		AllowedOrigins: append([]string{cmp.Or(cfg.PublicURL, "http://127.0.0.1:8080")}, cfg.AllowedOrigins...),
	}, relay.Deps{
		Authenticate: func(r *http.Request) (relay.Principal, error) {
			p, err := server.AuthenticateSocket(withQueryToken(r))
			if err != nil {
				return relay.Principal{}, err
			}
			return relay.Principal{Account: common.HexToAddress(p.Account), SessionID: p.SessionID.String(), DeviceID: p.DeviceID}, nil
		},
		Pool:   pool,
		IPFS:   node,
		Logger: env.Log,
	})
	if err != nil {
		return err
	}
	app, err := web.Handler(web.Config{Dir: f.webDir, ConnectSrc: rpcSources(f.rpcURL), RPCURL: browserRPC(f.rpcURL)})
	if err != nil {
		return err
	}
	sockets := rl.Handler()
	deps.Mounts = []api.Mount{
		{Method: http.MethodGet, Path: "/v1/ws", Handler: sockets},
		{Method: http.MethodGet, Path: "/v1/rooms/:id/ws", Handler: sockets},
		{Path: "/ipfs/*", Handler: node.GatewayHandler()},
		// The web app answers every path no route above or in the API claims.
		{Path: "/*", Handler: app},
	}
	if server, err = api.New(cfg, deps); err != nil {
		return err
	}

	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return server.Run(ctx) })
	g.Go(func() error { return rl.Run(ctx) })
	if f.historyTTL > 0 {
		g.Go(func() error { return retainHistory(ctx, env, node, f.historyTTL) })
	}
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// retainHistory unpins envelopes older than ttl and garbage-collects them, every ttl/10
// (at least a minute), until ctx ends.
func retainHistory(ctx context.Context, env *Env, node *ipfs.Node, ttl time.Duration) error {
	tick := time.NewTicker(max(ttl/10, time.Minute))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-tick.C:
			unpinned, err := node.UnpinOlderThan(ctx, now.Add(-ttl))
			if err != nil {
				env.Log.Warn("history retention: unpin", "component", "ipfs", "err", err)
				continue
			}
			removed, err := node.GC(ctx)
			if err != nil {
				env.Log.Warn("history retention: gc", "component", "ipfs", "err", err)
				continue
			}
			env.Log.Info("history retention", "component", "ipfs", "unpinned", unpinned, "removed", removed)
		}
	}
}

// withQueryToken returns r with its access_token query parameter as a bearer Authorization
// header when it has no such header: browsers cannot set headers on a WebSocket handshake.
func withQueryToken(r *http.Request) *http.Request {
	token := r.URL.Query().Get("access_token")
	if token == "" || r.Header.Get("Authorization") != "" {
		return r
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

// rpcSources are the origins of the chain RPC endpoint over HTTP and WebSocket, which the web
// app may reach; none when rpcURL is empty.
func rpcSources(rpcURL string) []string {
	u, err := url.Parse(rpcURL)
	if err != nil || u.Host == "" {
		return nil
	}
	twin := map[string]string{"ws": "http", "wss": "https", "http": "ws", "https": "wss"}[u.Scheme]
	if twin == "" {
		return []string{rpcURL}
	}
	return []string{u.Scheme + "://" + u.Host, twin + "://" + u.Host}
}

// browserRPC is the chain RPC endpoint over HTTP(S), as the web app calls it without a wallet;
// empty when rpcURL is empty or not an RPC URL.
func browserRPC(rpcURL string) string {
	u, err := url.Parse(rpcURL)
	if err != nil || u.Host == "" {
		return ""
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	case "http", "https":
	default:
		return ""
	}
	return u.String()
}

func firstOr(xs []int, def int) int {
	if len(xs) == 0 {
		return def
	}
	return xs[0]
}
