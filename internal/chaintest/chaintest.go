// Package chaintest starts test chains (a real anvil devnet or go-ethereum's in-process simulated backend)
// and deploys Parley's contracts on them through the generated bindings, for the tests of other packages.
//
// Lifecycle: StartAnvil and NewSimulated register their shutdown with t.Cleanup, so a chain lives exactly
// as long as the test that started it. A Chain is used from the test goroutine; its Client is safe for
// concurrent use. Anvil mines every transaction on arrival; the simulated backend mines when Mine commits.
package chaintest

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/parleychat/parley/bindings/deviceregistry"
	"github.com/parleychat/parley/bindings/tipjar"
)

// anvilKeys are the well-known private keys of anvil's default mnemonic ("test test ... junk"), each funded
// with 10,000 ETH on a fresh devnet. They are public: never use them outside a devnet.
var anvilKeys = []string{
	"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
	"7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
	"47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
}

// readyTimeout bounds how long StartAnvil waits for anvil to listen and answer.
const readyTimeout = 30 * time.Second

// ErrAnvilNotFound means neither PATH nor the repository's .tools/bin has an anvil binary.
var ErrAnvilNotFound = errors.New("chaintest: anvil not found on PATH or in .tools/bin (run scripts/toolchain.sh)")

// Chain is a running test chain with funded keys.
type Chain struct {
	// Client talks to the chain (an *ethclient.Client for anvil, the simulated backend's client otherwise).
	Client simulated.Client
	// ChainID is the chain's EIP-155 id.
	ChainID *big.Int
	// Keys are funded private keys.
	Keys []*ecdsa.PrivateKey
	// URL is the JSON-RPC URL (anvil only, empty for the simulated backend).
	URL string

	sim *simulated.Backend
}

// Deployment holds the addresses of Parley's contracts on a test chain.
type Deployment struct {
	// DeviceRegistry is the DeviceRegistry address.
	DeviceRegistry common.Address
	// TipJar is the TipJar address.
	TipJar common.Address
	// DeviceRegistryBlock is the block that holds the DeviceRegistry deployment (where indexers start).
	DeviceRegistryBlock uint64
}

// StartAnvil runs anvil on a free loopback port, waits until it answers, and stops it when t ends.
func StartAnvil(t testing.TB) *Chain {
	t.Helper()
	bin, err := findAnvil()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--host", "127.0.0.1", "--port", "0", "--chain-id", "31337")
	dieWithParent(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatalf("chaintest: anvil stdout: %v", err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("chaintest: start anvil: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})

	addr := make(chan string, 1)
	go scanListenAddr(stdout, addr)
	var url string
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatal("chaintest: anvil exited before listening")
		}
		url = "http://" + a
	case <-time.After(readyTimeout):
		t.Fatalf("chaintest: anvil did not listen within %s", readyTimeout)
	}

	client, err := ethclient.Dial(url)
	if err != nil {
		t.Fatalf("chaintest: dial anvil: %v", err)
	}
	t.Cleanup(client.Close)
	chainID := waitChainID(t, client)
	keys := make([]*ecdsa.PrivateKey, len(anvilKeys))
	for i, hex := range anvilKeys {
		if keys[i], err = crypto.HexToECDSA(hex); err != nil {
			t.Fatalf("chaintest: anvil key %d: %v", i, err)
		}
	}
	return &Chain{Client: client, ChainID: chainID, Keys: keys, URL: url}
}

// NewSimulated starts go-ethereum's in-process simulated chain with funded keys; it closes when t ends.
func NewSimulated(t testing.TB) *Chain {
	t.Helper()
	alloc := types.GenesisAlloc{}
	keys := make([]*ecdsa.PrivateKey, len(anvilKeys))
	balance := new(big.Int).Mul(big.NewInt(10_000), big.NewInt(1e18))
	for i := range keys {
		key, err := crypto.GenerateKey()
		if err != nil {
			t.Fatalf("chaintest: generate key: %v", err)
		}
		keys[i] = key
		alloc[crypto.PubkeyToAddress(key.PublicKey)] = types.Account{Balance: balance}
	}
	sim := simulated.NewBackend(alloc)
	t.Cleanup(func() { _ = sim.Close() })
	chainID := waitChainID(t, sim.Client())
	return &Chain{Client: sim.Client(), ChainID: chainID, Keys: keys, sim: sim}
}

// Transactor returns transaction options that sign with c.Keys[i].
func (c *Chain) Transactor(i int) *bind.TransactOpts {
	return bind.NewKeyedTransactor(c.Keys[i], c.ChainID)
}

// Address returns the address of c.Keys[i].
func (c *Chain) Address(i int) common.Address {
	return crypto.PubkeyToAddress(c.Keys[i].PublicKey)
}

// Mine makes sure tx is included (committing a block on the simulated backend), waits for its receipt and
// fails the test unless it succeeded.
func (c *Chain) Mine(t testing.TB, tx *types.Transaction) *types.Receipt {
	t.Helper()
	if c.sim != nil {
		c.sim.Commit()
	}
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	receipt, err := bind.WaitMined(ctx, c.Client, tx.Hash())
	if err != nil {
		t.Fatalf("chaintest: wait for %s: %v", tx.Hash(), err)
	}
	if receipt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("chaintest: transaction %s reverted", tx.Hash())
	}
	return receipt
}

// DeployContracts deploys DeviceRegistry and TipJar from c.Keys[keyIndex] through the bindings.
func DeployContracts(t testing.TB, c *Chain, keyIndex int) Deployment {
	t.Helper()
	var d Deployment
	registry, tx, err := bind.DeployContract(c.Transactor(keyIndex),
		common.FromHex(deviceregistry.DeviceRegistryMetaData.Bin), c.Client, nil)
	if err != nil {
		t.Fatalf("chaintest: deploy DeviceRegistry: %v", err)
	}
	d.DeviceRegistry = registry
	d.DeviceRegistryBlock = c.Mine(t, tx).BlockNumber.Uint64()
	jar, tx, err := bind.DeployContract(c.Transactor(keyIndex), common.FromHex(tipjar.TipJarMetaData.Bin), c.Client, nil)
	if err != nil {
		t.Fatalf("chaintest: deploy TipJar: %v", err)
	}
	c.Mine(t, tx)
	d.TipJar = jar
	return d
}

// findAnvil looks for anvil on PATH, then in .tools/bin of the enclosing repository.
func findAnvil() (string, error) {
	if p, err := exec.LookPath("anvil"); err == nil {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("chaintest: working directory: %w", err)
	}
	for {
		p := filepath.Join(dir, ".tools", "bin", "anvil")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrAnvilNotFound
		}
		dir = parent
	}
}

var listenRe = regexp.MustCompile(`Listening on (\S+:\d+)`)

// scanListenAddr sends the address from anvil's "Listening on" line, then drains the rest of the output so
// anvil never blocks on a full pipe. It closes addr if the output ends first.
func scanListenAddr(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if m := listenRe.FindStringSubmatch(sc.Text()); m != nil {
			addr <- m[1]
			_, _ = io.Copy(io.Discard, r)
			return
		}
	}
	close(addr)
}

// waitChainID polls the chain id until the node answers or readyTimeout passes.
func waitChainID(t testing.TB, client simulated.Client) *big.Int {
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		id, err := client.ChainID(ctx)
		cancel()
		if err == nil {
			return id
		}
		if time.Now().After(deadline) {
			t.Fatalf("chaintest: chain not ready within %s: %v", readyTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
