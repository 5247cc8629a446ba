import Datasets
import Metrics
import Physics
import Tensor
import Testing

@Suite("FBP, ramp filter, power iteration and noise")
struct ReconstructionTests {
    @Test("FBP of a noiseless 256² sinogram with 180 angles reaches 28 dB")
    func fbpQuality() throws {
        let dataset = try Tomography2D(imgSize: 256, numOperators: 1, numAngles: 180, noiseLevel: 0)
        let problem = try dataset.makeProblem()
        let fbp = FilteredBackProjection(projector: ParallelBeam2D(geometry: dataset.geometry))
        let image = try fbp.reconstruct(problem.measurements[0])
        let psnr = try peakSignalToNoiseRatio(image, problem.groundTruth)[0]
        print("FBP 256², 180 angles, noiseless: PSNR \(psnr) dB")
        #expect(psnr >= 28)
    }

    @Test("the ramp filter's response follows the reference construction")
    func rampFilter() throws {
        // The reference's filter is 2·rfft(h) with h[0] = 1/4, h[odd n] = −1/(πn)²: at frequency f
        // that is 2·Σ_n h[n]·cos(2πfn/L). Recompute it in Double and compare on a unit impulse.
        let g = 20
        let filter = RampFilter(detectors: g)
        #expect(filter.paddedLength == 64)
        var row = [Float](repeating: 0, count: g)
        row[3] = 1
        row.withUnsafeMutableBufferPointer { filter.apply(rows: 1, data: $0.baseAddress!) }
        let length = 64
        var h = [Double](repeating: 0, count: length)
        h[0] = 0.25
        for n in stride(from: 1, to: length / 2, by: 2) {
            h[n] = -1 / ((Double.pi * Double(n)) * (Double.pi * Double(n)))
            h[length - n] = h[n]
        }
        // Filtering = circular convolution with the kernel whose DFT is 2·DFT(h), i.e. with 2h.
        for k in 0..<g {
            let expected = 2 * h[(k - 3 + length) % length]
            #expect(abs(Double(row[k]) - expected) <= 1e-6, "k=\(k)")
        }
    }

    @Test("power iteration finds the largest eigenvalue of a known symmetric map")
    func powerIterationKnown() throws {
        // Diagonal map with eigenvalues 1…50: the largest is 50.
        let scale = Tensor(shape: [1, 1, 5, 10], values: (1...50).map(Float.init))
        let result = try powerIteration(shape: [1, 1, 5, 10], tolerance: 1e-7, maxIterations: 5000) { x in
            var y = x
            y.multiply(by: scale)
            return y
        }
        #expect(result.converged)
        #expect(abs(result.value - 50) <= 0.05)
    }

    @Test("‖A‖² by power iteration bounds every Rayleigh quotient of AᵀA")
    func operatorNorm() throws {
        let op = try ParallelBeam2D(size: 64, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: 30))
        let norm = try powerIteration(shape: op.domainShape(batch: 1, channels: 1), tolerance: 1e-6,
                                      maxIterations: 500) { try op.normal($0) }
        #expect(norm.converged)
        let noise = try GaussianNoise(sigma: 1, seed: 3)
        var candidates = (0..<5).map { noise.standardNormalTensor(shape: [1, 1, 64, 64], stream: UInt64($0)) }
        candidates.append(Tensor(shape: [1, 1, 64, 64], repeating: 1))
        for x in candidates {
            let quotient = try x.dot(op.normal(x)) / x.dot(x)
            #expect(quotient <= norm.value * (1 + 1e-4))
        }
    }

    @Test("Gaussian noise: mean 0, standard deviation σ, reproducible and element-addressable")
    func noiseStatistics() throws {
        let noise = try GaussianNoise(sigma: 0.5, seed: 11)
        var values = Tensor(shape: [200_000])
        noise.add(to: &values, stream: 4)
        let mean = values.sum() / 200_000, std = (values.dot(values) / 200_000 - mean * mean).squareRoot()
        #expect(abs(mean) < 0.005)
        #expect(abs(std - 0.5) < 0.005)
        // Generating elements 1000…1099 alone gives the same values as in the full stream.
        var part = Tensor(shape: [100])
        noise.add(to: &part, stream: 4, offset: 1000)
        #expect(part == (try values.slice(axis: 0, 1000..<1100)))
        // Another stream or seed gives other values.
        var other = Tensor(shape: [100])
        noise.add(to: &other, stream: 5, offset: 1000)
        #expect(other != part)
        #expect(throws: PhysicsError.self) { try GaussianNoise(sigma: -1, seed: 0) }
    }

    @Test("projector output is bit-identical with 1 and 3 threads")
    func threadIndependence() throws {
        let op = try ParallelBeam2D(size: 96, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: 45), circle: false)
        let x = try GaussianNoise(sigma: 1, seed: 5).standardNormalTensor(shape: [2, 1, 96, 96])
        var outputs: [(Tensor, Tensor)] = []
        for threads in [1, 3] {
            ThreadPool.configure(threads: threads)
            let y = try op.apply(x)
            outputs.append((y, try op.adjoint(y)))
        }
        ThreadPool.configure(threads: ThreadPool.defaultThreadCount())
        #expect(outputs[0].0 == outputs[1].0)
        #expect(outputs[0].1 == outputs[1].1)
    }
}
