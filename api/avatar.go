package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG decoder for avatar checks
	_ "image/png"  // registers the PNG decoder for avatar checks
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/go-cid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/internal/store/appdb"
)

// BlockStore stores, pins and unpins raw IPFS blocks; *ipfs.Node satisfies it. Avatars are
// kept pins, which the history TTL does not unpin.
type BlockStore interface {
	PutKept(ctx context.Context, data []byte) (cid.Cid, error)
	Unpin(ctx context.Context, c cid.Cid) error
}

// Avatar limits.
const (
	avatarPath      = "/v1/me/avatar"
	maxAvatarBytes  = 1 << 20
	maxAvatarPixels = 2048
)

// avatarTypes maps the accepted declared content types to the image format they must sniff as.
var avatarTypes = map[string]string{"image/png": "png", "image/jpeg": "jpeg"}

var registerImageDecoders sync.Once

// registerAvatarBodyDecoders lets the OpenAPI validator accept image bodies (kin-openapi keeps
// its decoders in a package-level registry).
func registerAvatarBodyDecoders() {
	registerImageDecoders.Do(func() {
		for ct := range avatarTypes {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
	})
}

// PutMyAvatar checks the image (declared type matches its content, size and dimensions in
// bounds), pins it as a raw block and sets its CID on the caller's profile, then unpins the
// avatar it replaced unless another profile shows it.
func (s *Server) PutMyAvatar(c echo.Context) error {
	if s.blocks == nil {
		return ErrUnavailable.with("avatar uploads are not configured on this server", nil)
	}
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return ErrInvalidRequest.with("the body could not be read", err)
	}
	declared := avatarTypes[c.Request().Header.Get(echo.HeaderContentType)]
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	switch {
	case err != nil:
		return ErrInvalidRequest.with("the body is not a PNG or JPEG image", err)
	case format != declared:
		return ErrInvalidRequest.with(fmt.Sprintf("the body is %s, not the declared type", format), nil)
	case cfg.Width > maxAvatarPixels || cfg.Height > maxAvatarPixels || cfg.Width == 0 || cfg.Height == 0:
		return ErrInvalidRequest.with(fmt.Sprintf("an avatar has at most %d×%d pixels", maxAvatarPixels, maxAvatarPixels), nil)
	}
	ctx, me := c.Request().Context(), account(c)
	want := merkledag.NewRawNode(data).Cid() // the CID PutKept gives the image, to lock before pinning it
	var (
		old pgtype.Text
		row appdb.SetAvatarRow
	)
	err = s.changeProfile(ctx, func(q *appdb.Queries) error {
		if err := q.AdvisoryXactLock(ctx, lockAvatar+want.String()); err != nil {
			return fmt.Errorf("lock avatar: %w", err)
		}
		var err error
		if old, err = q.AvatarOf(ctx, me); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("avatar of: %w", err)
		}
		id, err := s.blocks.PutKept(ctx, data)
		if err != nil {
			return fmt.Errorf("pin avatar: %w", err)
		}
		if id != want {
			return fmt.Errorf("pin avatar: stored as %s, locked as %s", id, want)
		}
		row, err = q.SetAvatar(ctx, appdb.SetAvatarParams{Account: me, AvatarCid: ptrText(id.String()), Now: ts(s.now())})
		return wrap("set avatar", err)
	})
	if err != nil {
		return err
	}
	if old.Valid && old != row.AvatarCid {
		// Committed: a client gone now must not leave the old image pinned.
		s.unpinAvatar(context.WithoutCancel(ctx), old.String)
	}
	return c.JSON(http.StatusOK, profileOf(appdb.GetProfileRow(row)))
}

// unpinAvatar unpins a replaced avatar unless a profile shows it (checked under the CID's lock,
// which setting that avatar holds while it pins); a failure is logged and leaves the image pinned.
func (s *Server) unpinAvatar(ctx context.Context, old string) {
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		if err := q.AdvisoryXactLock(ctx, lockAvatar+old); err != nil {
			return fmt.Errorf("lock avatar: %w", err)
		}
		inUse, err := q.AvatarInUse(ctx, ptrText(old))
		if err != nil || inUse {
			return wrap("avatar in use", err)
		}
		id, err := cid.Decode(old)
		if err != nil {
			return fmt.Errorf("decode cid: %w", err)
		}
		return s.blocks.Unpin(ctx, id)
	})
	if err != nil {
		s.log.Warn("unpin replaced avatar", "cid", old, "err", err)
	}
}
