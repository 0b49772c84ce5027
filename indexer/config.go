package indexer

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
)

// Config configures an Indexer; zero fields take the defaults noted on each.
type Config struct {
	// ChainID is the expected chain id; Run fails when the RPC reports another. Required.
	ChainID uint64
	// Registry is the DeviceRegistry contract address. Required.
	Registry common.Address
	// TipJar is the TipJar contract address. Required.
	TipJar common.Address
	// StartBlock is the first block to index (the contracts' deployment block).
	StartBlock uint64
	// FinalityDepth, when set, treats head-FinalityDepth as finalized instead of asking the
	// node for its "finalized" block (which is used when this is 0, falling back to 64).
	FinalityDepth uint64
	// InitialRange is the first eth_getLogs block range of a backfill. Default 2000.
	InitialRange uint64
	// MaxRange caps the eth_getLogs block range. Default 10000.
	MaxRange uint64
	// TargetRangeLogs is how many logs a backfill eth_getLogs range aims at: ranges grow while
	// they return at most half of it and shrink in proportion when they return more (huge
	// responses cost the node and the client more than their size). Default 10,000.
	TargetRangeLogs uint64
	// GetLogsParallel is how many concurrent eth_getLogs requests a backfill range is split
	// into, over equal block ranges. Default 2.
	GetLogsParallel int
	// PollInterval is how often the head is polled when the RPC has no subscriptions. Default 1s.
	PollInterval time.Duration
	// StaleHeadTimeout is how long without a new head before the subscription is replaced by a
	// poll. Default 30s.
	StaleHeadTimeout time.Duration
	// RPCTimeout bounds each RPC call. Default 30s.
	RPCTimeout time.Duration
	// RetryBase and RetryMax bound the jittered exponential backoff of retryable RPC errors.
	// Defaults 100ms and 10s.
	RetryBase, RetryMax time.Duration
	// Logger receives the indexer's logs. Default slog.Default().
	Logger *slog.Logger
	// Registerer receives the Prometheus metrics. Default: metrics are not registered.
	Registerer prometheus.Registerer
}

// defaultFinalityDepth is the depth used when the node has no "finalized" block.
const defaultFinalityDepth = 64

// ErrInvalidConfig is returned by New for a Config missing a required field.
var ErrInvalidConfig = errors.New("indexer: invalid config")

func (c Config) withDefaults() (Config, error) {
	if c.ChainID == 0 {
		return c, fmt.Errorf("%w: chain id is required", ErrInvalidConfig)
	}
	if c.Registry == (common.Address{}) || c.TipJar == (common.Address{}) {
		return c, fmt.Errorf("%w: registry and tip jar addresses are required", ErrInvalidConfig)
	}
	c.MaxRange = cmp.Or(c.MaxRange, 10000)
	c.InitialRange = min(cmp.Or(c.InitialRange, 2000), c.MaxRange)
	c.TargetRangeLogs = cmp.Or(c.TargetRangeLogs, 10000)
	c.GetLogsParallel = max(cmp.Or(c.GetLogsParallel, 2), 1)
	c.PollInterval = cmp.Or(c.PollInterval, time.Second)
	c.StaleHeadTimeout = cmp.Or(c.StaleHeadTimeout, 30*time.Second)
	c.RPCTimeout = cmp.Or(c.RPCTimeout, 30*time.Second)
	c.RetryBase = cmp.Or(c.RetryBase, 100*time.Millisecond)
	c.RetryMax = cmp.Or(c.RetryMax, 10*time.Second)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Logger = c.Logger.With("component", "indexer", "chain_id", c.ChainID)
	return c, nil
}
