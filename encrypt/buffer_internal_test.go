package encrypt

import "testing"

// TestBufferClass: a buffer holds the object, wastes at most a quarter of
// it beyond the smallest class, and comes back to the pool it came from.
func TestBufferClass(t *testing.T) {
	for _, n := range []int{0, 1, 100 << 10, 128 << 10, 128<<10 + 1, 1 << 20, 1<<20 + 1, 5 << 20, 64<<20 + 16, 1<<30 + 16} {
		c, k, size := bufferClass(n)
		if size < n || n > 128<<10 && float64(size) > 1.25*float64(n)+1 {
			t.Errorf("n=%d: size %d", n, size)
		}
		if c2, k2, size2 := bufferClass(size); c2 != c || k2 != k || size2 != size {
			t.Errorf("n=%d: size %d is in class %d/%d, not %d/%d", n, size, c2, k2, c, k)
		}
		if k < 1 || k > 4 {
			t.Errorf("n=%d: k=%d", n, k)
		}
	}
	if _, _, size := bufferClass(64<<20 + 16); size != 80<<20 {
		t.Errorf("64 MiB + 16: %d", size)
	}
	b := getBuffer(3 << 20)
	putBuffer(b)
	putBuffer(make([]byte, 3<<20+1)) // not a class size: dropped
}
