package client

import (
	"slices"
	"testing"
)

func TestAddCounter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    [][2]uint32
		c     uint32
		want  [][2]uint32
		fresh bool
	}{
		{"first", nil, 0, [][2]uint32{{0, 1}}, true},
		{"extends right", [][2]uint32{{0, 3}}, 3, [][2]uint32{{0, 4}}, true},
		{"inside", [][2]uint32{{0, 3}}, 1, [][2]uint32{{0, 3}}, false},
		{"gap", [][2]uint32{{0, 3}}, 5, [][2]uint32{{0, 3}, {5, 6}}, true},
		{"joins both", [][2]uint32{{0, 3}, {4, 6}}, 3, [][2]uint32{{0, 6}}, true},
		{"before all", [][2]uint32{{5, 6}}, 2, [][2]uint32{{2, 3}, {5, 6}}, true},
		{"joins next", [][2]uint32{{0, 1}, {5, 6}}, 4, [][2]uint32{{0, 1}, {4, 6}}, true},
		{"end of second", [][2]uint32{{0, 1}, {5, 7}}, 6, [][2]uint32{{0, 1}, {5, 7}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, fresh := addCounter(slices.Clone(tc.in), tc.c)
			if fresh != tc.fresh || !slices.Equal(got, tc.want) {
				t.Fatalf("addCounter(%v, %d) = %v, %v; want %v, %v", tc.in, tc.c, got, fresh, tc.want, tc.fresh)
			}
		})
	}
}
