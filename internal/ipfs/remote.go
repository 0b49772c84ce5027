package ipfs

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	psa "github.com/ipfs/boxo/pinning/remote/client"
	"github.com/ipfs/boxo/pinning/remote/client/openapi"
	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	dsq "github.com/ipfs/go-datastore/query"
	"github.com/multiformats/go-multiaddr"
)

// Defaults of RemoteConfig.
const (
	DefaultRemoteMinBackoff = time.Second
	DefaultRemoteMaxBackoff = 5 * time.Minute
	// remoteCallTimeout bounds one call to the pinning service.
	remoteCallTimeout = 30 * time.Second
)

// RemoteConfig configures remote pinning to an IPFS Pinning Service API endpoint
// (https://ipfs.github.io/pinning-services-api-spec/).
type RemoteConfig struct {
	// Endpoint is the service's base URL, for example https://api.example.com/psa; remote
	// pinning is off when empty.
	Endpoint string
	// Token is the bearer token the service issued.
	Token string
	// Origins are multiaddrs the service can fetch blocks from, such as this node's public
	// gateway (/dns4/parley.example.com/tcp/443/https).
	Origins []string
	// MinBackoff is the first retry delay after a failure, and the delay between status checks;
	// DefaultRemoteMinBackoff when 0.
	MinBackoff time.Duration
	// MaxBackoff caps the retry delay; DefaultRemoteMaxBackoff when 0.
	MaxBackoff time.Duration
}

func (c *RemoteConfig) validate() error {
	if c.Endpoint == "" {
		return nil
	}
	c.MinBackoff = cmp.Or(c.MinBackoff, DefaultRemoteMinBackoff)
	c.MaxBackoff = cmp.Or(c.MaxBackoff, DefaultRemoteMaxBackoff)
	if c.MinBackoff < 0 || c.MaxBackoff < c.MinBackoff {
		return fmt.Errorf("ipfs: config: remote backoff %s..%s is not a range", c.MinBackoff, c.MaxBackoff)
	}
	for _, o := range c.Origins {
		if _, err := multiaddr.NewMultiaddr(o); err != nil {
			return fmt.Errorf("ipfs: config: remote origin %q: %w", o, err)
		}
	}
	return nil
}

// RemoteStatus is where a CID stands with the remote pinning service.
type RemoteStatus string

// Remote statuses. Queued and Pinning mean the node keeps checking; Failed means the service
// gave up and the node will ask again.
const (
	RemoteNone    RemoteStatus = ""        // not tracked: remote pinning off, or unpinned and removed
	RemoteQueued  RemoteStatus = "queued"  // waiting to be sent, or queued by the service
	RemotePinning RemoteStatus = "pinning" // the service is fetching it
	RemotePinned  RemoteStatus = "pinned"  // the service holds it
	RemoteFailed  RemoteStatus = "failed"  // the service failed; it will be asked again
)

// RemoteState is the remote pinning state of one CID.
type RemoteState struct {
	// Status is the last status known.
	Status RemoteStatus `json:"status"`
	// Wanted is true while the CID is pinned locally; once it is unpinned the remote pin is
	// removed.
	Wanted bool `json:"-"`
	// RequestID is the service's id of the pin request; empty before it accepted one.
	RequestID string `json:"request_id,omitempty"`
	// Attempts counts the failed calls since the last success.
	Attempts int `json:"attempts,omitempty"`
	// LastError is the error of the last failed call.
	LastError string `json:"last_error,omitempty"`
	// NextAttempt is when the worker acts on this CID again.
	NextAttempt time.Time `json:"next_attempt"`
}

var (
	remoteWantPrefix    = ds.NewKey("/parley/remote/want")    // present while c is pinned locally
	remoteStatePrefix   = ds.NewKey("/parley/remote/state")   // the worker's RemoteState of c
	remotePendingPrefix = ds.NewKey("/parley/remote/pending") // the worker's queue
)

// remotePinner reconciles the remote service with the local pins: a background worker that
// pins wanted CIDs remotely and removes unwanted ones, retrying failures with capped, jittered
// exponential backoff. Its queue lives in the datastore, so it resumes after a restart.
type remotePinner struct {
	cfg     RemoteConfig
	client  *psa.Client
	origins []multiaddr.Multiaddr
	store   groupCommitStore
	log     *slog.Logger

	mu   sync.Mutex // orders want against save, so the worker never drops a CID that changed
	wake chan struct{}
	stop context.CancelFunc
	done chan struct{}
}

