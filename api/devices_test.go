package api

import (
	"crypto/ed25519"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/google/uuid"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/store/chaindb"
)

// registerDevice stores a DeviceAdded event as the indexer would (chain 31337, the default
// device chain of test servers).
func (e *testEnv) registerDevice(account string, deviceID int64, pub ed25519.PublicKey, sigValid bool) {
	e.t.Helper()
	n, err := chaindb.New(e.srv.db).InsertDeviceAdded(e.t.Context(), chaindb.InsertDeviceAddedParams{
		ChainID: 31337, TxHashes: [][]byte{randomBytes(32)}, LogIndexes: []int32{0}, BlockNumbers: []int64{1},
		BlockHashes: [][]byte{randomBytes(32)}, Accounts: [][]byte{common.HexToAddress(account).Bytes()},
		DeviceIds: []int64{deviceID}, SigningKeys: [][]byte{pub}, KeyAgreementKeys: [][]byte{randomBytes(32)},
		Suites: []int16{1}, Seqs: []int64{deviceID}, DeviceSigs: [][]byte{randomBytes(64)}, SigValids: []bool{sigValid},
	})
	if err != nil || n != 1 {
		e.t.Fatalf("insert device: %d rows, %v", n, err)
	}
}

func TestDeviceProof(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, bob := e.login(), e.login()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	badPub, badPriv, _ := ed25519.GenerateKey(nil)
	e.registerDevice(alice.address, 1, pub, true)
	e.registerDevice(alice.address, 2, badPub, false)

	challenge := func(u user, device int64) string {
		var ch gen.DeviceChallenge
		e.must(http.StatusCreated, request{method: http.MethodPost, path: "/v1/auth/device/challenge", token: u.tokens.AccessToken, body: gen.DeviceChallengeRequest{DeviceId: device}}).decode(t, &ch)
		return ch.Challenge
	}
	sign := func(key ed25519.PrivateKey, u user, device int64, sid uuid.UUID, ch string) string {
		return hexutil.Encode(ed25519.Sign(key, deviceProofMessage("parley.test", 31337, u.address, device, sid, ch)))
	}
	tests := []struct {
		name   string
		caller user
		device int64
		proof  func(ch string) gen.DeviceProof
		status int
	}{
		{name: "wrong key", caller: alice, device: 1, proof: func(ch string) gen.DeviceProof {
			return gen.DeviceProof{DeviceId: 1, Challenge: ch, Signature: sign(badPriv, alice, 1, alice.tokens.SessionId, ch)}
		}, status: http.StatusForbidden},
		{name: "signed for another session", caller: alice, device: 1, proof: func(ch string) gen.DeviceProof {
			return gen.DeviceProof{DeviceId: 1, Challenge: ch, Signature: sign(priv, alice, 1, uuid.New(), ch)}
		}, status: http.StatusForbidden},
		{name: "challenge for another device", caller: alice, device: 2, proof: func(ch string) gen.DeviceProof {
			return gen.DeviceProof{DeviceId: 1, Challenge: ch, Signature: sign(priv, alice, 1, alice.tokens.SessionId, ch)}
		}, status: http.StatusForbidden},
		{name: "device with invalid self-signature", caller: alice, device: 2, proof: func(ch string) gen.DeviceProof {
			return gen.DeviceProof{DeviceId: 2, Challenge: ch, Signature: sign(badPriv, alice, 2, alice.tokens.SessionId, ch)}
		}, status: http.StatusForbidden},
		{name: "someone else's device", caller: bob, device: 1, proof: func(ch string) gen.DeviceProof {
			return gen.DeviceProof{DeviceId: 1, Challenge: ch, Signature: sign(priv, bob, 1, bob.tokens.SessionId, ch)}
		}, status: http.StatusForbidden},
		{name: "unknown challenge", caller: alice, device: 1, proof: func(string) gen.DeviceProof {
			ch := hex.EncodeToString(randomBytes(32))
			return gen.DeviceProof{DeviceId: 1, Challenge: ch, Signature: sign(priv, alice, 1, alice.tokens.SessionId, ch)}
		}, status: http.StatusForbidden},
		{name: "malformed signature", caller: alice, device: 1, proof: func(ch string) gen.DeviceProof {
			return gen.DeviceProof{DeviceId: 1, Challenge: ch, Signature: "0x1234"}
		}, status: http.StatusBadRequest},
		{name: "valid", caller: alice, device: 1, proof: func(ch string) gen.DeviceProof {
			return gen.DeviceProof{DeviceId: 1, Challenge: ch, Signature: sign(priv, alice, 1, alice.tokens.SessionId, ch)}
		}, status: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			resp := e.must(tt.status, request{method: http.MethodPost, path: "/v1/auth/device/verify", token: tt.caller.tokens.AccessToken, body: tt.proof(challenge(tt.caller, tt.device))})
			if tt.status != http.StatusOK {
				resp.problem(t)
				return
			}
			var s gen.Session
			resp.decode(t, &s)
			if s.DeviceId == nil || *s.DeviceId != 1 || !s.Current {
				t.Fatalf("session %+v", s)
			}
		})
	}
	// A used challenge cannot be replayed.
	ch := challenge(alice, 1)
	proof := gen.DeviceProof{DeviceId: 1, Challenge: ch, Signature: sign(priv, alice, 1, alice.tokens.SessionId, ch)}
	e.must(http.StatusOK, request{method: http.MethodPost, path: "/v1/auth/device/verify", token: alice.tokens.AccessToken, body: proof})
	e.must(http.StatusForbidden, request{method: http.MethodPost, path: "/v1/auth/device/verify", token: alice.tokens.AccessToken, body: proof})

	var list struct{ Sessions []gen.Session }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/sessions", token: alice.tokens.AccessToken}).decode(t, &list)
	if len(list.Sessions) != 1 || list.Sessions[0].DeviceId == nil {
		t.Fatalf("sessions %+v", list.Sessions)
	}
	var devices struct{ Devices []gen.Device }
	e.must(http.StatusOK, request{method: http.MethodGet, path: "/v1/users/" + alice.address + "/devices", token: bob.tokens.AccessToken}).decode(t, &devices)
	if len(devices.Devices) != 2 || !devices.Devices[0].Valid || devices.Devices[1].Valid || devices.Devices[0].SigningKey != hexutil.Encode(pub) {
		t.Fatalf("devices %+v", devices.Devices)
	}
	e.must(http.StatusBadRequest, request{method: http.MethodGet, path: "/v1/users/0x12/devices", token: bob.tokens.AccessToken})
}
