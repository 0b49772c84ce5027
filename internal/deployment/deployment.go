// Package deployment reads the contract addresses that the deploy script
// (contracts/script/Deploy.s.sol) writes to contracts/deployments/<chainId>.json.
package deployment

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/ethereum/go-ethereum/common"
)

// Deployment is where Parley's contracts live on one chain.
type Deployment struct {
	// ChainID is the chain the contracts are deployed on.
	ChainID uint64 `json:"chainId"`
	// DeviceRegistry is the DeviceRegistry contract address.
	DeviceRegistry common.Address `json:"deviceRegistry"`
	// TipJar is the TipJar contract address.
	TipJar common.Address `json:"tipJar"`
	// StartBlock is a block at or before both deployments: where indexing starts.
	StartBlock uint64 `json:"deviceRegistryBlock"`
}

// ErrIncomplete reports a deployment file without a chain id or an address.
var ErrIncomplete = errors.New("deployment: missing chain id or contract address")

// Load reads and checks a deployment file.
func Load(path string) (Deployment, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Deployment{}, fmt.Errorf("deployment: %w", err)
	}
	var d Deployment
	if err := json.Unmarshal(b, &d); err != nil {
		return Deployment{}, fmt.Errorf("deployment %s: %w", path, err)
	}
	if d.ChainID == 0 || d.DeviceRegistry == (common.Address{}) || d.TipJar == (common.Address{}) {
		return Deployment{}, fmt.Errorf("%s: %w", path, ErrIncomplete)
	}
	return d, nil
}
