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

    @Test("the difference operator's adjoint: ⟨D u, p⟩ = ⟨u, Dᵀ p⟩", arguments: [(1, 1), (5, 7), (16, 3)])
    func adjoint(height h: Int, width w: Int) {
        let u = randomValues(h * w, seed: 21), p = randomValues(2 * h * w, seed: 22)
        var d = [Float](repeating: 0, count: 2 * h * w), dt = [Float](repeating: 0, count: h * w)
        u.withUnsafeBufferPointer { u in d.withUnsafeMutableBufferPointer { d in
            for i in 0..<h { TotalVariationSolver.gradient(u.baseAddress!, height: h, width: w, vertical: d.baseAddress!,
                                                           horizontal: d.baseAddress! + h * w, row: i) }
        } }
        p.withUnsafeBufferPointer { p in dt.withUnsafeMutableBufferPointer { dt in
            for i in 0..<h { TotalVariationSolver.adjointGradient(vertical: p.baseAddress!, horizontal: p.baseAddress! + h * w,
                                                                   height: h, width: w, row: i, into: dt.baseAddress!) }
        } }
        // p's last row (vertical) and last column (horizontal) do not enter D u; Dᵀ ignores them too.
        let left = zip(d, p).map { Double($0) * Double($1) }.reduce(0, +)
        let right = zip(u, dt).map { Double($0) * Double($1) }.reduce(0, +)
        #expect(abs(left - right) <= 1e-5 * max(1, abs(left)))
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
        #expect(throws: TensorError.self) { try TotalVariationDenoiser(iterations: 0) }
    }
}
