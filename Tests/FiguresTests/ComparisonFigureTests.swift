import Figures
import Formats
import Foundation
import Tensor
import Testing

@Suite("Comparison figure and dataset preview")
struct ComparisonFigureTests {
    /// The pixels of an RGB PNG as colours.
    static func colours(_ path: String) throws -> (width: Int, height: Int, pixels: [RGB]) {
        let image = try PNG.read(path: path)
        let (h, w) = (image.shape[2], image.shape[3])
        let values = image.withUnsafeBufferPointer { Array($0) }
        func byte(_ value: Float) -> UInt8 { UInt8((value * 255).rounded()) }
        return (w, h, (0..<(h * w)).map { RGB(byte(values[$0]), byte(values[h * w + $0]), byte(values[2 * h * w + $0])) })
    }

    @Test("panels on the shared grey scale (clipped), the error on magma up to its maximum")
    func comparison() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("invscale-figure-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let truth = Tensor(shape: [1, 1, 40, 40], values: (0..<1600).map { Float($0 % 40) / 39 })
        var initial = truth, reconstruction = truth
        initial.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = 2 } }          // clipped to white
        reconstruction.withUnsafeMutableBufferPointer { $0[0] += 0.5 }                       // one wrong pixel
        let path = folder + "/comparison.png"
        try ComparisonFigure.write(truth: truth, initial: initial, reconstruction: reconstruction, range: 0...1,
                                   initialCaption: ["start"], reconstructionCaption: ["end", "1 dB"], to: path)
        let figure = try Self.colours(path)
        let count = { (colour: RGB) in figure.pixels.count { $0 == colour } }
        // 40-pixel images are shown 4× (at least 128 pixels tall): each pixel is 16 screen pixels.
        #expect(count(.white) > 40 * 40 * 16, "the clipped initial panel is white")
        #expect(count(RGB(252, 253, 191)) == 16, "only the largest error takes magma's brightest colour (the bar's top row is its frame)")
        #expect(count(RGB(0, 0, 4)) >= (40 * 40 - 1) * 16, "zero error is magma's darkest colour")
        #expect(figure.width > 4 * 160 && figure.height > 160)
        #expect(throws: FormatError.self) {
            try ComparisonFigure.write(truth: truth, initial: Tensor(shape: [1, 1, 4, 4]), reconstruction: truth,
                                       range: 0...1, initialCaption: [], reconstructionCaption: [], to: path)
        }
    }

    @Test("dataset preview: phantom and sinogram rows stretched to the phantom's height, each with a bar")
    func preview() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("invscale-preview-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let phantom = Tensor(shape: [1, 1, 32, 32], repeating: 1)
        let sinogram = Tensor(shape: [1, 1, 8, 20], values: (0..<160).map { Float($0 / 20) })
        try Preview.writeSideBySide(image: phantom, imageRange: 0...1, sinogram: sinogram, to: folder + "/p.png")
        let figure = try Self.colours(folder + "/p.png")
        let grey = { (value: Float) in ColourMap.grey.colour(at: value / 7) }
        // Each of the 8 angles is 4 rows tall; every sinogram level appears in 4 rows × 20 bins
        // (and once more in the bar, which is 32 rows tall).
        for level in 1..<7 { #expect(figure.pixels.count { $0 == grey(Float(level)) } >= 80) }
    }
}
