package protocol

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

const safetyNumberDomain = "parley/safety-number/v1"

// SafetyQRVersion is the first byte of a safety-number QR payload.
const SafetyQRVersion = 1

// Party is one side of a safety-number comparison: an account and its active devices.
type Party struct {
	// Account is the party's account address.
	Account common.Address
	// Devices are the party's active device keys, in any order.
	Devices []DeviceKeys
}

// fingerprint is SHA-512(domain || account || count u32 || sorted (suite || signingKey || keyAgreementKey)).
func (p Party) fingerprint() [64]byte {
	entries := make([][]byte, len(p.Devices))
	for i, d := range p.Devices {
		k := d.KeyAgreementKey()
		entries[i] = append(append([]byte{byte(d.Suite)}, d.SigningKey[:]...), k[:]...)
	}
	slices.SortFunc(entries, bytes.Compare)
	h := sha512.New()
	h.Write([]byte(safetyNumberDomain))
	h.Write(p.Account[:])
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(entries))))
	for _, e := range entries {
		h.Write(e)
	}
	return [64]byte(h.Sum(nil))
}

// digits renders the first 30 bytes of a fingerprint as 30 decimal digits (6 groups of 5).
func digits(fp [64]byte) []string {
	groups := make([]string, 6)
	for i := range groups {
		var chunk [8]byte
		copy(chunk[3:], fp[i*5:i*5+5])
		groups[i] = fmt.Sprintf("%05d", binary.BigEndian.Uint64(chunk[:])%100000)
	}
	return groups
}

// SafetyNumber returns the 60-digit safety number of two parties (12 groups of 5, the party with the
// lower account address first) and the QR payload: version || account || fingerprint[:32] for each
// party in the same order. Both sides compute the same values.
func SafetyNumber(a, b Party) (string, []byte) {
	if bytes.Compare(a.Account[:], b.Account[:]) > 0 {
		a, b = b, a
	}
	fa, fb := a.fingerprint(), b.fingerprint()
	qr := []byte{SafetyQRVersion}
	qr = append(append(qr, a.Account[:]...), fa[:32]...)
	qr = append(append(qr, b.Account[:]...), fb[:32]...)
	return strings.Join(append(digits(fa), digits(fb)...), " "), qr
}
