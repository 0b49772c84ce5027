package client

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"

	"github.com/parleychat/parley/internal/protocol"
)

// SaveIdentity writes the device's keys to path, encrypted with the passphrase in the
// protocol's backup format (Argon2id, then AEAD), readable only by the owner. The file is
// replaced atomically.
func SaveIdentity(path string, passphrase []byte, params protocol.Argon2Params, id Identity) error {
	archive, err := protocol.Backup(rand.Reader, passphrase, params, protocol.BackupContentsOf(id.Device, id.Account, id.DeviceID, nil))
	if err != nil {
		return fmt.Errorf("client: encrypt key store: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("client: key store dir: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".keys-*")
	if err != nil {
		return fmt.Errorf("client: key store: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(archive); err != nil {
		tmp.Close()
		return fmt.Errorf("client: write key store: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("client: sync key store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("client: close key store: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("client: install key store: %w", err)
	}
	return nil
}

// LoadIdentity reads a key store written by SaveIdentity; a wrong passphrase is
// protocol.ErrBadPassphrase.
func LoadIdentity(path string, passphrase []byte) (Identity, error) {
	archive, err := os.ReadFile(path)
	if err != nil {
		return Identity{}, fmt.Errorf("client: read key store: %w", err)
	}
	c, err := protocol.Restore(passphrase, archive)
	if err != nil {
		return Identity{}, fmt.Errorf("client: open key store: %w", err)
	}
	d, err := c.Device()
	if err != nil {
		return Identity{}, fmt.Errorf("client: key store device: %w", err)
	}
	return Identity{Account: common.BytesToAddress(c.Account), DeviceID: c.DeviceID, Device: d}, nil
}
