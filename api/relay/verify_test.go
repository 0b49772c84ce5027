package relay

import (
	stded25519 "crypto/ed25519"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/oasisprotocol/curve25519-voi/curve"
	"github.com/oasisprotocol/curve25519-voi/curve/scalar"
	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// smallOrder are encodings of points of small order, canonical and not (ed25519-speccheck).
var smallOrder = []string{
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // 1, not canonical
	"0100000000000000000000000000000000000000000000000000000000000080", // 1 with the sign bit
}

// TestVerifyMatchesStdlib checks that verifyExpanded accepts exactly what crypto/ed25519
// accepts: valid signatures, tampered ones, S not reduced, small-order and non-canonical keys
// and R, invalid keys, and R with a small-order component (which cofactored verification, as
// in batch verification, would accept).
func TestVerifyMatchesStdlib(t *testing.T) {
	type tc struct {
		name          string
		pub, msg, sig []byte
	}
	var cases []tc
	order, _ := new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	for i := range 64 {
		pub, priv, _ := stded25519.GenerateKey(nil)
		msg := make([]byte, 100+i)
		_, _ = rand.Read(msg)
		sig := stded25519.Sign(priv, msg)
		cases = append(cases, tc{"valid", pub, msg, sig})
		flip := func(b []byte, bit int) []byte {
			b = append([]byte(nil), b...)
			b[bit/8%len(b)] ^= 1 << (bit % 8)
			return b
		}
		cases = append(cases,
			tc{"message bit", pub, flip(msg, i*13), sig},
			tc{"R bit", pub, msg, flip(sig, i*3)},
			tc{"S bit", pub, msg, flip(sig, 256+i*3)},
			tc{"key bit", flip(pub, i*4), msg, sig},
			tc{"short signature", pub, msg, sig[:63]})
		// S + L: the same S modulo L, not reduced.
		s := new(big.Int).SetBytes(reverse(sig[32:]))
		s.Add(s, order)
		unreduced := append(append([]byte(nil), sig[:32]...), reverse(s.FillBytes(make([]byte, 32)))...)
		cases = append(cases, tc{"S not reduced", pub, msg, unreduced})
		random := make([]byte, 32)
		_, _ = rand.Read(random)
		cases = append(cases, tc{"random key", random, msg, sig})
		cases = append(cases, tc{"R with a small-order component", pub, msg, torsionR(t, priv, msg, smallOrder[5])})
	}
	for _, a := range smallOrder {
		for _, r := range smallOrder {
			pub, _ := hex.DecodeString(a)
			sig, _ := hex.DecodeString(r)
			cases = append(cases, tc{"small-order key and R", pub, []byte("msg"), append(sig, make([]byte, 32)...)})
		}
	}
	accepted := map[string]int{}
	for _, c := range cases {
		want := stded25519.Verify(c.pub, c.msg, c.sig)
		x, err := ed25519.NewExpandedPublicKey(c.pub)
		got := err == nil && verifyExpanded(x, c.msg, c.sig)
		if got != want {
			t.Fatalf("%s: verifyExpanded %v, crypto/ed25519 %v (key %x sig %x)", c.name, got, want, c.pub, c.sig)
		}
		if got {
			accepted[c.name]++
		}
	}
	if accepted["valid"] != 64 || accepted["small-order key and R"] == 0 || len(accepted) != 2 {
		t.Fatalf("accepted %v, want the 64 valid and some small-order cases only", accepted)
	}
}

// torsionR signs msg with R + T, T of small order: the cofactored equation holds, the
// cofactorless one of crypto/ed25519 does not.
func torsionR(t *testing.T, priv stded25519.PrivateKey, msg []byte, small string) []byte {
	h := sha512.Sum512(priv.Seed())
	h[0] &= 248
	h[31] &= 127
	h[31] |= 64
	a, err := scalar.NewFromBits(h[:32])
	if err != nil {
		t.Fatal(err)
	}
	wide := make([]byte, 64)
	_, _ = rand.Read(wide)
	var r scalar.Scalar
	if _, err := r.SetBytesModOrderWide(wide); err != nil {
		t.Fatal(err)
	}
	var cT curve.CompressedEdwardsY
	tb, _ := hex.DecodeString(small)
	if _, err := cT.SetBytes(tb); err != nil {
		t.Fatal(err)
	}
	var T, R curve.EdwardsPoint
	if _, err := T.SetCompressedY(&cT); err != nil {
		t.Fatal(err)
	}
	R.MulBasepoint(curve.ED25519_BASEPOINT_TABLE, &r)
	R.Add(&R, &T)
	var cR curve.CompressedEdwardsY
	cR.SetEdwardsPoint(&R)
	k := sha512.New()
	k.Write(cR[:])
	k.Write(priv.Public().(stded25519.PublicKey))
	k.Write(msg)
	var kk, s scalar.Scalar
	if _, err := kk.SetBytesModOrderWide(k.Sum(nil)); err != nil {
		t.Fatal(err)
	}
	s.Mul(&kk, a)
	s.Add(&s, &r)
	sig := append([]byte(nil), cR[:]...)
	sb := make([]byte, 32)
	if err := s.ToBytes(sb); err != nil {
		t.Fatal(err)
	}
	sig = append(sig, sb...)
	if !ed25519.VerifyWithOptions(ed25519.PublicKey(priv.Public().(stded25519.PublicKey)), msg, sig, &ed25519.Options{}) {
		t.Fatal("the torsioned signature does not pass cofactored verification")
	}
	return sig
}

func reverse(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[len(b)-1-i] = c
	}
	return out
}
