/// The Philox4x32-10 counter-based generator (Salmon et al., SC'11): a keyed bijection of a
/// 128-bit counter, so any element of a random stream can be computed on its own, in any order,
/// on any process.
public struct Philox4x32: Sendable {
    /// The 64-bit key (the seed).
    public let key: (UInt32, UInt32)

    /// A generator keyed by `seed`.
    public init(seed: UInt64) {
        key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    }

    /// The four random words for `counter`.
    @inline(__always)
    public func block(_ counter: (UInt32, UInt32, UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var (k0, k1) = key
        for _ in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c.0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k0, UInt32(truncatingIfNeeded: p1),
                 UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k1, UInt32(truncatingIfNeeded: p0))
            k0 &+= 0x9E37_79B9
            k1 &+= 0xBB67_AE85
        }
        return c
    }
}
