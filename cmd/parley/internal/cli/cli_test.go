package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestMain_Dispatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "no command prints usage", args: []string{"parley"}, wantCode: 2, wantStderr: "usage: parley"},
		{name: "unknown command", args: []string{"parley", "frobnicate"}, wantCode: 2, wantStderr: `unknown command "frobnicate"`},
		{name: "version", args: []string{"parley", "version"}, wantCode: 0, wantStdout: "parley dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			code := Main(tt.args, &out, &errOut, func(string) string { return "" })
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantStdout) {
				t.Errorf("stdout %q does not contain %q", out.String(), tt.wantStdout)
			}
			if !strings.Contains(errOut.String(), tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", errOut.String(), tt.wantStderr)
			}
		})
	}
}

func TestBrowserRPC(t *testing.T) {
	for in, want := range map[string]string{
		"ws://127.0.0.1:8545":      "http://127.0.0.1:8545",
		"wss://rpc.example/v1/key": "https://rpc.example/v1/key",
		"http://127.0.0.1:8545":    "http://127.0.0.1:8545",
		"":                         "",
		"/var/run/geth.ipc":        "",
		"ftp://rpc.example":        "",
	} {
		if got := browserRPC(in); got != want {
			t.Errorf("browserRPC(%q) = %q, want %q", in, got, want)
		}
	}
}
