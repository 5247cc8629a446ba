import Formats
import Tensor

/// The quick look at a 2-D CT dataset: the phantom on its value range beside the full sinogram
/// (angles down, detector bins across; rows repeated so that it is about as tall as the
/// phantom) on its own range, each with a colour bar and a title.
public enum Preview {
    /// Writes `image` `[…, N, N]` and `sinogram` `[…, A, G]` as an RGB PNG.
    public static func writeSideBySide(image: Tensor, imageRange: ClosedRange<Float>, sinogram: Tensor,
                                       to path: String) throws {
        let height = image.shape[image.rank - 2], width = image.shape[image.rank - 1]
        let angles = sinogram.shape[sinogram.rank - 2], detectors = sinogram.shape[sinogram.rank - 1]
        let repeatRows = max(1, height / max(angles, 1))
        var stretched = [Float](repeating: 0, count: angles * repeatRows * detectors)
        sinogram.withUnsafeBufferPointer { values in
            for row in 0..<(angles * repeatRows) {
                let a = row / repeatRows
                for k in 0..<detectors { stretched[row * detectors + k] = values[a * detectors + k] }
            }
        }
        let low = sinogram.min() ?? 0, high = max(sinogram.max() ?? 1, low + 1e-6)
        let phantom = PanelGroup(panels: [FigurePanel(title: ["phantom", "\(height)×\(width)"], image: image)],
                                 scale: ColourScale(range: imageRange), barTitle: "value",
                                 ticks: ComparisonFigure.ticks(imageRange))
        let data = PanelGroup(panels: [FigurePanel(title: ["sinogram", "\(angles) angles × \(detectors) bins"],
                                                   image: Tensor(shape: [angles * repeatRows, detectors], values: stretched))],
                              scale: ColourScale(range: low...high), barTitle: "line integral",
                              ticks: ComparisonFigure.ticks(low...high))
        try PanelFigure.render([phantom, data]).writePNG(to: path)
    }

    /// Writes a colour image `[1, 3, H, W]` beside one of its measurements (same shape), both in
    /// their own colours on [0, 1], as an RGB PNG.
    public static func writeColour(image: Tensor, measurement: Tensor, caption: String, to path: String) throws {
        let (height, width) = (image.shape[image.rank - 2], image.shape[image.rank - 1])
        let group = PanelGroup(panels: [FigurePanel(title: ["ground truth", "\(height)×\(width)"], image: image),
                                        FigurePanel(title: ["measurement", caption], image: measurement)],
                               scale: ColourScale(range: 0...1), barTitle: "value", ticks: ComparisonFigure.ticks(0...1))
        try PanelFigure.render([group]).writePNG(to: path)
    }
}