func newRemotePinner(cfg RemoteConfig, store groupCommitStore, log *slog.Logger) *remotePinner {
	origins := make([]multiaddr.Multiaddr, 0, len(cfg.Origins))
	for _, o := range cfg.Origins {
		origins = append(origins, multiaddr.StringCast(o)) // validated by RemoteConfig.validate
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &remotePinner{
		cfg:     cfg,
		client:  psa.NewClient(cfg.Endpoint, cfg.Token),
		origins: origins,
		store:   store,
		log:     log.With("remote", cfg.Endpoint),
		wake:    make(chan struct{}, 1),
		stop:    cancel,
		done:    make(chan struct{}),
	}
	go r.run(ctx)
	return r
}

// shutdown stops the worker and waits for it.
func (r *remotePinner) shutdown() {
	r.stop()
	<-r.done
}

// want records that c must (or must no longer) be pinned remotely and wakes the worker.
func (r *remotePinner) want(ctx context.Context, c cid.Cid, wanted bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, err := r.store.Batch(ctx)
	if err != nil {
		return fmt.Errorf("ipfs: queue remote pin %s: %w", c, err)
	}
	wk := remoteWantPrefix.ChildString(c.String())
	if wanted {
		err = b.Put(ctx, wk, nil)
	} else {
		err = b.Delete(ctx, wk)
	}
	err = errors.Join(err, b.Put(ctx, remotePendingPrefix.ChildString(c.String()), nil))
	if err = errors.Join(err, b.Commit(ctx)); err != nil {
		return fmt.Errorf("ipfs: queue remote pin %s: %w", c, err)
	}
	r.poke()
	return nil
}

// poke wakes the worker.
func (r *remotePinner) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// status returns the remote state of c.
func (r *remotePinner) status(ctx context.Context, c cid.Cid) (RemoteState, error) {
	st, err := r.state(ctx, c)
	if err != nil {
		return st, err
	}
	if st.Wanted, err = r.store.Has(ctx, remoteWantPrefix.ChildString(c.String())); err != nil {
		return st, fmt.Errorf("ipfs: read remote want %s: %w", c, err)
	}
	if st.Wanted && st.Status == RemoteNone {
		st.Status = RemoteQueued
	}
	return st, nil
}

func (r *remotePinner) run(ctx context.Context) {
	defer close(r.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-r.wake:
		}
		next, err := r.round(ctx)
		if err != nil && ctx.Err() == nil {
			r.log.Error("remote pinning round failed", "err", err)
			next = time.Now().Add(r.cfg.MinBackoff)
		}
		timer.Reset(time.Until(next))
	}
}

// round acts on every queued CID that is due and returns when the next one is due.
func (r *remotePinner) round(ctx context.Context) (time.Time, error) {
	pending, err := r.pending(ctx)
	if err != nil {
		return time.Time{}, err
	}
	next := time.Now().Add(r.cfg.MaxBackoff)
	for _, c := range pending {
		st, err := r.status(ctx, c)
		if err != nil {
			return next, err
		}
		if !time.Now().Before(st.NextAttempt) {
			if st, err = r.step(ctx, c, st); err != nil {
				return next, err
			}
		}
		if st.pending() && st.NextAttempt.Before(next) {
			next = st.NextAttempt
		}
	}
	return next, nil
}

// pending reports whether the worker still has to act on a CID in state st.
func (st RemoteState) pending() bool {
	return st.Wanted != (st.Status == RemotePinned) || !st.Wanted && st.RequestID != ""
}

