package api

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG decoder for avatar checks
	_ "image/png"  // registers the PNG decoder for avatar checks
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/ipfs/go-cid"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/internal/store/appdb"
)

// BlockStore stores and pins raw IPFS blocks; *ipfs.Node satisfies it.
type BlockStore interface {
	PutRaw(ctx context.Context, data []byte) (cid.Cid, error)
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
// bounds), pins it as a raw block and sets its CID on the caller's profile.
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
	ctx := c.Request().Context()
	id, err := s.blocks.PutRaw(ctx, data)
	if err != nil {
		return fmt.Errorf("pin avatar: %w", err)
	}
	row, err := s.q.SetAvatar(ctx, appdb.SetAvatarParams{Account: account(c), AvatarCid: ptrText(id.String()), Now: ts(s.now())})
	return jsonOr(c, http.StatusOK, profileOf(appdb.GetProfileRow(row)), wrap("set avatar", err))
}
