package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echomiddleware "github.com/oapi-codegen/echo-middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/store/appdb"
)

// Deps are the server's collaborators.
type Deps struct {
	// DB is the Postgres pool with the migrated schema (required).
	DB *pgxpool.Pool
	// Chain answers ERC-1271 checks for contract wallets and ENS lookups; nil accepts EOA
	// signatures only and shows no ENS names.
	Chain ChainCaller
	// Backend sends relayed device registrations; required when Config.RelayerKey is set.
	Backend bind.ContractBackend
	// Log is the logger; nil discards logs.
	Log *slog.Logger
	// Blocks pins avatar images; nil disables avatar uploads.
	Blocks BlockStore
	// Registry receives the server's metrics; nil makes a private registry with Go and process collectors.
	Registry *prometheus.Registry
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Mounts are handlers served beside the OpenAPI routes (the relay's sockets, the IPFS
	// gateway): they get the API's middleware but not its OpenAPI request validation.
	Mounts []Mount
}

// Mount is a handler served at one method and Echo path pattern (e.g. "/v1/rooms/:id/ws").
type Mount struct {
	// Method is the HTTP method, e.g. GET; empty mounts every method.
	Method string
	// Path is the Echo route pattern.
	Path string
	// Handler serves the route.
	Handler http.Handler
}

// Server is the Parley HTTP API.
type Server struct {
	cfg      Config
	db       *pgxpool.Pool
	q        *appdb.Queries
	log      *slog.Logger
	now      func() time.Time
	echo     *echo.Echo
	tokens   *tokenIssuer
	siwe     *siweVerifier
	nonces   noncePool
	sessions *sessionCache
	search   *searchCache
	blocks   BlockStore
	relayer  *relayer
	mail     *mailer
	ens      *ensResolver
	registry *prometheus.Registry
	spec     []byte
}

var _ gen.ServerInterface = (*Server)(nil)

// Echo context keys set by authentication.
const (
	ctxAccount = "parley.account"
	ctxSession = "parley.session"
)

// New validates cfg and builds the server with its routes and middleware.
func New(cfg Config, deps Deps) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if deps.DB == nil {
		return nil, fmt.Errorf("%w: a database pool is required", ErrConfig)
	}
	s := &Server{
		cfg: cfg, db: deps.DB, q: appdb.New(deps.DB),
		log:      cmpLogger(deps.Log).With("component", "api"),
		now:      deps.Now,
		registry: deps.Registry,
		blocks:   deps.Blocks,
		sessions: newSessionCache(),
		search:   newSearchCache(cfg.SearchCacheTTL),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
		s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if cfg.TokenKey == "" {
		s.log.Warn("no PARLEY_API_TOKEN_KEY: using a random key; sessions end at restart and are not shared between instances")
	}
	if s.tokens, err = newTokenIssuer(cfg); err != nil {
		return nil, err
	}
	s.siwe = newSiweVerifier(cfg, deps.Chain)
	s.mail = newMailer(cfg, s.log)
	if deps.Chain != nil && cfg.ENSRegistry != "off" {
		s.ens = &ensResolver{chain: deps.Chain, registry: common.HexToAddress(cfg.ENSRegistry), log: s.log}
	}
	if s.relayer, err = newRelayer(cfg, deps.Backend); err != nil {
		return nil, err
	}
	swagger, err := gen.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("load openapi spec: %w", err)
	}
	if s.spec, err = json.Marshal(swagger); err != nil {
		return nil, fmt.Errorf("marshal openapi spec: %w", err)
	}
	router, err := newSpecRouter(swagger)
	if err != nil {
		return nil, fmt.Errorf("openapi router: %w", err)
	}
	metrics, err := newHTTPMetrics(s.registry)
	if err != nil {
		return nil, err
	}

	mounted := make(map[string]bool, len(deps.Mounts))
	for _, m := range deps.Mounts {
		mounted[m.Path] = true
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.IPExtractor = echo.ExtractIPDirect()
	e.Use(
		middleware.RequestID(),
		s.requestLogger(),
		middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}),
		metrics.middleware,
		middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  cfg.AllowedOrigins,
			AllowHeaders:  []string{echo.HeaderAuthorization, echo.HeaderContentType},
			ExposeHeaders: []string{echo.HeaderXRequestID},
			MaxAge:        600,
		}),
		s.originGuard,
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: fmt.Sprintf("%dB", cfg.BodyLimit), Skipper: isAvatar}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: fmt.Sprintf("%dB", maxAvatarBytes), Skipper: func(c echo.Context) bool { return !isAvatar(c) }}),
		rateLimiter(cfg.IPRate, cfg.IPBurst, func(c echo.Context) (string, error) { return c.RealIP(), nil }),
		requestValidator(router, &echomiddleware.Options{
			Options: openapi3filter.Options{AuthenticationFunc: s.authenticate},
		}, func(c echo.Context) bool {
			return !strings.HasPrefix(c.Request().URL.Path, "/v1/") || mounted[c.Path()]
		}),
		rateLimiter(cfg.AccountRate, cfg.AccountBurst, func(c echo.Context) (string, error) {
			account, _ := c.Get(ctxAccount).(string)
			return account, nil
		}),
	)
	registerAvatarBodyDecoders()
	gen.RegisterHandlers(e, s)
	for _, m := range deps.Mounts {
		if m.Method == "" {
			e.Any(m.Path, echo.WrapHandler(m.Handler))
		} else {
			e.Add(m.Method, m.Path, echo.WrapHandler(m.Handler))
		}
	}
	s.echo = e
	return s, nil
}

