package indexer

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// metrics are the indexer's Prometheus series.
type metrics struct {
	head, indexed, finalized, lag prometheus.Gauge
	rangeSize                     prometheus.Gauge
	rows                          *prometheus.CounterVec
	reorgs                        prometheus.Counter
	rpcErrors                     *prometheus.CounterVec
	leader                        prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	f := promauto.With(reg)
	g := func(name, help string) prometheus.Gauge {
		return f.NewGauge(prometheus.GaugeOpts{Namespace: "parley", Subsystem: "indexer", Name: name, Help: help})
	}
	return &metrics{
		head:      g("head_block", "Latest block number reported by the RPC."),
		indexed:   g("indexed_block", "Last block whose logs are committed."),
		finalized: g("finalized_block", "Finalized block number used for reorg safety."),
		lag:       g("lag_blocks", "Head minus indexed block."),
		rangeSize: g("getlogs_range_blocks", "Current eth_getLogs block range of the backfill."),
		leader:    g("leader", "1 while this instance holds the indexer lock."),
		rows: f.NewCounterVec(prometheus.CounterOpts{Namespace: "parley", Subsystem: "indexer",
			Name: "rows_written_total", Help: "Event rows inserted, by table."}, []string{"table"}),
		reorgs: f.NewCounter(prometheus.CounterOpts{Namespace: "parley", Subsystem: "indexer",
			Name: "reorgs_total", Help: "Chain reorganizations rolled back."}),
		rpcErrors: f.NewCounterVec(prometheus.CounterOpts{Namespace: "parley", Subsystem: "indexer",
			Name: "rpc_errors_total", Help: "RPC errors, by method and kind (range, retryable, fatal)."},
			[]string{"method", "kind"}),
	}
}
