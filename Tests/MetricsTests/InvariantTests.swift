@testable import Metrics
import Tensor
import Testing

@Suite("Metric invariants and input checks")
struct InvariantTests {
    static let gray = MetricsFixture.cases[0]
    static let volume = MetricsFixture.cases[2]

    @Test("identical inputs: SSIM 1, PSNR 80 dB, MSE 0")
    func identical() throws {
        for entry in [Self.gray, Self.volume] {
            let x = entry.referenceTensor
            for value in try structuralSimilarity(x, x) { #expect(abs(value - 1) <= 1e-12) }
            for value in try peakSignalToNoiseRatio(x, x) { #expect(abs(value - 80) <= 1e-9) }
            #expect(try meanSquaredError(x, x).allSatisfy { $0 == 0 })
        }
    }

    @Test("SSIM, PSNR and MSE are symmetric")
    func symmetry() throws {
        for entry in [Self.gray, Self.volume] {
            let x = entry.estimateTensor, y = entry.referenceTensor
            #expect(try structuralSimilarity(x, y) == structuralSimilarity(y, x))
            #expect(try peakSignalToNoiseRatio(x, y) == peakSignalToNoiseRatio(y, x))
        }
    }

    @Test("each batch item is scored on its own")
    func batchItems() throws {
        let x = Self.gray.estimateTensor, y = Self.gray.referenceTensor
        let both = try structuralSimilarity(x, y)
        for item in 0..<2 {
            let single = try structuralSimilarity(x.slice(axis: 0, item..<item + 1), y.slice(axis: 0, item..<item + 1))
            #expect(abs(single[0] - both[item]) <= 1e-12)
        }
    }

    @Test("the split into row blocks does not change SSIM", arguments: [1, 3, 7, 64])
    func rowBlocks(rowsPerTask: Int) throws {
        for entry in [MetricsFixture.cases[3], Self.volume] {
            let x = entry.estimateTensor, y = entry.referenceTensor
            let reference = try structuralSimilarity(x, y)
            let split = try structuralSimilarity(x, y, maxPixel: 1, minPixel: 0, rowsPerTask: rowsPerTask)
            for (a, b) in zip(split, reference) { #expect(abs(a - b) <= 1e-12) }
        }
    }

    @Test("an empty batch gives no values")
    func emptyBatch() throws {
        let x = Tensor(shape: [0, 1, 8, 8])
        #expect(try structuralSimilarity(x, x).isEmpty)
        #expect(try meanSquaredError(x, x).isEmpty)
    }

    @Test("bad shapes and ranges throw", arguments: [
        ([1, 1, 8, 8], [1, 1, 8, 9]),  // unequal shapes
        ([1, 64], [1, 64]),  // SSIM needs rank 4 or 5
        ([1, 1, 5, 8], [1, 1, 5, 8]),  // extent < 6: no reflect pad of 5
        ([1, 1, 6, 6, 5], [1, 1, 6, 6, 5]),
        ([1, 0, 8, 8], [1, 0, 8, 8]),  // empty items
    ])
    func badShapes(_ shapes: ([Int], [Int])) {
        let x = Tensor(shape: shapes.0), y = Tensor(shape: shapes.1)
        #expect(throws: MetricsError.self) { try structuralSimilarity(x, y) }
        if shapes.0 != shapes.1 || shapes.0.contains(0) {
            #expect(throws: MetricsError.self) { try peakSignalToNoiseRatio(x, y) }
            #expect(throws: MetricsError.self) { try meanSquaredError(x, y) }
        }
    }

    @Test("PSNR and MSE need a batch axis; data ranges must be positive")
    func badArguments() throws {
        let flat = Tensor(shape: [16]), image = Tensor(shape: [1, 1, 8, 8])
        #expect(throws: MetricsError.self) { try meanSquaredError(flat, flat) }
        #expect(throws: MetricsError.self) { try peakSignalToNoiseRatio(image, image, maxPixel: 0, minPixel: 0) }
        #expect(throws: MetricsError.self) { try structuralSimilarity(image, image, maxPixel: .nan) }
        #expect(try structuralSimilarity(Tensor(shape: [1, 1, 6, 6]), Tensor(shape: [1, 1, 6, 6])) == [1])
    }
}
