package deployment

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	t.Run("committed devnet file", func(t *testing.T) {
		t.Parallel()
		d, err := Load(filepath.Join("..", "..", "contracts", "deployments", "31337.json"))
		if err != nil {
			t.Fatal(err)
		}
		if d.ChainID != 31337 || d.DeviceRegistry == (common.Address{}) || d.TipJar == (common.Address{}) {
			t.Fatalf("unexpected devnet deployment %+v", d)
		}
	})
	tests := []struct {
		name    string
		body    string
		wantErr error
	}{
		{name: "missing tip jar", body: `{"chainId":1,"deviceRegistry":"0x5FbDB2315678afecb367f032d93F642f64180aa3"}`, wantErr: ErrIncomplete},
		{name: "missing chain id", body: `{"deviceRegistry":"0x5FbDB2315678afecb367f032d93F642f64180aa3","tipJar":"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"}`, wantErr: ErrIncomplete},
		{name: "not json", body: `chainId: 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "d.json")
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load accepted a bad file")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
		})
	}
}
