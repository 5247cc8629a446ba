import Formats
import Report
import Tensor

/// The reconstruction figure of a run: ground truth | initialisation | reconstruction on one grey
/// scale (the dataset's value range, values outside clipped) with its colour bar, then |error| of
/// the reconstruction on a magma scale from 0 to its maximum with a second bar. Captions are the
/// caller's (name and scores); images are `[…, H, W]`, first item drawn.
public enum ComparisonFigure {
    /// Writes the figure as an RGB PNG.
    public static func write(truth: Tensor, initial: Tensor, reconstruction: Tensor, range: ClosedRange<Float>,
                             initialCaption: [String], reconstructionCaption: [String], to path: String) throws {
        guard truth.rank >= 2, initial.shape == truth.shape, reconstruction.shape == truth.shape else {
            throw FormatError(file: path, "comparison figure: images of shapes \(truth.shape), \(initial.shape), \(reconstruction.shape)")
        }
        let (h, w) = (truth.shape[truth.rank - 2], truth.shape[truth.rank - 1])
        var error = reconstruction - truth
        error.withUnsafeMutableBufferPointer { values in for index in values.indices { values[index] = abs(values[index]) } }
        let errorMax = max(error.max() ?? 0, 1e-12)
        let grey = PanelGroup(panels: [FigurePanel(title: ["ground truth", "\(h)×\(w)"], image: truth),
                                       FigurePanel(title: initialCaption, image: initial),
                                       FigurePanel(title: reconstructionCaption, image: reconstruction)],
                              scale: ColourScale(range: range), barTitle: "value", ticks: ticks(range))
        let errorGroup = PanelGroup(panels: [FigurePanel(title: ["|error|", "max " + NiceScale.format(Double(errorMax))],
                                                         image: error)],
                                    scale: ColourScale(range: 0...errorMax, map: .magma), barTitle: "error",
                                    ticks: ticks(0...errorMax))
        try PanelFigure.render([grey, errorGroup]).writePNG(to: path)
    }

    /// Nice tick values over `range` (those outside it are dropped by `PanelGroup`), labelled briefly.
    static func ticks(_ range: ClosedRange<Float>) -> [(value: Float, text: String)] {
        NiceScale(covering: [Double(range.lowerBound), Double(range.upperBound)], start: 0, end: 1, tickCount: 4)
            .ticks.map { (Float($0), NiceScale.format($0)) }
    }
}