// step makes one call to the service for c, in state st, and saves the state that results.
// It holds no lock during the call, so PutRaw and Unpin never wait for the service.
func (r *remotePinner) step(ctx context.Context, c cid.Cid, st RemoteState) (RemoteState, error) {
	callCtx, cancel := context.WithTimeout(ctx, remoteCallTimeout)
	defer cancel()
	var (
		ps  psa.PinStatusGetter
		err error
	)
	switch {
	case !st.Wanted && st.RequestID == "": // never pinned remotely: forget it
		st = RemoteState{}
	case !st.Wanted:
		if err = r.client.DeleteByID(callCtx, st.RequestID); err == nil || isNotFound(err) {
			err = nil
			st = RemoteState{}
		}
	case st.RequestID == "":
		ps, err = r.client.Add(callCtx, c, psa.PinOpts.WithName(c.String()), psa.PinOpts.WithOrigins(r.origins...))
	default:
		ps, err = r.client.GetStatusByID(callCtx, st.RequestID)
		if isNotFound(err) { // the service lost the request: ask again
			ps, err = r.client.Add(callCtx, c, psa.PinOpts.WithName(c.String()), psa.PinOpts.WithOrigins(r.origins...))
		}
	}
	if ctx.Err() != nil {
		return st, ctx.Err()
	}
	switch {
	case err != nil:
		st.Attempts++
		st.LastError = err.Error()
		st.NextAttempt = time.Now().Add(r.backoff(st.Attempts))
		r.log.Warn("remote pinning call failed", "cid", c, "attempts", st.Attempts, "err", err)
	case ps != nil:
		st.RequestID, st.Status, st.Attempts, st.LastError = ps.GetRequestId(), RemoteStatus(ps.GetStatus()), 0, ""
		switch st.Status {
		case RemotePinned:
		case RemoteFailed: // the service gave up on this request: make a new one after a backoff
			st.RequestID, st.Attempts = "", 1
			st.NextAttempt = time.Now().Add(r.backoff(st.Attempts))
		default:
			st.NextAttempt = time.Now().Add(r.cfg.MinBackoff)
		}
	}
	return st, r.save(ctx, c, st)
}

// backoff returns the delay before attempt+1: exponential from MinBackoff, capped at
// MaxBackoff, with up to 50% jitter subtracted so that retries of many CIDs spread out.
func (r *remotePinner) backoff(attempts int) time.Duration {
	d := r.cfg.MaxBackoff
	if attempts < 32 {
		d = min(r.cfg.MinBackoff<<(attempts-1), r.cfg.MaxBackoff)
	}
	return d - rand.N(d/2+1)
}

func isNotFound(err error) bool {
	var oerr openapi.GenericOpenAPIError
	if !errors.As(err, &oerr) {
		return false
	}
	f, ok := oerr.Model().(openapi.Failure)
	return ok && f.Error.GetReason() == "NOT_FOUND"
}

func (r *remotePinner) state(ctx context.Context, c cid.Cid) (RemoteState, error) {
	var st RemoteState
	b, err := r.store.Get(ctx, remoteStatePrefix.ChildString(c.String()))
	switch {
	case errors.Is(err, ds.ErrNotFound):
		return st, nil
	case err != nil:
		return st, fmt.Errorf("ipfs: read remote state %s: %w", c, err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("%w: remote state of %s: %w", ErrCorrupt, c, err)
	}
	return st, nil
}

// save stores the state of c and takes c off the queue when the worker is done with it and
// nobody changed what is wanted meanwhile.
func (r *remotePinner) save(ctx context.Context, c cid.Cid, st RemoteState) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	wanted, err := r.store.Has(ctx, remoteWantPrefix.ChildString(c.String()))
	if err != nil {
		return fmt.Errorf("ipfs: read remote want %s: %w", c, err)
	}
	b, err := r.store.Batch(ctx)
	if err != nil {
		return fmt.Errorf("ipfs: save remote state %s: %w", c, err)
	}
	sk := remoteStatePrefix.ChildString(c.String())
	if !st.Wanted && st.RequestID == "" {
		err = b.Delete(ctx, sk)
	} else {
		v, merr := json.Marshal(st)
		err = errors.Join(merr, b.Put(ctx, sk, v))
	}
	if wanted == st.Wanted && !st.pending() {
		err = errors.Join(err, b.Delete(ctx, remotePendingPrefix.ChildString(c.String())))
	}
	if err = errors.Join(err, b.Commit(ctx)); err != nil {
		return fmt.Errorf("ipfs: save remote state %s: %w", c, err)
	}
	return r.store.flush()
}

// pending lists the CIDs in the worker's queue.
func (r *remotePinner) pending(ctx context.Context) ([]cid.Cid, error) {
	res, err := r.store.Query(ctx, dsq.Query{Prefix: remotePendingPrefix.String(), KeysOnly: true})
	if err != nil {
		return nil, fmt.Errorf("ipfs: list remote queue: %w", err)
	}
	defer res.Close()
	var out []cid.Cid
	for e, ok := res.NextSync(); ok; e, ok = res.NextSync() {
		if e.Error != nil {
			return nil, fmt.Errorf("ipfs: list remote queue: %w", e.Error)
		}
		c, err := cid.Decode(ds.RawKey(e.Key).BaseNamespace())
		if err != nil {
			return nil, fmt.Errorf("%w: remote queue key %s: %w", ErrCorrupt, e.Key, err)
		}
		out = append(out, c)
	}
	return out, nil
}
