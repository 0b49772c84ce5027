package protocol

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func testDevice(t testing.TB, suite Suite, fill byte) *Device {
	t.Helper()
	d, err := NewDevice(bytes.NewReader(bytes.Repeat([]byte{fill}, 64)), suite)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDeviceRegistration(t *testing.T) {
	t.Parallel()
	registry := common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	account := common.HexToAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
	for _, suite := range []Suite{SuiteX25519, SuiteXWing} {
		d := testDevice(t, suite, 7)
		reg := d.Registration(31337, registry, account, 1)
		sig, err := d.SignRegistration(reg)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(reg.SignedBytes()); got != len(registrationDomain)+32+20+20+4+1+32+32 {
			t.Fatalf("suite %d: signed bytes length %d", suite, got)
		}
		flip := func(f func(*DeviceRegistration)) DeviceRegistration { r := reg; f(&r); return r }
		badSig := bytes.Clone(sig)
		badSig[0] ^= 1
		tests := []struct {
			name string
			reg  DeviceRegistration
			sig  []byte
			want error
		}{
			{"valid", reg, sig, nil},
			{"other chain", flip(func(r *DeviceRegistration) { r.ChainID = 1 }), sig, ErrBadSignature},
			{"other registry", flip(func(r *DeviceRegistration) { r.Registry[0] ^= 1 }), sig, ErrBadSignature},
			{"other account", flip(func(r *DeviceRegistration) { r.Account[19] ^= 1 }), sig, ErrBadSignature},
			{"other device id", flip(func(r *DeviceRegistration) { r.DeviceID = 2 }), sig, ErrBadSignature},
			{"other key agreement key", flip(func(r *DeviceRegistration) { r.KeyAgreementKey[5] ^= 1 }), sig, ErrBadSignature},
			{"other suite", flip(func(r *DeviceRegistration) { r.Suite = 3 - r.Suite }), sig, ErrBadSignature},
			{"flipped signature bit", reg, badSig, ErrBadSignature},
			{"short signature", reg, sig[:63], ErrMalformed},
			{"unknown suite", flip(func(r *DeviceRegistration) { r.Suite = 0 }), sig, ErrUnsupportedSuite},
			{"zero device id", flip(func(r *DeviceRegistration) { r.DeviceID = 0 }), sig, ErrMalformed},
			{"zero signing key", flip(func(r *DeviceRegistration) { r.SigningKey = [32]byte{} }), sig, ErrMalformed},
		}
		for _, tt := range tests {
			err := VerifyDeviceRegistration(tt.reg, tt.sig)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("suite %d %s: got %v, want %v", suite, tt.name, err, tt.want)
			}
		}
	}
}

func TestSignDeviceRegistrationRejectsForeignKey(t *testing.T) {
	t.Parallel()
	d, other := testDevice(t, SuiteX25519, 1), testDevice(t, SuiteX25519, 2)
	reg := d.Registration(1, common.Address{1}, common.Address{2}, 1)
	if _, err := other.SignRegistration(reg); !errors.Is(err, ErrMalformed) {
		t.Fatalf("signing another device's registration: got %v, want ErrMalformed", err)
	}
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	d, next := testDevice(t, SuiteX25519, 3), testDevice(t, SuiteX25519, 4)
	rot := KeyRotation{ChainID: 31337, Registry: common.Address{9}, Account: common.Address{8}, DeviceID: 2,
		Suite: SuiteX25519, KeyAgreementKey: next.Keys().KeyAgreementKey()}
	sig, err := SignKeyRotation(d.signing, rot)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyKeyRotation(rot, d.Keys().SigningKey, sig); err != nil {
		t.Fatalf("valid rotation: %v", err)
	}
	if err := VerifyKeyRotation(rot, next.Keys().SigningKey, sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("rotation under another key: got %v", err)
	}
	// A registration signature must never verify as a rotation (domain separation).
	reg := d.Registration(31337, common.Address{9}, common.Address{8}, 2)
	regSig, err := d.SignRegistration(reg)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyKeyRotation(rot, d.Keys().SigningKey, regSig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("registration signature accepted as rotation: %v", err)
	}
}

func TestCheckOnChain(t *testing.T) {
	t.Parallel()
	d := testDevice(t, SuiteXWing, 5)
	k := d.Keys()
	if len(k.KEMPublicKey) != 1216 {
		t.Fatalf("x-wing public key of %d bytes", len(k.KEMPublicKey))
	}
	if err := k.CheckOnChain(SuiteXWing, k.SigningKey, k.KeyAgreementKey()); err != nil {
		t.Fatalf("matching keys: %v", err)
	}
	other := testDevice(t, SuiteXWing, 6).Keys()
	if err := other.CheckOnChain(SuiteXWing, k.SigningKey, k.KeyAgreementKey()); !errors.Is(err, ErrStaleKey) {
		t.Fatalf("swapped x-wing key: got %v, want ErrStaleKey", err)
	}
}
