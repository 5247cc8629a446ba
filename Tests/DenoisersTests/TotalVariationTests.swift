@testable import Denoisers
import Datasets
import Metrics
import Tensor
import Testing

@Suite("Total-variation proximal denoiser")
struct TotalVariationTests {
    /// Isotropic TV of an image with the solver's forward differences.
    func totalVariation(_ u: [Float], height h: Int, width w: Int) -> Double {
        var total = 0.0
        for i in 0..<h { for j in 0..<w {
            let g1 = i < h - 1 ? Double(u[(i + 1) * w + j] - u[i * w + j]) : 0
            let g2 = j < w - 1 ? Double(u[i * w + j + 1] - u[i * w + j]) : 0
            total += (g1 * g1 + g2 * g2).squareRoot()
        } }
        return total
    }

    func objective(_ u: [Float], _ b: [Float], weight: Float, height: Int, width: Int) -> Double {
        zip(u, b).map { 0.5 * Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
            + Double(weight) * totalVariation(u, height: height, width: width)
    }

    @Test("the difference operator's adjoint: ⟨D u, p⟩ = ⟨u, Dᵀ p⟩ (images and volumes)",
          arguments: [(1, 1, 1), (1, 5, 7), (1, 16, 3), (4, 5, 6), (3, 1, 2)])
    func adjoint(depth: Int, height h: Int, width w: Int) {
        let grid = DifferenceGrid(depth: depth, height: h, width: w), n = grid.count
        let u = randomValues(n, seed: 21)
        // Images have no z differences: their z field stays zero on both sides.
        let p = randomValues(3 * n, seed: 22).enumerated().map { depth > 1 || $0.offset >= n ? $0.element : 0 }
        var d = [Float](repeating: 0, count: 3 * n), dt = [Float](repeating: 0, count: n)
        u.withUnsafeBufferPointer { u in d.withUnsafeMutableBufferPointer { d in
            for row in 0..<grid.rows {
                grid.gradient(u.baseAddress!, z: d.baseAddress!, y: d.baseAddress! + n, x: d.baseAddress! + 2 * n, row: row)
            }
        } }
        p.withUnsafeBufferPointer { p in dt.withUnsafeMutableBufferPointer { dt in
            for row in 0..<grid.rows {
                grid.adjointGradient(z: p.baseAddress!, y: p.baseAddress! + n, x: p.baseAddress! + 2 * n, row: row, into: dt.baseAddress!)
            }
        } }
        // p's last plane (z), last row (y) and last column (x) do not enter D u; Dᵀ ignores them too.
        let left = zip(d, p).map { Double($0) * Double($1) }.reduce(0, +)
        let right = zip(u, dt).map { Double($0) * Double($1) }.reduce(0, +)
        #expect(abs(left - right) <= 1e-5 * max(1, abs(left)))
    }

    @Test("3-D: a volume constant along z gets the 2-D result in every plane; a random volume's objective drops")
    func volumes() throws {
        let (d, h, w) = (4, 12, 10)
        let weight: Float = 0.1
        let plane = randomValues(h * w, seed: 8)
        let denoiser = try TotalVariationDenoiser(iterations: 600)
        let image = try denoiser.denoise(Tensor(shape: [1, 1, h, w], values: plane), sigma: [weight]).scalars
        let stacked: [Float] = (0..<d).flatMap { _ in plane }
        let volume = try denoiser.denoise(Tensor(shape: [1, 1, d, h, w], values: stacked), sigma: [weight]).scalars
        var gap: Float = 0
        for index in volume.indices { gap = max(gap, abs(volume[index] - image[index % (h * w)])) }
        print("TV 3-D of a z-constant volume vs 2-D per plane: max difference \(gap)")
        #expect(gap < 1e-3)
        let b = randomValues(d * h * w, seed: 9)
        let u = try denoiser.denoise(Tensor(shape: [1, 1, d, h, w], values: b), sigma: [weight]).scalars
        func energy(_ x: [Float]) -> Double {
            var total = 0.0
            for (value, data) in zip(x, b) { total += 0.5 * Double(value - data) * Double(value - data) }
            for k in 0..<d { for i in 0..<h { for j in 0..<w {
                let index = (k * h + i) * w + j
                let gz = k < d - 1 ? Double(x[index + h * w] - x[index]) : 0
                let gy = i < h - 1 ? Double(x[index + w] - x[index]) : 0
                let gx = j < w - 1 ? Double(x[index + 1] - x[index]) : 0
                total += Double(weight) * (gz * gz + gy * gy + gx * gx).squareRoot()
            } } }
            return total
        }
        let best = energy(u)
        #expect(best < energy(b))
        for seed in 0..<3 {
            let noise = randomValues(u.count, seed: UInt64(200 + seed))
            let perturbed: [Float] = zip(u, noise).map { $0 + 0.01 * $1 }
            #expect(best <= energy(perturbed) + 1e-6)
        }
    }

    @Test("constant images are fixed points; σ = 0 is the identity")
    func fixedPoints() throws {
        let denoiser = try TotalVariationDenoiser(iterations: 30)
        let flat = Tensor(shape: [1, 1, 9, 11], repeating: 0.4)
        #expect(try (denoiser.denoise(flat, sigma: [0.2]) - flat).norm() < 1e-5)
        let x = Tensor(shape: [1, 1, 9, 11], values: randomValues(99, seed: 3))
        #expect(try denoiser.denoise(x, sigma: [0]) == x)
    }

    @Test("the output minimises ½‖u − b‖² + σ·TV(u) better than the input and than perturbations of it")
    func optimality() throws {
        let (h, w) = (24, 20), weight: Float = 0.1
        let b = randomValues(h * w, seed: 5)
        let u = try TotalVariationDenoiser(iterations: 400).denoise(Tensor(shape: [1, 1, h, w], values: b), sigma: [weight]).scalars
        let best = objective(u, b, weight: weight, height: h, width: w)
        #expect(best < objective(b, b, weight: weight, height: h, width: w))
        for seed in 0..<5 {
            let perturbed = zip(u, randomValues(h * w, seed: UInt64(100 + seed))).map { $0 + 0.01 * $1 }
            #expect(best <= objective(perturbed, b, weight: weight, height: h, width: w) + 1e-6)
        }
    }

    @Test("denoises a noisy Shepp–Logan phantom (PSNR gain) and batch items keep their own σ")
    func denoisesPhantom() throws {
        let clean = try EllipsePhantom.modifiedSheppLogan.rasterize(size: 64)
        var noisy = NormalGenerator(seed: 9).tensor(shape: clean.shape)
        noisy.scale(by: 0.1)
        noisy.add(clean)
        let denoiser = try TotalVariationDenoiser()
        let output = try denoiser.denoise(noisy, sigma: [0.05])
        let gain = try peakSignalToNoiseRatio(output, clean)[0] - peakSignalToNoiseRatio(noisy, clean)[0]
        #expect(gain > 3, "gain \(gain) dB")
        let pair = try denoiser.denoise(Tensor.concatenate([noisy, noisy], axis: 0), sigma: [0.05, 0])
        #expect(try pair.slice(axis: 0, 0..<1) == output)
        #expect(try pair.slice(axis: 0, 1..<2) == noisy)
        #expect(throws: DenoiserError.self) { try TotalVariationDenoiser(iterations: 0) }
    }
}
