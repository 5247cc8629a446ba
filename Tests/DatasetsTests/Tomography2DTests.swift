import Datasets
import Physics
import Tensor
import Testing

@Suite("tomography_2d dataset")
struct Tomography2DTests {
    @Test("defaults are the reference's")
    func defaults() throws {
        let dataset = try Tomography2D()
        #expect(dataset.imgSize == 512 && dataset.numOperators == 1 && dataset.numAngles == 100)
        #expect(dataset.noiseLevel == 0.01 && dataset.circle && dataset.seed == 42)
        #expect(Tomography2D.name == "tomography_2d")
    }

    @Test("problem shapes, operators, geometries and value range")
    func problem() throws {
        let dataset = try Tomography2D(imgSize: 32, numOperators: 3, numAngles: 10)
        let problem = try dataset.makeProblem()
        #expect(problem.name == "tomography_2d")
        #expect(problem.groundTruth == (try EllipsePhantom.modifiedSheppLogan.rasterize(size: 32)))
        #expect(problem.valueRange == 0...1)
        #expect(problem.operators.operators.count == 3)
        #expect(problem.geometries.map(\.anglesDegrees.count) == [4, 3, 3])
        #expect(problem.geometries[1].anglesDegrees == [72, 90, 108])
        #expect(problem.measurements.map(\.shape) == [[1, 1, 4, 32], [1, 1, 3, 32], [1, 1, 3, 32]])
    }

    @Test("measurements do not depend on num_operators")
    func noiseIndependentOfSplit() throws {
        let whole = try Tomography2D(imgSize: 24, numOperators: 1, numAngles: 20, noiseLevel: 0.5).makeProblem()
        for parts in [3, 8] {
            let split = try Tomography2D(imgSize: 24, numOperators: parts, numAngles: 20, noiseLevel: 0.5).makeProblem()
            #expect(try Tensor.concatenate(split.measurements, axis: 2) == whole.measurements[0], "K=\(parts)")
        }
    }

    @Test("one operator's measurement alone equals the full build")
    func perOperator() throws {
        let dataset = try Tomography2D(imgSize: 24, numOperators: 4, numAngles: 13, noiseLevel: 0.1, seed: 7)
        let problem = try dataset.makeProblem()
        let truth = try dataset.groundTruth()
        for k in 0..<4 {
            #expect(try dataset.measurement(operator: k, groundTruth: truth) == problem.measurements[k])
            #expect(try dataset.geometry(operator: k) == problem.geometries[k])
        }
    }

    @Test("noise is σ times the seeded stream 0 at the full-sinogram offset; σ = 0 gives A x")
    func noise() throws {
        let noisy = try Tomography2D(imgSize: 32, numOperators: 2, numAngles: 40, noiseLevel: 0.3, seed: 5)
        let clean = try Tomography2D(imgSize: 32, numOperators: 2, numAngles: 40, noiseLevel: 0, seed: 5)
        let truth = try noisy.groundTruth()
        let exact = try ParallelBeam2D(geometry: try noisy.geometry(operator: 1)).apply(truth)
        #expect(try clean.measurement(operator: 1, groundTruth: truth) == exact)
        let drawn = try noisy.measurement(operator: 1, groundTruth: truth) - exact
        let expected = 0.3 * (try GaussianNoise(sigma: 1, seed: 5)).standardNormalTensor(shape: exact.shape, offset: 20 * 32)
        #expect((drawn - expected).norm() < 1e-4 * expected.norm())
        let other = try Tomography2D(imgSize: 32, numOperators: 2, numAngles: 40, noiseLevel: 0.3, seed: 6)
        #expect(try other.measurement(operator: 1, groundTruth: truth) != exact + drawn)
    }

    @Test("parameter validation names the parameter")
    func validation() throws {
        func expectError(_ message: String, _ build: () throws -> Tomography2D) {
            #expect(throws: DatasetError(message)) { _ = try build() }
        }
        expectError("img_size: expected a positive integer, got 0") { try Tomography2D(imgSize: 0) }
        expectError("num_angles: expected a positive integer, got -1") { try Tomography2D(numAngles: -1) }
        expectError("num_operators: expected a positive integer, got 0") { try Tomography2D(numOperators: 0) }
        expectError("num_operators: 5 operators need at least 5 angles, got 3") {
            try Tomography2D(numOperators: 5, numAngles: 3)
        }
        expectError("noise_level: expected a finite value ≥ 0, got -0.1") { try Tomography2D(noiseLevel: -0.1) }
        expectError("noise_level: expected a finite value ≥ 0, got nan") { try Tomography2D(noiseLevel: .nan) }
        let dataset = try Tomography2D(imgSize: 8, numOperators: 2, numAngles: 4)
        #expect(throws: DatasetError("operator index: expected 0..<2, got 2")) {
            try dataset.measurement(operator: 2, groundTruth: Tensor(shape: [1, 1, 8, 8]))
        }
    }

    @Test("a problem needs one measurement per operator")
    func problemValidation() throws {
        let stack = try ParallelBeam2D(size: 8, anglesDegrees: [0, 90]).split(into: 2)
        #expect(throws: DatasetError("problem measurements: expected 2, one per operator, got 1")) {
            try Problem(name: "x", groundTruth: Tensor(shape: [1, 1, 8, 8]), operators: stack,
                        measurements: [Tensor(shape: [1, 1, 1, 8])], valueRange: 0...1)
        }
    }
}
