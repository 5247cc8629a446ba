import FoundationEssentials
import Formats
import Tensor

/// An 8-bit RGB pixel.
public struct RGB: Equatable, Sendable {
    public var red: UInt8, green: UInt8, blue: UInt8
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) { (self.red, self.green, self.blue) = (red, green, blue) }
    public static let white = RGB(255, 255, 255)
    public static let black = RGB(0, 0, 0)
    public static let text = RGB(34, 34, 34)
}

/// A white RGB picture that figures draw into: filled rectangles, images through a colour map
/// and text in `BitmapFont`; written as an 8-bit RGB PNG.
public struct RasterCanvas: Sendable {
    public let width: Int, height: Int
    public private(set) var pixels: [RGB]

    public init(width: Int, height: Int, background: RGB = .white) {
        (self.width, self.height) = (width, height)
        pixels = Array(repeating: background, count: width * height)
    }

    public subscript(x: Int, y: Int) -> RGB { pixels[y * width + x] }

    /// Fills the rectangle with top-left corner (`x`, `y`), clipped to the canvas.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, with colour: RGB) {
        for row in max(y, 0)..<min(y + h, height) where row >= 0 {
            for column in max(x, 0)..<min(x + w, width) where column >= 0 { pixels[row * width + column] = colour }
        }
    }

    /// Draws the last two axes of `image` (`[…, H, W]`, first item) with its top-left corner at
    /// (`x`, `y`), each value mapped through `scale` and shown as a `zoom`×`zoom` square. A colour
    /// image (`[B, 3, H, W]`) is drawn in its own colours instead: each channel mapped linearly
    /// from the scale's range to 0…255, values outside it clipped.
    public mutating func draw(image: Tensor, x: Int, y: Int, scale: ColourScale, zoom: Int = 1) {
        let (h, w) = (image.shape[image.rank - 2], image.shape[image.rank - 1])
        let isColour = Self.isColour(image), plane = h * w
        let (low, span) = (scale.range.lowerBound, max(scale.range.upperBound - scale.range.lowerBound, .leastNormalMagnitude))
        func byte(_ value: Float) -> UInt8 { UInt8(min(max((value - low) / span * 255, 0), 255).rounded()) }
        image.withUnsafeBufferPointer { values in
            for i in 0..<(h * zoom) where y + i >= 0 && y + i < height {
                for j in 0..<(w * zoom) where x + j >= 0 && x + j < width {
                    let index = (i / zoom) * w + j / zoom
                    pixels[(y + i) * width + x + j] = isColour
                        ? RGB(byte(values[index]), byte(values[plane + index]), byte(values[2 * plane + index]))
                        : scale.colour(of: values[index])
                }
            }
        }
    }

    /// Whether `image` is a colour image `[B, 3, H, W]`, drawn in its own colours.
    public static func isColour(_ image: Tensor) -> Bool { image.rank == 4 && image.shape[1] == 3 }

    /// Writes `text` on one line with the top of its capitals at (`x`, `y`), each font pixel a
    /// `size`×`size` square.
    public mutating func write(_ text: String, x: Int, y: Int, size: Int, colour: RGB = .text) {
        for (index, character) in text.enumerated() {
            let left = x + index * BitmapFont.advance * size
            for row in 0..<BitmapFont.cellHeight {
                for column in 0..<BitmapFont.glyphWidth where BitmapFont.ink(character, row: row, column: column) {
                    fill(x: left + column * size, y: y + row * size, width: size, height: size, with: colour)
                }
            }
        }
    }

    /// The picture as an RGB PNG file.
    public func png(name: String = "figure") throws -> [UInt8] {
        var samples = [UInt16]()
        samples.reserveCapacity(3 * pixels.count)
        for pixel in pixels { samples += [UInt16(pixel.red), UInt16(pixel.green), UInt16(pixel.blue)] }
        return try PNG.encode(width: width, height: height, channels: 3, bitDepth: 8, samples: samples, name: name)
    }

    /// Writes the picture to `path` as an RGB PNG.
    public func writePNG(to path: String) throws {
        try FileIO.write(Data(try png(name: path)), to: path)
    }
}
