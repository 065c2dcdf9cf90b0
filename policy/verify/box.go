package verify

import (
	"context"
	"slices"
)

// budget bounds the work of one check. Every unit is a small, bounded
// amount of work (one automaton step, one box split).
type budget struct {
	left int
	ctxN int
}

func (b *budget) spend(ctx context.Context, n int) error {
	b.left -= n
	if b.left < 0 {
		return unsupported("the check needs more work than its limit (Options.MaxWork)")
	}
	b.ctxN += n
	if b.ctxN >= 1<<14 {
		b.ctxN = 0
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// A box is a set of requests: per dimension, the set of its states. A
// statement is a box, since it applies when each of its elements does and
// each element reads one dimension.
type box []bitset

func (b box) clone() box {
	out := make(box, len(b))
	for i := range b {
		out[i] = slices.Clone(b[i])
	}
	return out
}

func (b box) empty() bool {
	for _, d := range b {
		if d.empty() {
			return true
		}
	}
	return false
}

// intersects reports whether a and b share a request.
func (b box) intersects(o box) bool {
	for d := range b {
		shared := false
		for i := range b[d] {
			if b[d][i]&o[d][i] != 0 {
				shared = true
				break
			}
		}
		if !shared {
			return false
		}
	}
	return true
}

func (b box) intersect(o box) box {
	out := b.clone()
	for d := range out {
		for i := range out[d] {
			out[d][i] &= o[d][i]
		}
	}
	return out
}

// covers reports whether o holds all of b.
func (o box) covers(b box) bool {
	for d := range b {
		for i := range b[d] {
			if b[d][i]&^o[d][i] != 0 {
				return false
			}
		}
	}
	return true
}

// point returns the first state of each dimension of a non-empty box.
func (b box) point() []int {
	p := make([]int, len(b))
	for d := range b {
		p[d] = b[d].first()
	}
	return p
}

// diff returns a request in b that none of subs holds. It splits b along
// the dimensions of one subtrahend at a time into disjoint boxes, so the
// search is exact: it answers false only when b lies within the union of
// subs.
func diff(ctx context.Context, bud *budget, b box, subs []box) ([]int, bool, error) {
	if err := bud.spend(ctx, 1+len(subs)); err != nil {
		return nil, false, err
	}
	var keep []box
	for _, s := range subs {
		if s.intersects(b) {
			if s.covers(b) {
				return nil, false, nil
			}
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		return b.point(), true, nil
	}
	s, rest := keep[0], keep[1:]
	cur := b.clone()
	for d := range cur {
		rem := slices.Clone(cur[d])
		for i := range rem {
			rem[i] &^= s[d][i]
		}
		if !rem.empty() {
			piece := cur.clone()
			piece[d] = rem
			if p, ok, err := diff(ctx, bud, piece, rest); err != nil || ok {
				return p, ok, err
			}
		}
		for i := range cur[d] {
			cur[d][i] &= s[d][i]
		}
	}
	return nil, false, nil
}
