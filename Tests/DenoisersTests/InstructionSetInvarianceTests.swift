@testable import Denoisers
import Tensor
import Testing

/// The Winograd layers give the same bits under every instruction set of `PackedGEMM` and
/// `CWinogradTransforms` (AVX-512, AVX2, portable): the products are fixed chains of fused
/// multiply-adds and the transforms fixed sequences of single operations, whatever the vector
/// width. So a run on an AVX2-only CPU reproduces one on an AVX-512 CPU.
@Suite("instruction-set invariance: Winograd layers and DRUNet give the same bits under AVX-512, AVX2 and portable kernels",
       .serialized)
struct InstructionSetInvarianceTests {
    /// `body` under each instruction set this CPU has, the best one restored after.
    static func underEachInstructionSet<R>(_ body: () throws -> R) throws -> [(PackedGEMM.InstructionSet, R)] {
        defer { try? PackedGEMM.use(PackedGEMM.best) }
        return try PackedGEMM.InstructionSet.allCases.filter { $0.rawValue <= PackedGEMM.best.rawValue }.map {
            try PackedGEMM.use($0)
            return ($0, try body())
        }
    }

    @Test("a 3×3 layer with accumulation and ReLU; channel counts that leave an 8-channel rest beside 16-channel vectors",
          arguments: [(24, 40), (8, 16), (64, 64)])
    func layer(cin: Int, cout: Int) throws {
        let (h, w) = (23, 30)
        let weights = Tensor(shape: [cout, cin, 3, 3], values: randomValues(cout * cin * 9, seed: 41).map { $0 * 0.2 })
        let conv = Convolution3x3(weights: weights, algorithm: .winograd)
        let x = randomMap(height: h, width: w, channels: cin, seed: 42)
        let start = randomMap(height: h, width: w, channels: cout, seed: 43)
        let results = try Self.underEachInstructionSet { () -> [Float] in
            var y = start
            conv.apply(x, into: &y, accumulate: true, relu: true, workspace: Workspace())
            return y.values.scalars
        }
        #expect(results.count >= 2, "at least AVX2 and portable")
        for (set, values) in results.dropFirst() {
            #expect(values.map(\.bitPattern) == results[0].1.map(\.bitPattern), "\(set) against \(results[0].0)")
        }
        #expect(results[0].1.contains { $0 == 0 } && results[0].1.contains { $0 > 0 }, "ReLU should clip some values")
    }

    @Test("DRUNet on a 44×36 image and the 3-D DRUNet on a 6×20×28 volume")
    func networks() throws {
        let configuration = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1, channels: [8, 16, 16, 32], blocks: 1)
        let model = try DRUNet.random(configuration: configuration, seed: 44)
        let image = Tensor(shape: [1, 1, 44, 36], values: randomValues(44 * 36, seed: 45))
        let volume = Tensor(shape: [1, 1, 6, 20, 28], values: randomValues(6 * 20 * 28, seed: 46))
        let volumetric = DRUNet3D(converting: model)
        let results = try Self.underEachInstructionSet {
            (try model.denoise(image, sigma: [0.05]), try volumetric.denoise(volume, sigma: [0.05]))
        }
        for (set, (plane, cube)) in results.dropFirst() {
            #expect(plane == results[0].1.0, "2-D, \(set) against \(results[0].0)")
            #expect(cube == results[0].1.1, "3-D, \(set) against \(results[0].0)")
        }
    }
}
