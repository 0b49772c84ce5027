package client

import (
	"crypto/rand"
	"fmt"
	"os"

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
	return writeAtomic(path, ".keys-*", archive)
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
