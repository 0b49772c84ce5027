package protocol

import (
	"encoding/binary"
	"fmt"
	"io"

	"golang.org/x/crypto/argon2"
)

const backupAADDomain = "parley/backup/v1"

// Backup limits (docs/protocol.md §9).
const (
	// MaxBackupSize bounds an encoded backup archive.
	MaxBackupSize = 64 << 20
	backupSaltLen = 16
	backupVersion = 1
)

// Argon2Params are the Argon2id parameters of a backup; they travel in the archive header.
type Argon2Params struct {
	// Time is the number of passes.
	Time uint32
	// MemoryKiB is the memory in KiB.
	MemoryKiB uint32
	// Threads is the parallelism.
	Threads uint8
}

// DefaultArgon2 is the Argon2id setting for new backups (RFC 9106 second recommended option, 64 MiB).
var DefaultArgon2 = Argon2Params{Time: 3, MemoryKiB: 64 << 10, Threads: 4}

func (p Argon2Params) check() error {
	if p.Time < 1 || p.Time > 16 || p.Threads < 1 || p.Threads > 16 || p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > 1<<20 {
		return fmt.Errorf("argon2id parameters %+v out of range: %w", p, ErrMalformed)
	}
	return nil
}

// BackupContents is what a backup restores: the device keys and opaque application data (history).
type BackupContents struct {
	// Suite is the device key suite.
	Suite uint8 `cbor:"1,keyasint"`
	// SigningSeed is the Ed25519 seed.
	SigningSeed []byte `cbor:"2,keyasint"`
	// KEMSeed is the KEM private key.
	KEMSeed []byte `cbor:"3,keyasint"`
	// Account is the owning account address.
	Account []byte `cbor:"4,keyasint"`
	// DeviceID is the device id.
	DeviceID uint32 `cbor:"5,keyasint"`
	// Data is opaque application data, such as message history.
	Data []byte `cbor:"6,keyasint,omitempty"`
}

type backupArchive struct {
	Version    uint64 `cbor:"1,keyasint"`
	Time       uint32 `cbor:"2,keyasint"`
	MemoryKiB  uint32 `cbor:"3,keyasint"`
	Threads    uint8  `cbor:"4,keyasint"`
	Salt       []byte `cbor:"5,keyasint"`
	Nonce      []byte `cbor:"6,keyasint"`
	Ciphertext []byte `cbor:"7,keyasint"`
}

// BackupContentsOf returns the backup contents of a device.
func BackupContentsOf(d *Device, account [20]byte, deviceID uint32, data []byte) BackupContents {
	return BackupContents{Suite: uint8(d.suite), SigningSeed: d.signingSeed[:], KEMSeed: d.kemSeed[:], Account: account[:], DeviceID: deviceID, Data: data}
}

// Device rebuilds the device from restored contents.
func (c *BackupContents) Device() (*Device, error) {
	if len(c.SigningSeed) != 32 || len(c.KEMSeed) != 32 {
		return nil, fmt.Errorf("backup seeds: %w", ErrMalformed)
	}
	return DeviceFromSeeds(Suite(c.Suite), [32]byte(c.SigningSeed), [32]byte(c.KEMSeed))
}

func (a *backupArchive) aad() []byte {
	b := append([]byte(backupAADDomain), byte(a.Version))
	b = binary.BigEndian.AppendUint32(b, a.Time)
	b = binary.BigEndian.AppendUint32(b, a.MemoryKiB)
	b = append(b, a.Threads)
	return append(b, a.Salt...)
}

func (a *backupArchive) key(passphrase []byte) [32]byte {
	return [32]byte(argon2.IDKey(passphrase, a.Salt, a.Time, a.MemoryKiB, a.Threads, 32))
}

// Backup encrypts contents under a key derived from passphrase with Argon2id, reading the 16-byte salt
// and the 12-byte nonce from rand.
func Backup(rand io.Reader, passphrase []byte, p Argon2Params, c BackupContents) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	pt, err := encMode.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encode backup contents: %w", err)
	}
	a := &backupArchive{Version: backupVersion, Time: p.Time, MemoryKiB: p.MemoryKiB, Threads: p.Threads,
		Salt: make([]byte, backupSaltLen), Nonce: make([]byte, 12)}
	if _, err := io.ReadFull(rand, a.Salt); err != nil {
		return nil, fmt.Errorf("read backup salt: %w", err)
	}
	if _, err := io.ReadFull(rand, a.Nonce); err != nil {
		return nil, fmt.Errorf("read backup nonce: %w", err)
	}
	a.Ciphertext = newAEAD(a.key(passphrase)).Seal(nil, a.Nonce, pt, a.aad())
	return encMode.Marshal(a)
}

// Restore decrypts a backup archive. It returns ErrOversize, ErrMalformed, ErrUnsupportedVersion or
// ErrBadPassphrase.
func Restore(passphrase, archive []byte) (*BackupContents, error) {
	a, err := parseBackup(archive)
	if err != nil {
		return nil, err
	}
	pt, err := newAEAD(a.key(passphrase)).Open(nil, a.Nonce, a.Ciphertext, a.aad())
	if err != nil {
		return nil, ErrBadPassphrase
	}
	var c BackupContents
	if err := decMode.Unmarshal(pt, &c); err != nil {
		return nil, fmt.Errorf("decode backup contents: %w: %w", ErrMalformed, err)
	}
	return &c, nil
}

// parseBackup decodes and checks an archive header without deriving the key.
func parseBackup(archive []byte) (*backupArchive, error) {
	if len(archive) > MaxBackupSize {
		return nil, fmt.Errorf("backup of %d bytes: %w", len(archive), ErrOversize)
	}
	var a backupArchive
	if err := decMode.Unmarshal(archive, &a); err != nil {
		return nil, fmt.Errorf("decode backup: %w: %w", ErrMalformed, err)
	}
	if a.Version != backupVersion {
		return nil, fmt.Errorf("backup version %d: %w", a.Version, ErrUnsupportedVersion)
	}
	if err := (Argon2Params{a.Time, a.MemoryKiB, a.Threads}).check(); err != nil {
		return nil, err
	}
	if len(a.Salt) != backupSaltLen || len(a.Nonce) != 12 || len(a.Ciphertext) < aeadOverhead {
		return nil, fmt.Errorf("backup salt, nonce or ciphertext size: %w", ErrMalformed)
	}
	return &a, nil
}
