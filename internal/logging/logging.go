// Package logging configures Parley's one structured logger (log/slog).
package logging

import (
	"cmp"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Config selects the log level and output format.
type Config struct {
	// Level is debug, info, warn or error (default info).
	Level string
	// Format is text or json (default text).
	Format string
}

// New returns a logger writing to w as cfg says; it fails on an unknown level or format.
func New(w io.Writer, cfg Config) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cmp.Or(cfg.Level, "info"))); err != nil {
		return nil, fmt.Errorf("log level %q: %w", cfg.Level, err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(cmp.Or(cfg.Format, "text")) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("log format %q: want text or json", cfg.Format)
	}
}
