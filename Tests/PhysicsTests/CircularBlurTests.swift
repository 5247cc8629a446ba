import Physics
import Tensor
import Testing

/// Deterministic values in [−1, 1) (a 64-bit LCG), for test inputs.
private func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    let count = shape.reduce(1, *)
    let values = (0..<count).map { _ -> Float in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 23) - 1
    }
    return Tensor(shape: shape, values: values)
}

/// `y[i, j] = Σ K[a, b]·x[(i − a + c) mod H, (j − b + c) mod W]` on every plane, in Double.
private func directBlur(_ x: Tensor, kernel: Tensor) -> [Double] {
    let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
    let size = kernel.shape[0], c = size / 2
    let image = x.withUnsafeBufferPointer { Array($0) }, taps = kernel.withUnsafeBufferPointer { Array($0) }
    var result = [Double](repeating: 0, count: image.count)
    for plane in 0..<planes {
        for i in 0..<h {
            for j in 0..<w {
                var sum = 0.0
                for a in 0..<size {
                    for b in 0..<size {
                        let row = ((i - a + c) % h + h) % h, column = ((j - b + c) % w + w) % w
                        sum += Double(taps[a * size + b]) * Double(image[(plane * h + row) * w + column])
                    }
                }
                result[(plane * h + i) * w + j] = sum
            }
        }
    }
    return result
}

@Suite("Circular blur and its Gaussian kernels")
struct CircularBlurTests {
    @Test("kernel sizes follow c = int(max σ / 0.3 + 1): 19 at S = 256, 71 at 1024, 139 at 2048; each sums to 1")
    func kernelSizes() throws {
        for (side, size) in [(256.0, 19), (1024.0, 71), (2048.0, 139)] {
            let kernel = try GaussianBlurKernel.kernel(sigma: (0.01 * side, 0.005 * side), angleDegrees: 0)
            #expect(kernel.shape == [size, size])
            #expect(abs(kernel.sum() - 1) < 1e-5)
        }
        #expect(throws: PhysicsError.self) { try GaussianBlurKernel.kernel(sigma: (0, 1), angleDegrees: 0) }
    }

    @Test("θ = 0 has its long axis vertical; 90° is its transpose, 180° itself; every kernel is point-symmetric")
    func kernelOrientation() throws {
        let sigma = (2.56, 1.28)
        let k0 = try GaussianBlurKernel.kernel(sigma: sigma, angleDegrees: 0)
        let k90 = try GaussianBlurKernel.kernel(sigma: sigma, angleDegrees: 90)
        let k180 = try GaussianBlurKernel.kernel(sigma: sigma, angleDegrees: 180)
        let k30 = try GaussianBlurKernel.kernel(sigma: sigma, angleDegrees: 30)
        let size = k0.shape[0], c = size / 2
        let (a0, a90, a180, a30) = (k0.withUnsafeBufferPointer { Array($0) }, k90.withUnsafeBufferPointer { Array($0) },
                                    k180.withUnsafeBufferPointer { Array($0) }, k30.withUnsafeBufferPointer { Array($0) })
        // Second moments about the centre: along rows (vertical) and along columns.
        var (vertical, horizontal) = (0.0, 0.0)
        for row in 0..<size {
            for column in 0..<size {
                vertical += Double(a0[row * size + column]) * Double((row - c) * (row - c))
                horizontal += Double(a0[row * size + column]) * Double((column - c) * (column - c))
            }
        }
        #expect(vertical > 3 * horizontal, "σ₀ = 2σ₁ along rows: \(vertical) vs \(horizontal)")
        for row in 0..<size {
            for column in 0..<size {
                #expect(abs(a90[row * size + column] - a0[column * size + row]) < 1e-6)
                #expect(abs(a180[row * size + column] - a0[row * size + column]) < 1e-6)
                #expect(abs(a30[row * size + column] - a30[(size - 1 - row) * size + size - 1 - column]) < 1e-6)
            }
        }
    }

    @Test("the FFT blur equals the direct circular sum, kernels larger than the image included",
          arguments: [(12, 10, 5), (9, 16, 7), (4, 6, 7)])
    func matchesDirectSum(height: Int, width: Int, size: Int) throws {
        let kernel = randomTensor([size, size], seed: UInt64(size))
        let x = randomTensor([2, 3, height, width], seed: 7)
        let blur = try CircularBlur(kernel: kernel, height: height, width: width)
        let fast = try blur.apply(x).withUnsafeBufferPointer { Array($0) }
        let direct = directBlur(x, kernel: kernel)
        let scale = direct.map(abs).max() ?? 1
        #expect(zip(fast, direct).allSatisfy { abs(Double($0) - $1) <= 1e-5 * scale })
    }

    @Test("adjoint: ⟨A x, y⟩ = ⟨x, Aᵀ y⟩; a one-tap kernel is the identity; a Gaussian blur has ‖A‖ = 1")
    func adjointAndNorm() throws {
        let kernel = randomTensor([5, 5], seed: 3)
        let blur = try CircularBlur(kernel: kernel, height: 14, width: 11)
        let x = randomTensor([1, 3, 14, 11], seed: 11), y = randomTensor([1, 3, 14, 11], seed: 12)
        let left = try blur.apply(x).dot(y), right = x.dot(try blur.adjoint(y))
        #expect(abs(left - right) <= 1e-6 * max(abs(left), 1))
        let identity = try CircularBlur(kernel: Tensor(shape: [1, 1], values: [1]), height: 14, width: 11)
        #expect(try identity.apply(x).withUnsafeBufferPointer { Array($0) }.elementsEqual(x.withUnsafeBufferPointer { Array($0) }) { abs($0 - $1) < 1e-6 })
        let gaussian = try CircularBlur(kernel: try GaussianBlurKernel.kernel(sigma: (2.56, 1.28), angleDegrees: 45), height: 32, width: 24)
        let norm = try powerIteration(shape: [1, 1, 32, 24], tolerance: 1e-6, maxIterations: 500) { try gaussian.normal($0) }.value
        #expect(abs(norm - 1) < 1e-3, "‖A‖² = \(norm)")
        #expect(throws: PhysicsError.self) { try blur.apply(randomTensor([1, 3, 14, 10], seed: 1)) }
        #expect(throws: PhysicsError.self) { try CircularBlur(kernel: Tensor(shape: [2, 2]), height: 4, width: 4) }
    }
}
