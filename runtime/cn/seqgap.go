package cn

// SeqGaps counts messages lost from the gaps in their sequence numbers,
// numbered per source: cn_proc numbers its events with a counter per CPU,
// so a gap in one CPU's numbers is events lost, whether the socket
// overran or the kernel dropped them silently under memory pressure.
//
// The zero value is ready to use. It is not safe for concurrent use.
type SeqGaps struct {
	last map[uint32]uint32
	lost uint64
}

// Observe records seq from source and returns how many numbers were
// skipped since the previous one from that source. The first number of a
// source, and one that does not move forward (a restart or a reorder),
// count no loss; numbers wrap around at 2^32.
func (g *SeqGaps) Observe(source, seq uint32) uint32 {
	if g.last == nil {
		g.last = make(map[uint32]uint32)
	}
	last, seen := g.last[source]
	g.last[source] = seq
	gap := seq - last - 1
	if !seen || gap >= 1<<31 {
		return 0
	}
	g.lost += uint64(gap)
	return gap
}

// Lost is the sum of the gaps seen so far.
func (g *SeqGaps) Lost() uint64 { return g.lost }
