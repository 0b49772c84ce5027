package api

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/store/appdb"
)

// deviceProofMessage is what a device signs to bind a session to itself (see the OpenAPI
// description of verifyDeviceProof).
func deviceProofMessage(domain string, chainID int64, account string, deviceID int64, sid uuid.UUID, challenge string) []byte {
	return []byte(strings.Join([]string{
		"parley-device-proof-v1", domain, strconv.FormatInt(chainID, 10), account,
		strconv.FormatInt(deviceID, 10), sid.String(), challenge,
	}, "\n"))
}

// CreateDeviceChallenge issues a single-use challenge bound to the caller's session and device.
func (s *Server) CreateDeviceChallenge(c echo.Context) error {
	var in gen.DeviceChallengeRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	sid, _ := c.Get(ctxSession).(uuid.UUID)
	out := gen.DeviceChallenge{Challenge: hex.EncodeToString(randomBytes(32)), ExpiresAt: s.now().Add(s.cfg.NonceTTL).UTC()}
	err := s.q.InsertDeviceChallenge(c.Request().Context(), appdb.InsertDeviceChallengeParams{
		Challenge: out.Challenge, SessionID: pgUUID(sid), DeviceID: in.DeviceId, ExpiresAt: ts(out.ExpiresAt),
	})
	return jsonOr(c, http.StatusCreated, out, wrap("insert device challenge", err))
}

// VerifyDeviceProof binds the caller's session to a registered, unrevoked device whose
// signing key signed the challenge.
func (s *Server) VerifyDeviceProof(c echo.Context) error {
	var in gen.DeviceProof
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx, me, now := c.Request().Context(), account(c), s.now()
	sid, _ := c.Get(ctxSession).(uuid.UUID)
	sig := hexutil.MustDecode(in.Signature) // the schema guarantees 0x and 128 hex digits
	var row appdb.BindSessionDeviceRow
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		_, err := q.ConsumeDeviceChallenge(ctx, appdb.ConsumeDeviceChallengeParams{Challenge: in.Challenge, SessionID: pgUUID(sid), DeviceID: in.DeviceId, Now: ts(now)})
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrForbidden.with("the challenge is unknown, expired, used or for another device", err)
		}
		if err != nil {
			return fmt.Errorf("consume device challenge: %w", err)
		}
		key, err := q.ActiveDeviceSigningKey(ctx, appdb.ActiveDeviceSigningKeyParams{ChainID: s.cfg.DeviceChainID, Account: me, DeviceID: in.DeviceId})
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrForbidden.with("no valid, unrevoked device with this id is registered for you", err)
		}
		if err != nil {
			return fmt.Errorf("device signing key: %w", err)
		}
		msg := deviceProofMessage(s.cfg.domain(), s.cfg.DeviceChainID, me, in.DeviceId, sid, in.Challenge)
		if len(key) != ed25519.PublicKeySize || !ed25519.Verify(key, msg, sig) {
			return ErrForbidden.with("the device signature is not valid", nil)
		}
		row, err = q.BindSessionDevice(ctx, appdb.BindSessionDeviceParams{ID: pgUUID(sid), DeviceID: pgtype.Int8{Int64: in.DeviceId, Valid: true}})
		return wrap("bind session device", err)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sessionOf(row, sid))
}

// ListUserDevices answers an account's devices as the indexer sees them, then its gasless
// registrations that the indexer has not seen yet.
func (s *Server) ListUserDevices(c echo.Context, address gen.PeerAddress) error {
	rows, err := s.q.ListAccountDevicesWithPending(c.Request().Context(), appdb.ListAccountDevicesWithPendingParams{
		ChainID: s.cfg.DeviceChainID, Account: strings.ToLower(address), Now: ts(s.now()),
	})
	if err != nil {
		return fmt.Errorf("list devices: %w", err)
	}
	out := make([]gen.Device, 0, len(rows))
	for _, r := range rows {
		d := gen.Device{
			DeviceId: r.DeviceID, Suite: int(r.Suite), SigningKey: hexutil.Encode(r.SigningKey), KeyAgreementKey: hexutil.Encode(r.KeyAgreementKey),
			Valid: r.SigValid, Revoked: r.Revoked, Final: r.Final, State: gen.DeviceStateConfirmed,
		}
		if r.Pending {
			hash := hexutil.Encode(r.TxHash)
			d.State, d.TxHash = gen.DeviceStatePending, &hash
		}
		out = append(out, d)
	}
	return c.JSON(http.StatusOK, struct {
		Devices []gen.Device `json:"devices"`
	}{out})
}
