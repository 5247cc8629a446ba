/// The transforms of Winograd's minimal filtering algorithm F(4×4, 3×3) (Lavin & Gray 2016):
/// a 6×6 input tile d and a 3×3 kernel g give the 4×4 correlation output
/// `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`, with interpolation points 0, ±1, ±2, ∞.
///
/// The kernel transform works on eight kernels at once (`SIMD8`), on 6×6 blocks of vectors laid
/// out row-major in caller-provided buffers; the input and output transforms, which run on every
/// tile, are in the C target `CWinogradTransforms` (16 channels at a time with AVX-512).
enum WinogradF43 {
    /// Number of transformed elements per tile (6·6): the number of GEMMs per layer.
    static let elements = 36

    /// `G x` for the three vectors `x[0], x[s], x[2s]`: six vectors into `y[0], y[t], …, y[5t]`.
    @inline(__always)
    static func kernelTransform(_ x: UnsafePointer<SIMD8<Float>>, stride s: Int,
                                into y: UnsafeMutablePointer<SIMD8<Float>>, stride t: Int) {
        let x0 = x[0], x1 = x[s], x2 = x[2 * s]
        let outer = x0 + x2, weighted = x0 * (1 / 24) + x2 * (1 / 6)
        y[0] = x0 * (1 / 4)
        y[t] = (outer + x1) * (-1 / 6)
        y[2 * t] = (outer - x1) * (-1 / 6)
        y[3 * t] = weighted + x1 * (1 / 12)
        y[4 * t] = weighted - x1 * (1 / 12)
        y[5 * t] = x2
    }

    /// `G g Gᵀ` of a 3×3 kernel `g` (row-major, nine vectors: eight kernels side by side) into the
    /// 6×6 block `u` (row-major), using `half` (18 vectors) as scratch.
    @inline(__always)
    static func transformKernel(_ g: UnsafePointer<SIMD8<Float>>, into u: UnsafeMutablePointer<SIMD8<Float>>,
                                half: UnsafeMutablePointer<SIMD8<Float>>) {
        for column in 0..<3 { kernelTransform(g + column, stride: 3, into: half + column, stride: 3) }
        for row in 0..<6 { kernelTransform(half + 3 * row, stride: 1, into: u + 6 * row, stride: 1) }
    }
}
