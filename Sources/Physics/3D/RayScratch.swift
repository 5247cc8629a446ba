/// Scratch memory of one thread for the interior samples of one ray: per block of eight planes,
/// the index of each sample's first corner and its four bilinear weights.
///
/// The weights of a block are four `SIMD8<Float>`. With `pairs` (the in-plane axis `a` is
/// contiguous, `strideA == 1`) they hold the weight pairs (corner, corner + 1) of the near and far
/// rows in the order one 8-byte load per row and sample fills: near (s0 s1 s4 s5), near
/// (s2 s3 s6 s7), far (s0 s1 s4 s5), far (s2 s3 s6 s7). Otherwise they are w00, w10, w01, w11 for
/// samples 0…7.
struct RayScratch {
    let indices: UnsafeMutablePointer<Int>
    let weights: UnsafeMutablePointer<Float>

    /// Room for rays that cross up to `planes` planes.
    init(planes: Int) {
        let blocks = planes / 8 + 2
        indices = .allocate(capacity: 8 * blocks)
        weights = .allocate(capacity: 32 * blocks)
    }

    func deallocate() {
        indices.deallocate()
        weights.deallocate()
    }

    /// Offsets in a block's 32 weights of sample `s`'s w00, w10, w01, w11.
    @inline(__always)
    static func offsets(_ s: Int, pairs: Bool) -> (Int, Int, Int, Int) {
        guard pairs else { return (s, 8 + s, 16 + s, 24 + s) }
        let near = 8 * ((s >> 1) & 1) + 2 * ((s & 1) | ((s >> 1) & 2))
        return (near, near + 1, near + 16, near + 17)
    }
}
