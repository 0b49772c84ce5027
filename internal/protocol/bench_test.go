package protocol

import (
	"crypto/rand"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// cpuTime returns the CPU time (user + system) the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the metric cpu-ns/op: CPU time of all threads per iteration since start, which other
// processes on a loaded machine inflate far less than wall time. Divided by the CPUs used, it
// approximates the wall time on an idle machine.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkMessageSealOpen1KiB measures the symmetric part of a 1 KiB message: ratchet step, AEAD seal
// and open with the header AAD (what the 20 µs target covers; signatures are measured separately).
func BenchmarkMessageSealOpen1KiB(b *testing.B) {
	pt := make([]byte, 1024)
	env := &Envelope{Version: Version, Kind: KindMessage, Conversation: make([]byte, 32), Sender: make([]byte, 20), Device: 1, Chain: make([]byte, chainIDLen)}
	var ck [32]byte
	b.SetBytes(int64(len(pt)))
	start := cpuTime(b)
	for b.Loop() {
		mk, next := ratchet(ck)
		aad := env.aad()
		ct := mk.seal(aad, pt)
		if _, err := mk.open(aad, ct); err != nil {
			b.Fatal(err)
		}
		ck = next
	}
	reportCPU(b, start)
}

// BenchmarkEnvelopeSealOpen1KiB measures Session.Seal + Session.Open of a 1 KiB message end to end:
// ratchet, AEAD, deterministic CBOR, Ed25519 sign and verify, CID.
func BenchmarkEnvelopeSealOpen1KiB(b *testing.B) {
	alice, bob := newParty(b, SuiteX25519, 0xa, 1), newParty(b, SuiteX25519, 0xb, 1)
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	conv := [32]byte{9}
	tweak := func(c *SessionConfig) { c.MaxMessages = 1 << 31 }
	sA := newTestSession(b, conv, alice, []party{alice, bob}, clk, tweak)
	sB := newTestSession(b, conv, bob, []party{alice, bob}, clk, tweak)
	pt := make([]byte, 1024)
	if _, err := sB.Open(mustSeal(b, sA, "start")); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(pt)))
	start := cpuTime(b)
	for b.Loop() {
		env, _, err := sA.Seal(pt)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sB.Open(env); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkWrapChainKey measures wrapping a new chain key to n recipient devices.
func BenchmarkWrapChainKey(b *testing.B) {
	for _, suite := range []Suite{SuiteX25519, SuiteXWing} {
		for _, n := range []int{1, 10, 100} {
			b.Run(fmt.Sprintf("suite=%d/devices=%d", suite, n), func(b *testing.B) {
				var to []recipient
				for i := range n {
					d := testDevice(b, suite, byte(i))
					pk, err := suite.kem().NewPublicKey(d.Keys().KEMPublicKey)
					if err != nil {
						b.Fatal(err)
					}
					to = append(to, recipient{Member{common.Address{byte(i)}, 1, d.Keys()}, pk})
				}
				c := &sendChain{epoch: 1}
				rand.Read(c.ck[:])
				start := cpuTime(b)
				for b.Loop() {
					if _, err := wrapChainKey([32]byte{}, c, deviceRef{common.Address{0xff}, 1}, to); err != nil {
						b.Fatal(err)
					}
				}
				reportCPU(b, start)
			})
		}
	}
}

// BenchmarkDecodeVerify measures what the relay does per envelope: DecodeEnvelope + VerifySignature.
func BenchmarkDecodeVerify(b *testing.B) {
	alice, bob := newParty(b, SuiteX25519, 0xa, 1), newParty(b, SuiteX25519, 0xb, 1)
	sA := newTestSession(b, [32]byte{1}, alice, []party{alice, bob}, &clock{now: time.Unix(0, 0)}, nil)
	mustSeal(b, sA, "start")
	env := mustSeal(b, sA, string(make([]byte, 1024)))
	key := alice.member.Keys.SigningKey
	b.SetBytes(int64(len(env)))
	start := cpuTime(b)
	for b.Loop() {
		e, err := DecodeEnvelope(env)
		if err != nil {
			b.Fatal(err)
		}
		if err := e.VerifySignature(key); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkOpenWithSkippedKeys measures Session.Open of in-order messages while the receiver holds
// close to DefaultMaxSkippedKeys skipped keys (after lost messages), i.e. the cost of its housekeeping.
func BenchmarkOpenWithSkippedKeys(b *testing.B) {
	alice, bob := newParty(b, SuiteX25519, 0xa, 1), newParty(b, SuiteX25519, 0xb, 1)
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	tweak := func(c *SessionConfig) { c.MaxMessages = 1 << 31 }
	sA := newTestSession(b, [32]byte{9}, alice, []party{alice, bob}, clk, tweak)
	sB := newTestSession(b, [32]byte{9}, bob, []party{alice, bob}, clk, tweak)
	for i := range DefaultMaxSkippedKeys + 1 {
		env := mustSeal(b, sA, "lost")
		if i%DefaultMaxSkip == 0 {
			if _, err := sB.Open(env); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, _, skipped := chainState(sB); skipped < DefaultMaxSkippedKeys-5 {
		b.Fatalf("%d skipped keys", skipped)
	}
	envs := make([][]byte, b.N)
	for i := range envs {
		envs[i] = mustSeal(b, sA, "x")
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := sB.Open(envs[i]); err != nil {
			b.Fatal(err)
		}
	}
}
