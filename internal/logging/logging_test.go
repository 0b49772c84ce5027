package logging

import (
	"bytes"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
		want    string
	}{
		{name: "defaults are text at info", cfg: Config{}, want: "level=INFO msg=hello"},
		{name: "json", cfg: Config{Format: "json"}, want: `"msg":"hello"`},
		{name: "debug level", cfg: Config{Level: "debug"}, want: "level=INFO"},
		{name: "unknown level", cfg: Config{Level: "loud"}, wantErr: true},
		{name: "unknown format", cfg: Config{Format: "xml"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			log, err := New(&buf, tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New(%+v) error = %v, wantErr %v", tt.cfg, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			log.Debug("quiet")
			log.Info("hello")
			if !strings.Contains(buf.String(), tt.want) {
				t.Errorf("output %q does not contain %q", buf.String(), tt.want)
			}
			if tt.cfg.Level == "" && strings.Contains(buf.String(), "quiet") {
				t.Errorf("debug line logged at default level: %q", buf.String())
			}
		})
	}
}
