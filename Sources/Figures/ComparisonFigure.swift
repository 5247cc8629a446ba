import Formats
import Tensor

/// The reconstruction figure of a run: ground truth | initialisation | reconstruction on one grey
/// scale (the dataset's value range, values outside clipped; colour images in their own colours)
/// with its colour bar, then |error| of the reconstruction (per pixel, over the channels of a
/// colour image) on a magma scale from 0 to its maximum with a second bar. Captions are the
/// caller's (name and scores); images are `[…, H, W]`, first item drawn, and volumes
/// `[B, C, D, H, W]` show their middle axial slice `D/2`.
public enum ComparisonFigure {
    /// Writes the figure as an RGB PNG.
    public static func write(truth volumeTruth: Tensor, initial volumeInitial: Tensor, reconstruction volumeReconstruction: Tensor,
                             range: ClosedRange<Float>, initialCaption: [String], reconstructionCaption: [String],
                             to path: String) throws {
        guard volumeTruth.rank >= 2, volumeInitial.shape == volumeTruth.shape, volumeReconstruction.shape == volumeTruth.shape else {
            throw FormatError(file: path, "comparison figure: images of shapes \(volumeTruth.shape), \(volumeInitial.shape), \(volumeReconstruction.shape)")
        }
        let depth = volumeTruth.rank == 5 ? volumeTruth.shape[2] : 1
        func shown(_ image: Tensor) throws -> Tensor { depth > 1 ? try image.slice(axis: 2, (depth / 2)..<(depth / 2 + 1)) : image }
        let (truth, initial, reconstruction) = (try shown(volumeTruth), try shown(volumeInitial), try shown(volumeReconstruction))
        let (h, w) = (truth.shape[truth.rank - 2], truth.shape[truth.rank - 1])
        let size = depth > 1 ? "\(h)×\(w), slice \(depth / 2) of \(depth)" : "\(h)×\(w)"
        let error = errorMagnitude(reconstruction - truth)
        let errorMax = max(error.max() ?? 0, 1e-12)
        let grey = PanelGroup(panels: [FigurePanel(title: ["ground truth", size], image: truth),
                                       FigurePanel(title: initialCaption, image: initial),
                                       FigurePanel(title: reconstructionCaption, image: reconstruction)],
                              scale: ColourScale(range: range), barTitle: "value", ticks: ticks(range))
        let errorGroup = PanelGroup(panels: [FigurePanel(title: ["|error|", "max " + NiceScale.format(Double(errorMax))],
                                                         image: error)],
                                    scale: ColourScale(range: 0...errorMax, map: .magma), barTitle: "error",
                                    ticks: ticks(0...errorMax))
        try PanelFigure.render([grey, errorGroup]).writePNG(to: path)
    }

    /// `|e|` per pixel of the first item: the absolute value of a grey image, the Euclidean norm over
    /// the three channels of a colour one (`[1, 1, H, W]`).
    static func errorMagnitude(_ difference: Tensor) -> Tensor {
        guard RasterCanvas.isColour(difference) else {
            var error = difference
            error.withUnsafeMutableBufferPointer { values in for index in values.indices { values[index] = abs(values[index]) } }
            return error
        }
        let plane = difference.shape[2] * difference.shape[3]
        let magnitude = difference.withUnsafeBufferPointer { values in
            (0..<plane).map { (index: Int) -> Float in
                let (red, green, blue) = (values[index], values[plane + index], values[2 * plane + index])
                let squares: Float = red * red + green * green + blue * blue
                return squares.squareRoot()
            }
        }
        return Tensor(shape: [1, 1, difference.shape[2], difference.shape[3]], values: magnitude)
    }

    /// Nice tick values over `range` (those outside it are dropped by `PanelGroup`), labelled briefly.
    static func ticks(_ range: ClosedRange<Float>) -> [(value: Float, text: String)] {
        NiceScale(covering: [Double(range.lowerBound), Double(range.upperBound)], start: 0, end: 1, tickCount: 4)
            .ticks.map { (Float($0), NiceScale.format($0)) }
    }
}
