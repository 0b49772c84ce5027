package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/api/gen"
)

// Problem is an error answered as RFC 9457 problem+json: Status and Code are stable, Detail is
// safe to show to the user, and the wrapped error is internal detail that is only logged.
type Problem struct {
	// Status is the HTTP status code.
	Status int
	// Code is the stable machine-readable error code.
	Code string
	// Detail is a human, user-safe explanation.
	Detail string
	err    error
}

// Error describes the problem for logs, including the internal cause.
func (p *Problem) Error() string {
	if p.err != nil {
		return fmt.Sprintf("%s: %s: %v", p.Code, p.Detail, p.err)
	}
	return p.Code + ": " + p.Detail
}

// Unwrap returns the internal cause.
func (p *Problem) Unwrap() error { return p.err }

// Is matches problems by status and code, so package sentinels work with errors.Is.
func (p *Problem) Is(target error) bool {
	t, ok := target.(*Problem)
	return ok && t.Status == p.Status && t.Code == p.Code
}

// with returns a copy of p carrying a specific user-safe detail and an internal cause.
func (p *Problem) with(detail string, cause error) *Problem {
	return &Problem{Status: p.Status, Code: p.Code, Detail: cmpDetail(detail, p.Detail), err: cause}
}

func cmpDetail(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Sentinel problems; compare with errors.Is.
var (
	ErrInvalidRequest  = &Problem{Status: http.StatusBadRequest, Code: "invalid_request", Detail: "the request is malformed"}
	ErrUnauthenticated = &Problem{Status: http.StatusUnauthorized, Code: "unauthenticated", Detail: "a valid bearer access token is required"}
	ErrSiweRejected    = &Problem{Status: http.StatusUnauthorized, Code: "siwe_rejected", Detail: "the sign-in message or signature was not accepted"}
	ErrRefreshInvalid  = &Problem{Status: http.StatusUnauthorized, Code: "refresh_invalid", Detail: "the refresh token is not valid"}
	ErrRefreshReused   = &Problem{Status: http.StatusUnauthorized, Code: "refresh_reused", Detail: "the refresh token was already used; the session is revoked"}
	ErrForbidden       = &Problem{Status: http.StatusForbidden, Code: "forbidden", Detail: "not allowed"}
	ErrNotFound        = &Problem{Status: http.StatusNotFound, Code: "not_found", Detail: "no such resource"}
	ErrConflict        = &Problem{Status: http.StatusConflict, Code: "conflict", Detail: "the resource conflicts with an existing one"}
	ErrTooLarge        = &Problem{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large", Detail: "the request body is too large"}
	ErrRateLimited     = &Problem{Status: http.StatusTooManyRequests, Code: "rate_limited", Detail: "too many requests; slow down"}
	ErrUnavailable     = &Problem{Status: http.StatusServiceUnavailable, Code: "unavailable", Detail: "a dependency is unavailable"}
	ErrDeviceSignature = &Problem{Status: http.StatusForbidden, Code: "device_signature_invalid", Detail: "the device's registration signature does not verify"}
	ErrRegistryRefused = &Problem{Status: http.StatusForbidden, Code: "registration_refused", Detail: "the DeviceRegistry refuses this registration"}
	ErrRelayLimit      = &Problem{Status: http.StatusTooManyRequests, Code: "relay_limit", Detail: "too many gasless registrations for this account"}
	ErrRelayerDisabled = &Problem{Status: http.StatusServiceUnavailable, Code: "relayer_disabled", Detail: "this server does not relay device registrations"}
	ErrEmailLink       = &Problem{Status: http.StatusBadRequest, Code: "email_link_invalid", Detail: "the verification link is invalid, expired or for an address no longer set"}
	ErrInternal        = &Problem{Status: http.StatusInternalServerError, Code: "internal", Detail: "internal error"}
)

// statusProblems maps statuses of errors raised by Echo and its middleware to our problems.
var statusProblems = map[int]*Problem{
	http.StatusBadRequest:            ErrInvalidRequest,
	http.StatusUnauthorized:          ErrUnauthenticated,
	http.StatusForbidden:             ErrForbidden,
	http.StatusNotFound:              ErrNotFound,
	http.StatusMethodNotAllowed:      {Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Detail: "method not allowed"},
	http.StatusRequestEntityTooLarge: ErrTooLarge,
	http.StatusUnsupportedMediaType:  {Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Detail: "unsupported content type"},
	http.StatusTooManyRequests:       ErrRateLimited,
}

// Postgres SQLSTATEs of text it cannot store (U+0000, invalid UTF-8): the client's input.
const (
	pgBadCharacter   = "22021"
	pgUntranslatable = "22P05"
)

// toProblem classifies any error returned by a handler or middleware.
func toProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == pgBadCharacter || pgErr.Code == pgUntranslatable) {
		return ErrInvalidRequest.with("text must be valid UTF-8 without U+0000", err)
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if known, ok := statusProblems[he.Code]; ok {
			detail := ""
			if msg, ok := he.Message.(string); ok && he.Code == http.StatusBadRequest {
				detail = validationDetail(msg)
			}
			return known.with(detail, err)
		}
		if he.Code < 500 {
			return &Problem{Status: he.Code, Code: strings.ToLower(strings.ReplaceAll(http.StatusText(he.Code), " ", "_")), Detail: http.StatusText(he.Code), err: err}
		}
	}
	return ErrInternal.with("", err)
}

// validationDetail keeps the first line of a validator message, which names the failing field.
func validationDetail(msg string) string {
	line, _, _ := strings.Cut(msg, "\n")
	return line
}

// errorHandler is the one Echo HTTPErrorHandler: it answers problem+json and logs each 5xx once.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := toProblem(err)
	reqID := c.Response().Header().Get(echo.HeaderXRequestID)
	if p.Status >= 500 {
		s.log.LogAttrs(c.Request().Context(), slog.LevelError, "request failed",
			slog.String("request_id", reqID), slog.String("method", c.Request().Method),
			slog.String("path", c.Path()), slog.Int("status", p.Status), slog.Any("err", err))
	}
	if p.Status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="parley"`)
	}
	body := gen.Problem{
		Type:      "https://parley.chat/problems/" + p.Code,
		Title:     http.StatusText(p.Status),
		Status:    p.Status,
		Code:      p.Code,
		Detail:    &p.Detail,
		Instance:  ptr(c.Request().URL.Path),
		RequestId: &reqID,
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	if c.Request().Method == http.MethodHead {
		return
	}
	if err := jsonEncode(c.Response(), body); err != nil {
		s.log.Warn("write problem", "err", err)
	}
}

// validatorError turns a request-validation failure into a problem; failed security means 401.
func validatorError(_ echo.Context, err *echo.HTTPError) error {
	var sec *openapi3filter.SecurityRequirementsError
	if errors.As(err.Internal, &sec) {
		for _, e := range sec.Errors {
			var p *Problem
			if errors.As(e, &p) {
				return p
			}
		}
		return ErrUnauthenticated.with("", err)
	}
	return err
}

func ptr[T any](v T) *T { return &v }