func cmpLogger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

func isAvatar(c echo.Context) bool { return c.Request().URL.Path == avatarPath }

// Handler is the HTTP handler serving the whole API.
func (s *Server) Handler() http.Handler { return s.echo }

// Run serves on cfg.Addr and purges expired nonces and sessions until ctx ends, then shuts down.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on an existing listener.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.echo, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String())
	tick := time.NewTicker(s.cfg.JanitorInterval)
	defer tick.Stop()
	for {
		select {
		case err := <-errc:
			return fmt.Errorf("serve: %w", err)
		case <-tick.C:
			s.purge(ctx)
		case <-ctx.Done():
			shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(shutdownCtx); err != nil {
				return fmt.Errorf("shutdown: %w", err)
			}
			if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("serve: %w", err)
			}
			return nil
		}
	}
}

// purge deletes expired nonces, challenges and rooms, sessions dead for longer than a refresh
// lifetime, mail counts and stranger adds older than their quota's day and notifications past
// NotificationTTL.
func (s *Server) purge(ctx context.Context) {
	now := ts(s.now())
	for what, del := range map[string]func() (int64, error){
		"nonces":            func() (int64, error) { return s.q.PurgeExpiredNonces(ctx, now) },
		"device_challenges": func() (int64, error) { return s.q.PurgeExpiredDeviceChallenges(ctx, now) },
		"rooms":             func() (int64, error) { return s.q.PurgeExpiredRooms(ctx, now) },
		"sessions":          func() (int64, error) { return s.q.PurgeDeadSessions(ctx, ts(now.Time.Add(-s.cfg.RefreshTTL))) },
		"sent_mails":        func() (int64, error) { return s.q.PurgeSentMails(ctx, ts(now.Time.Add(-quotaWindow))) },
		"stranger_adds":     func() (int64, error) { return s.q.PurgeStrangerAdds(ctx, ts(now.Time.Add(-quotaWindow))) },
		"notifications":     func() (int64, error) { return s.q.PurgeOldNotifications(ctx, ts(now.Time.Add(-s.cfg.NotificationTTL))) },
	} {
		n, err := del()
		if err != nil {
			s.log.Warn("purge", "what", what, "err", err)
			continue
		}
		s.log.Debug("purged", "what", what, "rows", n)
	}
}

// requestLogger logs one line per request with its id, route, status and latency.
func (s *Server) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogLatency: true, LogMethod: true, LogURIPath: true, LogRequestID: true, LogRemoteIP: true,
		// HandleError runs the problem+json error handler first, so the logged status is the one sent.
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("request_id", v.RequestID), slog.String("method", v.Method), slog.String("path", v.URIPath),
				slog.String("route", c.Path()), slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
				slog.String("remote_ip", v.RemoteIP))
			return nil
		},
	})
}

