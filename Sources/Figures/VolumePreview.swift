import Tensor

/// The quick look at a volume: its middle axial (z), coronal (y) and sagittal (x) slices on one
/// grey scale, and the first view of a projection set on its own scale. Coronal and sagittal
/// slices and the projection are drawn with z (the detector's v) pointing up.
public enum VolumePreview {
    /// Writes `volume` `[…, D, H, W]` and view 0 of `projection` `[…, R, V, U]` as an RGB PNG.
    public static func write(volume: Tensor, range: ClosedRange<Float>, projection: Tensor, to path: String) throws {
        let (d, h, w) = (volume.shape[volume.rank - 3], volume.shape[volume.rank - 2], volume.shape[volume.rank - 1])
        let values = volume.withUnsafeBufferPointer { Array($0.prefix(d * h * w)) }
        func slice(_ rows: Int, _ columns: Int, _ index: (Int, Int) -> Int) -> Tensor {
            Tensor(shape: [rows, columns], values: (0..<(rows * columns)).map { values[index($0 / columns, $0 % columns)] })
        }
        let axial = slice(h, w) { i, j in ((d / 2) * h + i) * w + j }
        let coronal = slice(d, w) { k, j in ((d - 1 - k) * h + h / 2) * w + j }
        let sagittal = slice(d, h) { k, i in ((d - 1 - k) * h + i) * w + w / 2 }
        let (rows, views, columns) = (projection.shape[projection.rank - 3], projection.shape[projection.rank - 2],
                                      projection.shape[projection.rank - 1])
        let first = projection.withUnsafeBufferPointer { data in
            Tensor(shape: [rows, columns], values: (0..<(rows * columns)).map { data[((rows - 1 - $0 / columns) * views) * columns + $0 % columns] })
        }
        let low = first.min() ?? 0, high = max(first.max() ?? 1, low + 1e-6)
        let slices = PanelGroup(panels: [FigurePanel(title: ["axial", "z = \(d / 2)"], image: axial),
                                         FigurePanel(title: ["coronal", "y = \(h / 2)"], image: coronal),
                                         FigurePanel(title: ["sagittal", "x = \(w / 2)"], image: sagittal)],
                                scale: ColourScale(range: range), barTitle: "value", ticks: ComparisonFigure.ticks(range))
        let view = PanelGroup(panels: [FigurePanel(title: ["view 0", "\(rows)×\(columns) cells"], image: first)],
                              scale: ColourScale(range: low...high), barTitle: "line integral", ticks: ComparisonFigure.ticks(low...high))
        try PanelFigure.render([slices, view]).writePNG(to: path)
    }
}
