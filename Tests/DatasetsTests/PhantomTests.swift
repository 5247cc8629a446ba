import Datasets
import Tensor
import Testing

/// The value of the pixel containing the phantom point (x, y) of an N×N raster.
func pixel(_ image: Tensor, x: Double, y: Double) -> Float {
    let n = image.shape[3]
    return image[0, 0, Int((1 - y) * Double(n) / 2), Int((x + 1) * Double(n) / 2)]
}

@Suite("Ellipse phantom rasterisation")
struct PhantomTests {
    let phantom = EllipsePhantom.modifiedSheppLogan

    @Test("values lie in [0, 1] and reach both ends")
    func valueRange() throws {
        let image = try phantom.rasterize(size: 96)
        #expect(image.shape == [1, 1, 96, 96])
        #expect(image.min() == 0)
        #expect(image.max() == 1)
    }

    @Test("gray levels of the regions (Toft's modified table)")
    func grayLevels() throws {
        let image = try phantom.rasterize(size: 128)
        #expect(pixel(image, x: 0, y: 0.95) == 0)          // outside the skull
        #expect(pixel(image, x: 0, y: 0.9) == 1)           // skull
        #expect(abs(pixel(image, x: 0.5, y: 0) - 0.2) < 1e-6)     // brain
        #expect(abs(pixel(image, x: 0.22, y: 0)) < 1e-6)          // right ventricle
        #expect(abs(pixel(image, x: 0, y: 0.35) - 0.3) < 1e-6)    // ellipse e
    }

    /// The midpoint rule in y is the only approximation: its error shrinks with more sub-rows.
    @Test("mean equals the area-weighted mean Σ ρ·π·a·b / 4",
          arguments: [(64, 8, 1.5e-4), (128, 8, 1.5e-4), (255, 8, 1.5e-4), (64, 64, 5e-6)])
    func mean(size: Int, subrows: Int, tolerance: Double) throws {
        let expected = phantom.ellipses.reduce(0) { $0 + $1.density * $1.area } / 4
        let mean = try phantom.rasterize(size: size, subrows: subrows).sum() / Double(size * size)
        #expect(abs(mean - expected) < tolerance * expected, "N=\(size) S=\(subrows): mean \(mean), analytic \(expected)")
    }

    @Test("the outer ellipse alone covers the area π·0.69·0.92 and is mirror-symmetric")
    func outerEllipse() throws {
        let outer = EllipsePhantom(ellipses: [phantom.ellipses[0]], valueRange: 0...1)
        let n = 100
        let image = try outer.rasterize(size: n)
        let area = image.sum() * 4 / Double(n * n)
        #expect(abs(area - Double.pi * 0.69 * 0.92) < 1e-4, "area \(area)")
        for i in 0..<n {
            for j in 0..<n {
                #expect(abs(image[0, 0, i, j] - image[0, 0, n - 1 - i, n - 1 - j]) < 1e-5)
            }
        }
    }

    @Test("left-right symmetric above the ventricles (only ellipses centred on x = 0 there)")
    func upperSymmetry() throws {
        let n = 128
        let image = try phantom.rasterize(size: n)
        for i in 0..<(n / 4) {   // y > 0.5
            for j in 0..<(n / 2) {
                #expect(abs(image[0, 0, i, j] - image[0, 0, i, n - 1 - j]) < 1e-5, "row \(i), column \(j)")
            }
        }
    }

    @Test("parameter errors name the parameter")
    func errors() {
        #expect(throws: DatasetError("rasterize size: expected a positive integer, got 0")) {
            try phantom.rasterize(size: 0)
        }
        #expect(throws: DatasetError("subrows: expected a positive integer, got 0")) {
            try phantom.rasterize(size: 8, subrows: 0)
        }
    }
}