// originGuard refuses requests whose Origin header is present and not allowlisted, so a
// foreign page cannot even send simple requests.
func (s *Server) originGuard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if o := c.Request().Header.Get(echo.HeaderOrigin); o != "" && !slices.Contains(s.cfg.AllowedOrigins, o) {
			return ErrForbidden.with("this origin is not allowed", fmt.Errorf("origin %q", o))
		}
		return next(c)
	}
}

// rateLimiter limits requests per identifier (skipped when the identifier is empty).
func rateLimiter(perSecond float64, burst int, id middleware.Extractor) echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Skipper: func(c echo.Context) bool {
			key, _ := id(c)
			return key == ""
		},
		IdentifierExtractor: id,
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(perSecond), Burst: burst, ExpiresIn: 3 * time.Minute,
		}),
		DenyHandler: func(c echo.Context, _ string, err error) error {
			c.Response().Header().Set("Retry-After", "1")
			return ErrRateLimited.with("", err)
		},
	})
}

// authenticate is the OpenAPI bearerAuth check: a valid access token of a live session.
func (s *Server) authenticate(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
	c := echomiddleware.GetEchoContext(ctx)
	token, ok := strings.CutPrefix(in.RequestValidationInput.Request.Header.Get(echo.HeaderAuthorization), "Bearer ")
	if !ok || c == nil {
		return ErrUnauthenticated
	}
	now := s.now()
	a, ok := s.sessions.get(token, now)
	if !ok {
		var err error
		if a, err = s.checkToken(c.Request().Context(), token, now); err != nil {
			return err
		}
	}
	c.Set(ctxAccount, a.account)
	c.Set(ctxSession, a.session)
	return nil
}

// checkToken verifies an access token and that its session is live, and caches the grant.
func (s *Server) checkToken(ctx context.Context, token string, now time.Time) (authenticated, error) {
	claims, err := s.tokens.parse(token, now)
	if err != nil {
		return authenticated{}, ErrUnauthenticated.with("the access token is invalid or expired", err)
	}
	a := authenticated{account: claims.Subject, session: uuid.MustParse(claims.SessionID)}
	active, err := s.q.SessionActive(ctx, appdb.SessionActiveParams{ID: pgUUID(a.session), Account: a.account, Now: ts(now)})
	if err != nil {
		return authenticated{}, ErrUnavailable.with("", fmt.Errorf("check session: %w", err))
	}
	if !active {
		return authenticated{}, ErrUnauthenticated.with("the session was revoked or has expired", nil)
	}
	s.sessions.put(token, a, now, claims.ExpiresAt.Time)
	return a, nil
}

// account is the signed-in account of an authenticated request.
func account(c echo.Context) string {
	a, _ := c.Get(ctxAccount).(string)
	return a
}

// GetHealthz answers while the process runs.
func (s *Server) GetHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, gen.Health{Status: "ok"})
}

// GetReadyz answers 200 when Postgres answers.
func (s *Server) GetReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return ErrUnavailable.with("the database is unavailable", err)
	}
	return c.JSON(http.StatusOK, gen.Health{Status: "ready"})
}

// GetMetrics serves the Prometheus registry.
func (s *Server) GetMetrics(c echo.Context) error {
	promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}).ServeHTTP(c.Response(), c.Request())
	return nil
}

// GetOpenAPI serves the OpenAPI document the server is generated from.
func (s *Server) GetOpenAPI(c echo.Context) error {
	return c.JSONBlob(http.StatusOK, s.spec)
}

// bindJSON decodes the (already validated) JSON body into v.
func bindJSON(c echo.Context, v any) error {
	if err := (&echo.DefaultBinder{}).BindBody(c, v); err != nil {
		return ErrInvalidRequest.with("the body is not valid JSON for this endpoint", err)
	}
	return nil
}

func jsonEncode(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}
