import Datasets
import Formats
import Foundation
import Physics
import Tensor
import Testing

/// The files of `tools/reference/highres_fixture.py` (DeepInverse 0.5.0 / PyTorch) and the
/// deterministic inputs both sides compute.
enum HighresFixture {
    /// `Fixtures/highres` in the test bundle.
    static let folder = Bundle.module.url(forResource: "highres", withExtension: nil, subdirectory: "Fixtures")!.path

    /// `highres_expected.json`.
    static let expected: Expected = {
        let url = URL(fileURLWithPath: "\(folder)/highres_expected.json")
        return try! JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }()

    static func array(_ file: File) throws -> Tensor {
        let tensor = try NPY.read(path: "\(folder)/\(file.file)")
        #expect(tensor.shape == file.shape, "\(file.file)")
        return tensor
    }

    /// The hash image: element i is `((i·2654435761 + salt·40503 + 12345) mod 2³²) >> 8` over 2²⁴.
    static func hashImage(shape: [Int], salt: Int) -> Tensor {
        let offset = UInt64(salt) &* 40503 &+ 12345
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { i in
            Float(((UInt64(i) &* 2_654_435_761 &+ offset) & 0xFFFF_FFFF) >> 8) / 16_777_216
        })
    }

    struct Expected: Decodable {
        let versions: [String: String]
        let hash_check: HashCheck
        let kernels: Kernels
        let blur: [String: BlurCase]
        let resize: Resize
    }

    struct File: Decodable {
        let file: String
        let shape: [Int]
    }

    struct HashCheck: Decodable {
        let shape: [Int]
        let salt: Int
        let indices: [Int]
        let values: [Double]
        let salt_3_index_463202: Double
    }

    struct Kernels: Decodable {
        let num_operators: Int
        let angles_degrees: [Double]
        let S256: KernelSet
        let S2048: KernelSet
    }

    struct KernelSet: Decodable {
        let file: String
        let shape: [Int]
        let S: Int
        let sigma: [Double]
        let half_width: Int
    }

    struct BlurCase: Decodable {
        let shape: [Int]
        let S: Int
        let `operator`: Int
        let x_salt: Int
        let y_salt: Int
        let Ax: File
        let ATy: File
        let dot_product_test: Double
    }

    struct Resize: Decodable {
        let input_shape: [Int]
        let input_salt: Int
        let samples: Int
        let sample_multiplier: Int
        let sample_offset: Int
        let S2048: ResizeSize
        let S512: ResizeSize
    }

    struct ResizeSize: Decodable {
        let S: Int
        let output_shape: [Int]
        let samples: File
        let first_positions: [Int]
        let sum_float64: Double
        let sum_of_squares_float64: Double
    }
}

/// `max |a − b|` over all elements, in Double.
private func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.scalars, b.scalars).reduce(0) { Swift.max($0, abs(Double($1.0) - Double($1.1))) }
}

/// `max |a − b| / max |b|`.
private func relativeError(_ a: Tensor, reference b: Tensor) -> Double {
    maxAbsDifference(a, b) / b.scalars.reduce(0) { Swift.max($0, abs(Double($1))) }
}

/// Our kernels, circular blur and bicubic resize against `Fixtures/highres`, made by
/// `tools/reference/highres_fixture.py` from DeepInverse 0.5.0 and PyTorch 2.15 on the CPU (AVX512
/// kernels); inputs are the hash images both sides compute. Measured differences are printed.
@Suite("highres_color_image against DeepInverse 0.5.0 (kernels, circular blur, bicubic resize)")
struct HighresFixtureTests {
    let expected = HighresFixture.expected

    @Test("the hash image formula gives the values the script recorded")
    func hashImage() {
        let check = expected.hash_check
        let image = HighresFixture.hashImage(shape: check.shape, salt: check.salt).scalars
        #expect(check.indices.map { Double(image[$0]) } == check.values)
        let resizeInput = HighresFixture.hashImage(shape: expected.resize.input_shape, salt: expected.resize.input_salt)
        #expect(Double(resizeInput.scalars.last!) == check.salt_3_index_463202)
    }

