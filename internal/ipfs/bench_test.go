package ipfs

import (
	"encoding/binary"
	"strconv"
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

// BenchmarkPutMany stores and pins distinct 1 KiB envelopes in batches, as the relay's commit
// pipeline does, and reports blocks per second.
func BenchmarkPutMany(b *testing.B) {
	for _, size := range []int{16, 256} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			n := openNode(b, b.TempDir(), nil)
			batch := make([][]byte, size)
			seq := 0
			b.SetBytes(int64(1024 * size))
			for b.Loop() {
				for i := range batch {
					seq++
					batch[i] = envelope(0, 1024)
					binary.BigEndian.PutUint64(batch[i], uint64(seq))
				}
				if _, err := n.PutMany(b.Context(), batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "blocks/s")
		})
	}
}
