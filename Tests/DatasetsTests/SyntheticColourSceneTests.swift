import Datasets
import Tensor
import Testing

@Suite("Synthetic colour scene")
struct SyntheticColourSceneTests {
    @Test("the photograph's shape, values in [0, 1], the same every time")
    func shapeAndRange() {
        let image = SyntheticColourScene.image()
        #expect(image.shape == [1, 3, 321, 481])
        #expect((image.min() ?? -1) >= 0 && (image.max() ?? 2) <= 1)
        #expect(image == SyntheticColourScene.image())
    }

    @Test("an image, not noise: mostly smooth, some sharp edges, saturated colours, texture in the field")
    func content() {
        let image = SyntheticColourScene.image()
        let (h, w) = (321, 481)
        let v = image.withUnsafeBufferPointer { Array($0) }
        func value(_ c: Int, _ i: Int, _ j: Int) -> Float { v[(c * h + i) * w + j] }
        var steps: [Float] = []
        for i in 0..<h { for j in 1..<w { steps.append((0..<3).map { abs(value($0, i, j) - value($0, i, j - 1)) }.max()!) } }
        let sharp = Float(steps.filter { $0 > 0.2 }.count) / Float(steps.count)
        let smooth = Float(steps.filter { $0 < 0.02 }.count) / Float(steps.count)
        #expect(sharp > 0.001 && sharp < 0.05, "fraction of sharp horizontal steps \(sharp)")
        #expect(smooth > 0.5, "fraction of smooth steps \(smooth)")
        let saturated = (0..<(h * w)).filter { p in
            let rgb = (0..<3).map { v[$0 * h * w + p] }
            return rgb.max()! - rgb.min()! > 0.7
        }.count
        #expect(saturated > h * w / 50, "\(saturated) saturated pixels")
        // The field (rows 200–290) varies from pixel to pixel: texture, not a flat colour.
        let field = (200..<290).flatMap { i in (1..<w).map { j in abs(value(1, i, j) - value(1, i, j - 1)) } }
        #expect(field.filter { $0 > 0.002 }.count > field.count / 3)
    }
}