    @Test("every kernel of n = 8 at S = 256 and 2048, directly and through HighresColorImage, within 1e-6",
          arguments: [256, 2048])
    func kernels(size: Int) throws {
        let set = size == 256 ? expected.kernels.S256 : expected.kernels.S2048
        let reference = try NPY.read(path: "\(HighresFixture.folder)/\(set.file)")
        #expect(reference.shape == set.shape)
        let (count, side) = (set.shape[0], set.shape[1])
        let scan = try HighresColorImage(imageSize: size, numOperators: count, dataDirectory: nil)
        #expect(scan.sigma == (set.sigma[0], set.sigma[1]))
        #expect(GaussianBlurKernel.halfWidth(sigma: scan.sigma) == set.half_width)
        // torch.linspace in float32 against our Double angles: within float32 rounding.
        let angleGap = zip(scan.anglesDegrees, expected.kernels.angles_degrees).map { abs($0 - $1) }.max()!
        #expect(scan.anglesDegrees.count == count && angleGap < 1e-5)
        var worst = (dataset: 0.0, direct: 0.0)
        for k in 0..<count {
            let taps = Array(reference.scalars[(k * side * side)..<((k + 1) * side * side)])
            let expectedKernel = Tensor(shape: [side, side], values: taps)
            let fromScan = try scan.kernel(operator: k)
            let direct = try GaussianBlurKernel.kernel(sigma: (set.sigma[0], set.sigma[1]),
                                                       angleDegrees: expected.kernels.angles_degrees[k])
            #expect(fromScan.shape == [side, side] && direct.shape == [side, side])
            worst = (Swift.max(worst.dataset, maxAbsDifference(fromScan, expectedKernel)),
                     Swift.max(worst.direct, maxAbsDifference(direct, expectedKernel)))
        }
        print("highres kernels S=\(size): max abs difference \(worst.dataset) (HighresColorImage), \(worst.direct) (deepinv's float32 angles)")
        #expect(worst.dataset <= 1e-6 && worst.direct <= 1e-6)
    }

    @Test("circular blur A x and Aᵀ y within 1e-5 relative; our dot-product test within 1e-6",
          arguments: ["a", "b"])
    func blur(name: String) throws {
        let testCase = try #require(expected.blur[name])
        let (height, width) = (testCase.shape[2], testCase.shape[3])
        let set = expected.kernels.S256
        #expect(testCase.S == set.S)
        let kernels = try NPY.read(path: "\(HighresFixture.folder)/\(set.file)")
        let side = set.shape[1], k = testCase.operator
        let kernel = Tensor(shape: [side, side], values: Array(kernels.scalars[(k * side * side)..<((k + 1) * side * side)]))
        let x = HighresFixture.hashImage(shape: testCase.shape, salt: testCase.x_salt)
        let y = HighresFixture.hashImage(shape: testCase.shape, salt: testCase.y_salt)
        let (ax, aty) = (try HighresFixture.array(testCase.Ax), try HighresFixture.array(testCase.ATy))

        let blur = try CircularBlur(kernel: kernel, height: height, width: width)
        let (ours, oursAdjoint) = (try blur.apply(x), try blur.adjoint(y))
        let errors = (relativeError(ours, reference: ax), relativeError(oursAdjoint, reference: aty))
        let left = ours.dot(y), right = x.dot(oursAdjoint)
        let dotTest = abs(left - right) / abs(left)
        // The same through the dataset, with our own kernel.
        let scan = try HighresColorImage(imageSize: set.S, numOperators: expected.kernels.num_operators, dataDirectory: nil)
        let datasetBlur = try scan.blur(operator: k, height: height, width: width)
        let datasetErrors = (relativeError(try datasetBlur.apply(x), reference: ax),
                             relativeError(try datasetBlur.adjoint(y), reference: aty))
        print("highres blur \(name) \(testCase.shape): relative error Ax \(errors.0), ATy \(errors.1); "
              + "with our kernel \(datasetErrors.0), \(datasetErrors.1); dot-product test \(dotTest) (deepinv \(testCase.dot_product_test))")
        #expect(ours.shape == testCase.shape && oursAdjoint.shape == testCase.shape)
        #expect(errors.0 <= 1e-5 && errors.1 <= 1e-5)
        #expect(datasetErrors.0 <= 1e-5 && datasetErrors.1 <= 1e-5)
        #expect(dotTest <= 1e-6)
    }

    @Test("bicubic resize of 321×481 to S = 2048 and 512: 16384 samples within 1e-5, sums within 1e-6 relative",
          arguments: [2048, 512])
    func resize(side: Int) throws {
        let info = expected.resize, target = side == 2048 ? info.S2048 : info.S512
        let input = HighresFixture.hashImage(shape: info.input_shape, salt: info.input_salt)
        let size = BicubicResize.size(height: info.input_shape[2], width: info.input_shape[3], longestSide: side)
        #expect([1, 3, size.height, size.width] == target.output_shape)
        let output = try BicubicResize.resize(input, height: size.height, width: size.width)
        #expect(output.shape == target.output_shape)
        let positions = (0..<info.samples).map { ($0 * info.sample_multiplier + info.sample_offset) % output.count }
        #expect(Array(positions.prefix(target.first_positions.count)) == target.first_positions)
        let reference = try HighresFixture.array(target.samples).scalars
        let values = output.scalars
        let sampleError = zip(positions, reference).reduce(0.0) { Swift.max($0, abs(Double(values[$1.0]) - Double($1.1))) }
        let sum = output.sum(), squares = output.dot(output)
        let sumErrors = (abs(sum - target.sum_float64) / abs(target.sum_float64),
                         abs(squares - target.sum_of_squares_float64) / target.sum_of_squares_float64)
        print("highres resize S=\(side) \(output.shape): sampled max abs difference \(sampleError); "
              + "relative sum difference \(sumErrors.0), sum of squares \(sumErrors.1)")
        #expect(sampleError <= 1e-5)
        #expect(sumErrors.0 <= 1e-6 && sumErrors.1 <= 1e-6)
    }
}
