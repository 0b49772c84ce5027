package indexer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"
)

func TestClassifiesProviderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		err       error
		range_    bool
		retryable bool
	}{
		{name: "geth/infura too many results", err: errors.New("query returned more than 10000 results"), range_: true},
		{name: "alchemy response size", err: errors.New("Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range"), range_: true},
		{name: "quicknode range limit", err: errors.New("eth_getLogs is limited to a 10,000 range"), range_: true},
		{name: "ankr block range", err: errors.New("block range is too wide"), range_: true},
		{name: "geth max block range", err: errors.New("exceed maximum block range: 5000"), range_: true},
		{name: "geth websocket message cap", err: errors.New("websocket: read limit exceeded"), range_: true},
		{name: "per-call timeout", err: fmt.Errorf("get logs: %w", context.DeadlineExceeded), range_: true, retryable: true},
		{name: "http 429", err: rpc.HTTPError{StatusCode: 429, Status: "429 Too Many Requests"}, retryable: true},
		{name: "http 503", err: rpc.HTTPError{StatusCode: 503}, retryable: true},
		{name: "http 400", err: rpc.HTTPError{StatusCode: 400}},
		{name: "alchemy compute units", err: errors.New("Your app has exceeded its compute units per second capacity"), retryable: true},
		{name: "connection dropped", err: fmt.Errorf("post: %w", io.ErrUnexpectedEOF), retryable: true},
		{name: "invalid params", err: errors.New("invalid argument 0: hex string without 0x prefix")},
		{name: "cancelled", err: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := isRangeError(tc.err); got != tc.range_ {
				t.Errorf("isRangeError = %v, want %v", got, tc.range_)
			}
			if got := isRetryable(tc.err); got != tc.retryable {
				t.Errorf("isRetryable = %v, want %v", got, tc.retryable)
			}
		})
	}
}

func TestRangeSizerGrowsShrinksAndCaps(t *testing.T) {
	t.Parallel()
	r := newRangeSizer(100, 1000, 10000)
	steps := []struct {
		name     string
		fail     bool
		logs     uint64 // returned by a successful range
		wantSize uint64
		wantCap  uint64
	}{
		{"grow", false, 0, 200, 1000},
		{"grow again", false, 5000, 400, 1000},
		{"first failure at 400 halves", true, 0, 200, 1000},
		{"grow back", false, 10, 400, 1000},
		{"second failure at 400 caps at 200", true, 0, 200, 200},
		{"growth stops at the cap", false, 0, 200, 200},
		{"between half and the target keeps the size", false, 8000, 200, 200},
		{"four times the target shrinks to a quarter", false, 40000, 50, 200},
		{"dense blocks shrink to one block", false, 1_000_000, 1, 200},
	}
	for _, s := range steps {
		if s.fail {
			r.failure(r.size)
		} else {
			r.success(r.size, s.logs)
		}
		if r.size != s.wantSize || r.cap != s.wantCap {
			t.Fatalf("%s: size %d cap %d, want %d %d", s.name, r.size, r.cap, s.wantSize, s.wantCap)
		}
	}
	if (&rangeSizer{size: 1, cap: 1, strikes: map[uint64]int{}}).failure(1) {
		t.Fatal("a one-block range cannot shrink")
	}
}

func TestBackoffIsJitteredAndCapped(t *testing.T) {
	t.Parallel()
	for n := range 40 {
		d := backoff(n, 100*time.Millisecond, 10*time.Second)
		want := min(100*time.Millisecond<<min(n, 30), 10*time.Second)
		if n >= 30 {
			want = 10 * time.Second
		}
		if d < want/2 || d > want {
			t.Fatalf("attempt %d: %v outside [%v, %v]", n, d, want/2, want)
		}
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	addr := common.HexToAddress("0x1")
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{name: "complete", cfg: Config{ChainID: 1, Registry: addr, TipJar: addr}, ok: true},
		{name: "no chain id", cfg: Config{Registry: addr, TipJar: addr}},
		{name: "no registry", cfg: Config{ChainID: 1, TipJar: addr}},
		{name: "no tip jar", cfg: Config{ChainID: 1, Registry: addr}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tc.cfg, nil, nil)
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidConfig)) {
				t.Fatalf("New: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
