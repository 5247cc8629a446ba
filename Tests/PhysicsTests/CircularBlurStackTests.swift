import Physics
import Tensor
import Testing

/// Deterministic values in [0, 1) (a 64-bit LCG).
private func uniform(_ shape: [Int], seed: UInt64) -> Tensor {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 24)
    })
}

/// The largest absolute difference over the largest absolute reference value.
private func relativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
    let scale = b.scalars.map(abs).max() ?? 1
    return (zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .infinity) / scale
}

@Suite("Circular blurs' normal equations in the Fourier domain")
struct CircularBlurStackTests {
    /// Three blurs of an anisotropic kernel at 0°, 60° and 120° on `[2, 3, 37, 29]` images, with
    /// measurements of random images.
    func blurs() throws -> (blurs: [CircularBlur], measurements: [Tensor]) {
        let blurs = try [0.0, 60, 120].map {
            try CircularBlur(kernel: GaussianBlurKernel.kernel(sigma: (2.56, 1.28), angleDegrees: $0), height: 37, width: 29)
        }
        return (blurs, (0..<3).map { uniform([2, 3, 37, 29], seed: 10 + UInt64($0)) })
    }

    @Test("gradient, normal operator and Σ Aᵀy equal the blurs applied one by one, within 1e-5 relative")
    func matchesOperatorByOperator() throws {
        let (blurs, measurements) = try blurs()
        let stack = try CircularBlurStack(blurs: blurs, measurements: measurements)
        let x = uniform([2, 3, 37, 29], seed: 3)
        var gradient = Tensor(shape: x.shape), normal = Tensor(shape: x.shape), data = Tensor(shape: x.shape)
        for (blur, y) in zip(blurs, measurements) {
            var residual = try blur.apply(x)
            normal.add(try blur.adjoint(residual))
            residual.subtract(y)
            gradient.add(try blur.adjoint(residual))
            data.add(try blur.adjoint(y))
        }
        #expect(relativeDifference(try stack.gradient(x), gradient) <= 1e-5)
        #expect(relativeDifference(try stack.normal(x), normal) <= 1e-5)
        #expect(relativeDifference(try stack.adjointOfMeasurements(), data) <= 1e-5)
        #expect(stack.imageShape == [2, 3, 37, 29] && stack.count == 3)
    }

    @Test("the normal operator is symmetric: ⟨N x, z⟩ = ⟨x, N z⟩ within 1e-6")
    func symmetric() throws {
        let (blurs, measurements) = try blurs()
        let stack = try CircularBlurStack(blurs: blurs, measurements: measurements)
        let (x, z) = (uniform([2, 3, 37, 29], seed: 4), uniform([2, 3, 37, 29], seed: 5))
        func dot(_ a: Tensor, _ b: Tensor) -> Double { zip(a.scalars, b.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        let (left, right) = (dot(try stack.normal(x), z), dot(x, try stack.normal(z)))
        #expect(abs(left - right) / abs(left) <= 1e-6)
    }

    @Test("measurements of another size, a count mismatch and images of the wrong shape are refused")
    func refusesMismatches() throws {
        let (blurs, measurements) = try blurs()
        #expect(throws: PhysicsError.self) { try CircularBlurStack(blurs: blurs, measurements: Array(measurements.prefix(2))) }
        #expect(throws: PhysicsError.self) { try CircularBlurStack(blurs: [], measurements: []) }
        #expect(throws: PhysicsError.self) {
            try CircularBlurStack(blurs: blurs, measurements: measurements.map { _ in Tensor(shape: [1, 3, 36, 29]) })
        }
        let stack = try CircularBlurStack(blurs: blurs, measurements: measurements)
        #expect(throws: PhysicsError.self) { try stack.gradient(Tensor(shape: [1, 3, 37, 29])) }
    }

    @Test("spectral sums of blur groups, added as ranks' all-reduce adds them, build the one-process stack bit for bit")
    func groupedSumsBuildTheSameStack() throws {
        let (blurs, measurements) = try blurs()
        let whole = try CircularBlurStack(blurs: blurs, measurements: measurements)
        var sums = try SpectralSums(imageShape: [2, 3, 37, 29])
        for group in [[1], [0, 2], []] {
            let part = try SpectralSums(blurs: group.map { blurs[$0] }, measurements: group.map { measurements[$0] },
                                        imageShape: [2, 3, 37, 29])
            for index in sums.values.indices { sums.values[index] += part.values[index] }
        }
        let merged = try CircularBlurStack(sums: sums, count: 3)
        let x = uniform([2, 3, 37, 29], seed: 4)
        #expect(try merged.gradient(x) == whole.gradient(x))
        #expect(try merged.normal(x) == whole.normal(x))
        #expect(try merged.adjointOfMeasurements() == whole.adjointOfMeasurements())
        #expect(throws: PhysicsError.self) { try SpectralSums(imageShape: [3, 37, 29]) }
        #expect(throws: PhysicsError.self) { try CircularBlurStack(sums: sums, count: 0) }
    }
}
