package protocol

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestLinkChannelRules(t *testing.T) {
	t.Parallel()
	old := testDevice(t, SuiteX25519, 1)
	inv, err := NewLinkInvite(bytes.NewReader(fill(7, 32)), old)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	offer := &LinkMessage{Type: LinkOffer, ChainID: 1, Registry: fill(1, 20), Account: fill(2, 20), DeviceID: 2}
	tests := []struct {
		name string
		run  func(oldSide, newSide *LinkChannel) error
		want error
	}{
		{"new device cannot send an offer", func(_, n *LinkChannel) error { _, err := n.Seal(offer); return err }, ErrMalformed},
		{"old device starts with data", func(o, _ *LinkChannel) error {
			_, err := o.Seal(&LinkMessage{Type: LinkData, Data: []byte("x")})
			return err
		}, ErrMalformed},
		{"empty data chunk", func(o, _ *LinkChannel) error {
			if _, err := o.Seal(offer); err != nil {
				return err
			}
			_, err := o.Seal(&LinkMessage{Type: LinkData, Data: []byte{}})
			return err
		}, ErrMalformed},
		{"frame after the secret expired", func(o, n *LinkChannel) error {
			f, err := o.Seal(offer)
			if err != nil {
				return err
			}
			clk.now = clk.now.Add(LinkLifetime)
			_, err = n.Open(f)
			return err
		}, ErrStaleKey},
		{"oversize frame", func(_, n *LinkChannel) error {
			_, err := n.Open(make([]byte, MaxLinkPlaintextSize+aeadOverhead+1))
			return err
		}, ErrOversize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.now = time.Unix(1_700_000_000, 0)
			o, err := NewLinkChannel(inv, LinkOldDevice, clk.now.Add(LinkLifetime), clk.Now)
			if err != nil {
				t.Fatal(err)
			}
			n, err := NewLinkChannel(inv, LinkNewDevice, clk.now.Add(LinkLifetime), clk.Now)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.run(o, n); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}
