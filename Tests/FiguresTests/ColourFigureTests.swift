import Figures
import Formats
import Foundation
import Tensor
import Testing

@Suite("Colour images in figures")
struct ColourFigureTests {
    /// A `[1, 3, 20, 30]` image: left half pure red, right half pure blue.
    static let image = Tensor(shape: [1, 3, 20, 30], values: (0..<3).flatMap { channel in
        (0..<600).map { index -> Float in
            let left = index % 30 < 15
            return channel == 0 ? (left ? 1 : 0) : channel == 2 ? (left ? 0 : 1) : 0
        }
    })

    @Test("a colour image is drawn in its own colours (clipped to the range), a grey one through the scale")
    func drawsColour() {
        var canvas = RasterCanvas(width: 30, height: 20)
        canvas.draw(image: Self.image, x: 0, y: 0, scale: ColourScale(range: 0...1))
        #expect(canvas[2, 2] == RGB(255, 0, 0) && canvas[25, 10] == RGB(0, 0, 255))
        #expect(RasterCanvas.isColour(Self.image) && !RasterCanvas.isColour(Tensor(shape: [1, 1, 4, 4])))
        var grey = RasterCanvas(width: 30, height: 20)
        grey.draw(image: Tensor(shape: [1, 1, 20, 30], values: Array(repeating: 1, count: 600)), x: 0, y: 0,
                  scale: ColourScale(range: 0...1))
        #expect(grey[2, 2] == RGB(255, 255, 255))
    }

    @Test("the comparison figure shows colour panels and the error as one magnitude per pixel")
    func comparison() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("invscale-colour-figure-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var reconstruction = Self.image
        // One pixel off by (0.3, 0.4, 0) in its three channels: an error magnitude of 0.5.
        reconstruction.withUnsafeMutableBufferPointer { values in
            values[0] -= 0.3
            values[600] += 0.4
        }
        let path = folder + "/comparison.png"
        try ComparisonFigure.write(truth: Self.image, initial: Tensor(shape: [1, 3, 20, 30]), reconstruction: reconstruction,
                                   range: 0...1, initialCaption: ["start"], reconstructionCaption: ["end"], to: path)
        let figure = try ComparisonFigureTests.colours(path)
        #expect(figure.pixels.contains(RGB(255, 0, 0)) && figure.pixels.contains(RGB(0, 0, 255)))
        // Only the one wrong pixel takes magma's brightest colour (zoomed 7×: 49 screen pixels).
        #expect(figure.pixels.count { $0 == RGB(252, 253, 191) } == 49)
        let preview = folder + "/preview.png"
        try Preview.writeColour(image: Self.image, measurement: reconstruction, caption: "blur 1", to: preview)
        #expect(try ComparisonFigureTests.colours(preview).pixels.contains(RGB(0, 0, 255)))
    }
}
