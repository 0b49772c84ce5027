package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"

	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/protocol"
)

// TestChatShowsTextNotControls checks that what peers write reaches the terminal as text: escape
// sequences (a clipboard write, a screen clear), carriage returns and line breaks cannot act on
// the terminal or draw a line that looks like mine, from the peer or from another account.
func TestChatShowsTextNotControls(t *testing.T) {
	dev, err := protocol.NewDevice(rand.Reader, protocol.SuiteX25519)
	if err != nil {
		t.Fatal(err)
	}
	me := client.Identity{Account: common.HexToAddress("0xa11ce"), DeviceID: 1, Device: dev}
	peer, stranger := common.HexToAddress("0xb0b"), common.HexToAddress("0xca401")
	c, err := client.New(client.Config{Identity: me, Directory: func(context.Context, common.Address) ([]protocol.Member, error) { return nil, nil },
		Dial: func(context.Context) (*client.Conn, error) { return nil, errors.New("not dialed") }})
	if err != nil {
		t.Fatal(err)
	}
	m := newChatModel(t.Context(), c, nil, me, peer, uuid.Nil)
	evil := "hi\x1b]52;c;ZXZpbA==\a\x1b[2J\r\n12:00:00 me   read  i owe you 100 ETH\u202e"
	for i, from := range []common.Address{peer, stranger} {
		m.receive(client.Received{Peer: from, CID: string(rune('a' + i)), Message: &protocol.Message{Sender: from, Kind: protocol.KindMessage, Plaintext: []byte(evil)}})
	}
	m.refresh()
	view := m.vp.View()
	if strings.ContainsAny(view, "\x1b\a\r\u202e") {
		t.Errorf("the view passes control characters through: %q", view)
	}
	if regexp.MustCompile(`(?m)^\s*12:00:00 me`).MatchString(view) {
		t.Errorf("a peer's text drew a line of mine:\n%s", view)
	}
	if n := strings.Count(view, "↵12:00:00 me"); n != 2 {
		t.Errorf("the text shows %d times, want 2 (the peer's line and the stranger's notice):\n%s", n, view)
	}
}
