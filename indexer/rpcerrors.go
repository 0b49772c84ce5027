package indexer

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/rpc"
)

// ErrDeepReorg is returned by Run when the chain reorganized below the finalized block: the
// indexed rows can no longer be trusted and an operator has to look.
var ErrDeepReorg = errors.New("indexer: reorg deeper than finality")

// ErrChainMismatch is returned by Run when the RPC or the stored cursor disagrees with the
// configured chain id or contracts.
var ErrChainMismatch = errors.New("indexer: chain or contracts differ from the indexed ones")

// rangeErrorTexts are substrings of eth_getLogs errors that mean "ask for fewer blocks":
// too many results or a too-large response or range, as worded by common providers.
var rangeErrorTexts = []string{
	"query returned more than",         // geth, Infura, Erigon: "query returned more than 10000 results"
	"log response size exceeded",       // Alchemy
	"query exceeds max results",        // Alchemy
	"response size exceeded",           // Alchemy, Chainstack
	"response size should not greater", // BSC-style nodes
	"exceed maximum block range",       // geth --rpc.logquerylimit style, Nethermind
	"exceeds max block range",          // QuickNode
	"eth_getlogs is limited to",        // QuickNode: "eth_getLogs is limited to a 10,000 range"
	"block range is too wide",          // Ankr
	"block range too large",            // Cloudflare
	"block range exceeds",              // Blast, dRPC
	"range is too large",               // various
	"too many results",                 // generic
	"too many logs",                    // generic
	"response is too big",              // geth rpc batch/response limit
	"response too large",               // generic
	"read limit exceeded",              // go-ethereum websocket client (32 MiB message cap)
	"max results",                      // anvil/foundry style "exceeds max results"
	"query timeout exceeded",           // Erigon/Nethermind on huge ranges
	"log limit",                        // various
	"returned more than",               // Infura variant
	"try with this block range",        // Alchemy suggestion text
}

// retryableTexts are substrings of errors worth retrying unchanged after a backoff.
var retryableTexts = []string{
	"rate limit", "too many requests", "429", "502", "503", "504", "bad gateway",
	"service unavailable", "gateway timeout", "timeout", "temporarily unavailable",
	"connection reset", "connection refused", "broken pipe", "eof", "header not found",
	"unknown block", "internal error", "try again", "capacity exceeded", "exceeded its", "request rate exceeded",
}

// isRangeError reports whether err asks for a smaller eth_getLogs block range.
func isRangeError(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true // a huge range can time out
	}
	return containsAny(strings.ToLower(err.Error()), rangeErrorTexts)
}

// isRetryable reports whether repeating the same call later may succeed.
func isRetryable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var httpErr rpc.HTTPError
	if errors.As(err, &httpErr) {
		return httpErr.StatusCode == 429 || httpErr.StatusCode >= 500
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.As(err, &netErr) {
		return true
	}
	return containsAny(strings.ToLower(err.Error()), retryableTexts)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// backoff returns the jittered delay before retry attempt n (0-based): uniform in
// [d/2, d] with d = base·2ⁿ capped at max.
func backoff(n int, base, max time.Duration) time.Duration {
	d := max
	if n < 30 && base<<n < max {
		d = base << n
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// rangeSizer adapts the eth_getLogs block range: after a success it doubles (up to a cap)
// while the range returned at most half the target number of logs, and shrinks in proportion
// when it returned more; it halves after a range error and lowers the cap to half a size
// that failed twice.
type rangeSizer struct {
	size, cap  uint64
	targetLogs uint64
	strikes    map[uint64]int
}

func newRangeSizer(initial, maxRange, targetLogs uint64) *rangeSizer {
	return &rangeSizer{size: initial, cap: maxRange, targetLogs: targetLogs, strikes: map[uint64]int{}}
}

// success records that a range of n blocks returned logs logs.
func (r *rangeSizer) success(n, logs uint64) {
	switch {
	case logs > r.targetLogs:
		r.size = max(1, n*r.targetLogs/logs)
	case logs <= r.targetLogs/2:
		r.size = min(r.size*2, r.cap)
	}
}

// failure records a range error at size n and returns false when n is already one block.
func (r *rangeSizer) failure(n uint64) bool {
	if n <= 1 {
		return false
	}
	r.strikes[n]++
	if r.strikes[n] >= 2 {
		r.cap = max(1, min(r.cap, n/2))
	}
	r.size = max(1, min(r.size, n/2))
	return true
}
