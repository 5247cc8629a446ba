import Tensor

/// The proximal operator of isotropic total variation, a cheap classical prior:
/// `D_σ(b) = argmin_u ½‖u − b‖² + σ·TV(u)`, `TV(u) = Σ ‖∇u‖` with forward differences and Neumann
/// boundaries, on each `[H, W]` image of a `[B, C, H, W]` batch, or each `[D, H, W]` volume of a
/// `[B, C, D, H, W]` batch (differences along z, y and x).
///
/// σ is the regularisation weight itself, as DeepInverse's `TVDenoiser` takes its threshold. It is
/// solved on the dual by the fast gradient projection of Beck & Teboulle (2009): `u = b − σ·Dᵀp`,
/// `p ← Π_{|p|≤1}(r + D u/(L·σ))` with Nesterov momentum on `r` (‖D‖² ≤ L = 8 in 2-D, 12 in 3-D),
/// for a fixed number of iterations, so the result is deterministic.
public struct TotalVariationDenoiser: Denoiser {
    /// Dual iterations per call.
    public let iterations: Int

    /// A TV denoiser running `iterations` dual iterations (at least 1).
    public init(iterations: Int = 50) throws {
        guard iterations > 0 else { throw DenoiserError("tv_iterations: expected a positive integer, got \(iterations)") }
        self.iterations = iterations
    }

    public func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        guard x.rank == 4 || x.rank == 5, x.count > 0 else {
            throw DenoiserError("TV denoiser: expected images [B, C, H, W] or volumes [B, C, D, H, W], got \(x.shape)")
        }
        let (batch, channels) = (x.shape[0], x.shape[1])
        let depth = x.rank == 5 ? x.shape[2] : 1, (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
        let count = depth * h * w
        var result = x
        for item in 0..<batch {
            let weight = try Self.sigma(sigma, item: item, batch: batch)
            guard weight > 0 else { continue }
            for channel in 0..<channels {
                let offset = (item * channels + channel) * count
                result.withUnsafeMutableBufferPointer { output in
                    x.withUnsafeBufferPointer { input in
                        TotalVariationSolver(grid: DifferenceGrid(depth: depth, height: h, width: w), weight: weight)
                            .solve(input.baseAddress! + offset, into: output.baseAddress! + offset, iterations: iterations)
                    }
                }
            }
        }
        return result
    }
}

/// The forward differences of an image (`depth` 1) or a volume, row by row: a row is one line of
/// `width` values, `depth·height` rows in all. Fields hold one difference per value and axis
/// (z, y, x), zero where the next value along the axis is outside.
struct DifferenceGrid {
    let depth: Int
    let height: Int
    let width: Int

    /// Values in the grid.
    var count: Int { depth * height * width }
    /// Rows in the grid.
    var rows: Int { depth * height }
    /// Axes with differences: 3 for volumes, 2 for images.
    var axes: Int { depth > 1 ? 3 : 2 }

    /// `D u` on row `row` into the fields `z` (volumes only), `y`, `x`.
    func gradient(_ u: UnsafePointer<Float>, z: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
                  x: UnsafeMutablePointer<Float>, row: Int) {
        let (k, i) = row.quotientAndRemainder(dividingBy: height), plane = height * width
        for j in 0..<width {
            let index = row * width + j
            if depth > 1 { z[index] = k < depth - 1 ? u[index + plane] - u[index] : 0 }
            y[index] = i < height - 1 ? u[index + width] - u[index] : 0
            x[index] = j < width - 1 ? u[index + 1] - u[index] : 0
        }
    }

    /// `(Dᵀ p)` on row `row` (the negative divergence of the fields), into `target`.
    func adjointGradient(z: UnsafePointer<Float>, y: UnsafePointer<Float>, x: UnsafePointer<Float>, row: Int,
                         into target: UnsafeMutablePointer<Float>) {
        let (k, i) = row.quotientAndRemainder(dividingBy: height), plane = height * width
        for j in 0..<width {
            let index = row * width + j
            var divergence: Float = 0
            if depth > 1 {
                if k < depth - 1 { divergence += z[index] }
                if k > 0 { divergence -= z[index - plane] }
            }
            if i < height - 1 { divergence += y[index] }
            if i > 0 { divergence -= y[index - width] }
            if j < width - 1 { divergence += x[index] }
            if j > 0 { divergence -= x[index - 1] }
            target[index] = -divergence
        }
    }
}

/// One image's or volume's dual iterations (see `TotalVariationDenoiser`); rows run in parallel.
struct TotalVariationSolver {
    let grid: DifferenceGrid
    let weight: Float

    func solve(_ b: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>, iterations: Int) {
        let (count, width, axes) = (grid.count, grid.width, grid.axes)
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 9 * count)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: 9 * count)
        // Dual p, momentum point r and the gradient g, each with fields (z, y, x).
        let (p, r, g) = (buffer, buffer + 3 * count, buffer + 6 * count)
        let step = 1 / (Float(4 * axes) * weight)
        var t: Float = 1
        func primal(from q: UnsafeMutablePointer<Float>, row: Int) {
            grid.adjointGradient(z: q, y: q + count, x: q + 2 * count, row: row, into: u)
            for index in (row * width)..<((row + 1) * width) { u[index] = b[index] - weight * u[index] }
        }
        for _ in 0..<iterations {
            parallelFor(grid.rows) { row in primal(from: r, row: row) }
            let next = (1 + (1 + 4 * t * t).squareRoot()) / 2, momentum = (t - 1) / next
            parallelFor(grid.rows) { row in
                grid.gradient(u, z: g, y: g + count, x: g + 2 * count, row: row)
                for index in (row * width)..<((row + 1) * width) {
                    let qz = r[index] + step * g[index], qy = r[count + index] + step * g[count + index]
                    let qx = r[2 * count + index] + step * g[2 * count + index]
                    let shrink = 1 / max(1, (qz * qz + qy * qy + qx * qx).squareRoot())
                    let (nz, ny, nx) = (qz * shrink, qy * shrink, qx * shrink)
                    r[index] = nz + momentum * (nz - p[index])
                    r[count + index] = ny + momentum * (ny - p[count + index])
                    r[2 * count + index] = nx + momentum * (nx - p[2 * count + index])
                    (p[index], p[count + index], p[2 * count + index]) = (nz, ny, nx)
                }
            }
            t = next
        }
        parallelFor(grid.rows) { row in primal(from: p, row: row) }
    }
}
