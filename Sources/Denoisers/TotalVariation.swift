import Tensor

/// The proximal operator of isotropic total variation, a cheap classical prior:
/// `D_σ(b) = argmin_u ½‖u − b‖² + σ·TV(u)`, `TV(u) = Σ √((∂ᵢu)² + (∂ⱼu)²)` with forward differences
/// and Neumann boundaries, on each `[H, W]` image of a `[B, C, H, W]` batch.
///
/// σ is the regularisation weight itself, as DeepInverse's `TVDenoiser` takes its threshold. It is
/// solved on the dual by the fast gradient projection of Beck & Teboulle (2009): `u = b − σ·Dᵀp`,
/// `p ← Π_{|p|≤1}(r + D u/(8σ))` with Nesterov momentum on `r` (‖D‖² ≤ 8), for a fixed
/// number of iterations, so the result is deterministic.
public struct TotalVariationDenoiser: Denoiser {
    /// Dual iterations per call.
    public let iterations: Int

    /// A TV denoiser running `iterations` dual iterations (at least 1).
    public init(iterations: Int = 50) throws {
        guard iterations > 0 else { throw TensorError.invalidArgument("tv_iterations: expected a positive integer, got \(iterations)") }
        self.iterations = iterations
    }

    public func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        guard x.rank == 4, x.count > 0 else {
            throw TensorError.invalidShape("TV denoiser: expected images [B, C, H, W], got \(x.shape)")
        }
        let (batch, channels, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var result = x
        for item in 0..<batch {
            let weight = try Self.sigma(sigma, item: item, batch: batch)
            guard weight > 0 else { continue }
            for channel in 0..<channels {
                let offset = (item * channels + channel) * h * w
                result.withUnsafeMutableBufferPointer { output in
                    x.withUnsafeBufferPointer { input in
                        TotalVariationSolver(height: h, width: w, weight: weight)
                            .solve(input.baseAddress! + offset, into: output.baseAddress! + offset, iterations: iterations)
                    }
                }
            }
        }
        return result
    }
}

/// One image's dual iterations (see `TotalVariationDenoiser`); rows run in parallel.
struct TotalVariationSolver {
    let height: Int
    let width: Int
    let weight: Float

    /// `D u`: forward differences down (`vertical`) and right (`horizontal`), zero on the last row/column.
    static func gradient(_ u: UnsafePointer<Float>, height h: Int, width w: Int,
                         vertical: UnsafeMutablePointer<Float>, horizontal: UnsafeMutablePointer<Float>, row i: Int) {
        for j in 0..<w {
            let index = i * w + j
            vertical[index] = i < h - 1 ? u[index + w] - u[index] : 0
            horizontal[index] = j < w - 1 ? u[index + 1] - u[index] : 0
        }
    }

    /// `(Dᵀ p)` at row `i` (the negative divergence), into `target`.
    static func adjointGradient(vertical: UnsafePointer<Float>, horizontal: UnsafePointer<Float>, height h: Int, width w: Int,
                                row i: Int, into target: UnsafeMutablePointer<Float>) {
        for j in 0..<w {
            let index = i * w + j
            var divergence: Float = 0
            if i < h - 1 { divergence += vertical[index] }
            if i > 0 { divergence -= vertical[index - w] }
            if j < w - 1 { divergence += horizontal[index] }
            if j > 0 { divergence -= horizontal[index - 1] }
            target[index] = -divergence
        }
    }

    func solve(_ b: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>, iterations: Int) {
        let (h, w) = (height, width), count = height * width
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 6 * count)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: 6 * count)
        let (p1, p2, r1, r2) = (buffer, buffer + count, buffer + 2 * count, buffer + 3 * count)
        let (g1, g2) = (buffer + 4 * count, buffer + 5 * count)
        let step = 1 / (8 * weight)
        var t: Float = 1
        for _ in 0..<iterations {
            parallelFor(h) { i in
                Self.adjointGradient(vertical: r1, horizontal: r2, height: h, width: w, row: i, into: u)
                for index in (i * w)..<((i + 1) * w) { u[index] = b[index] - weight * u[index] }
            }
            let next = (1 + (1 + 4 * t * t).squareRoot()) / 2, momentum = (t - 1) / next
            parallelFor(h) { i in
                Self.gradient(u, height: h, width: w, vertical: g1, horizontal: g2, row: i)
                for index in (i * w)..<((i + 1) * w) {
                    let q1 = r1[index] + step * g1[index], q2 = r2[index] + step * g2[index]
                    let shrink = 1 / max(1, (q1 * q1 + q2 * q2).squareRoot())
                    let (n1, n2) = (q1 * shrink, q2 * shrink)
                    r1[index] = n1 + momentum * (n1 - p1[index])
                    r2[index] = n2 + momentum * (n2 - p2[index])
                    p1[index] = n1
                    p2[index] = n2
                }
            }
            t = next
        }
        parallelFor(h) { i in
            Self.adjointGradient(vertical: p1, horizontal: p2, height: h, width: w, row: i, into: u)
            for index in (i * w)..<((i + 1) * w) { u[index] = b[index] - weight * u[index] }
        }
    }
}
