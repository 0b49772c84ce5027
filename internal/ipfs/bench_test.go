package ipfs

import (
	"encoding/binary"
	"sync/atomic"
	"testing"
)

// BenchmarkPutRaw stores and pins distinct 1 KiB envelopes, one at a time and from parallel
// goroutines (8 per CPU, as the relay's many senders), and reports blocks per second.
func BenchmarkPutRaw(b *testing.B) {
	for _, bc := range []struct {
		name     string
		parallel bool
	}{
		{"serial", false},
		{"parallel", true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			n := openNode(b, b.TempDir(), nil)
			var seq atomic.Uint64
			b.ResetTimer()
			put := func(buf []byte) {
				binary.BigEndian.PutUint64(buf, seq.Add(1))
				if _, err := n.PutRaw(b.Context(), buf); err != nil {
					b.Error(err)
				}
			}
			b.SetBytes(1024)
			if bc.parallel {
				b.SetParallelism(8) // goroutines per CPU: the relay stores for many senders at once
				b.RunParallel(func(pb *testing.PB) {
					buf := envelope(0, 1024)
					for pb.Next() {
						put(buf)
					}
				})
			} else {
				buf := envelope(0, 1024)
				for range b.N {
					put(buf)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
		})
	}
}
