@testable import Datasets
import Tensor
import Testing

/// Keys' cubic kernel with A = −0.75 at distance `x`, in Double.
private func keys(_ x: Double) -> Double {
    let a = -0.75, x = abs(x)
    if x <= 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
    if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
    return 0
}

/// One axis resized the textbook way: output d samples s = (d + 0.5)·in/out − 0.5 with the four
/// taps around it, indices clamped to the edge.
private func resize1D(_ values: [Double], to output: Int) -> [Double] {
    let input = values.count
    return (0..<output).map { d in
        let s = (Double(d) + 0.5) * Double(input) / Double(output) - 0.5, base = Int(s.rounded(.down))
        return (base - 1...base + 2).reduce(0.0) { sum, i in sum + keys(s - Double(i)) * values[min(max(i, 0), input - 1)] }
    }
}

@Suite("Bicubic resize (PyTorch's, align_corners=False)")
struct BicubicResizeTests {
    @Test("the reference's sizes: the longest side becomes S, the other truncated")
    func sizes() {
        #expect(BicubicResize.size(height: 321, width: 481, longestSide: 2048) == (1366, 2048))
        #expect(BicubicResize.size(height: 321, width: 481, longestSide: 512) == (341, 512))
        #expect(BicubicResize.size(height: 481, width: 321, longestSide: 1024) == (1024, 683))
    }

    @Test("weights sum to 1; a constant stays constant; the same size is an exact copy")
    func invariants() throws {
        for t in stride(from: Float(0), to: 1, by: 0.125) {
            let w = BicubicResize.cubicWeights(t)
            #expect(abs(w.0 + w.1 + w.2 + w.3 - 1) < 1e-6)
        }
        let constant = try BicubicResize.resize(Tensor(shape: [1, 3, 7, 5], repeating: 0.25), height: 11, width: 3)
        #expect(constant.withUnsafeBufferPointer { $0.allSatisfy { abs($0 - 0.25) < 1e-6 } })
        let image = Tensor(shape: [1, 1, 4, 6], values: (0..<24).map { Float($0 * $0 % 7) })
        #expect(try BicubicResize.resize(image, height: 4, width: 6) == image)
        #expect(throws: DatasetError.self) { try BicubicResize.resize(Tensor(shape: [4, 6]), height: 2, width: 2) }
    }

    @Test("up and down, it equals the separable textbook formula in double precision, overshoot kept",
          arguments: [(7, 9, 12, 5), (5, 4, 2, 11), (3, 3, 8, 8)])
    func matchesFormula(inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int) throws {
        let values = (0..<(inHeight * inWidth)).map { Double(($0 * 37) % 11) / 10 }
        let image = Tensor(shape: [1, 1, inHeight, inWidth], values: values.map(Float.init))
        let resized = try BicubicResize.resize(image, height: outHeight, width: outWidth).withUnsafeBufferPointer { Array($0) }
        let rows = (0..<inHeight).map { resize1D(Array(values[($0 * inWidth)..<(($0 + 1) * inWidth)]), to: outWidth) }
        let columns = (0..<outWidth).map { c in resize1D(rows.map { $0[c] }, to: outHeight) }
        for i in 0..<outHeight {
            for j in 0..<outWidth {
                #expect(abs(Double(resized[i * outWidth + j]) - columns[j][i]) < 1e-5)
            }
        }
    }
}
