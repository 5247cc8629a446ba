import Datasets
import Formats
import Physics
import Report
import Tensor

/// The `geometry.json` of an exported 3-D CT dataset.
public struct VolumeGeometryDescription: Codable, Sendable {
    public let dataset: String
    public let beam: String
    public let volume_shape_dhw: [Int]
    public let voxel_size_xyz: [Double]
    public let volume_centre_xyz: [Double]
    public let detector_rows: Int
    public let detector_columns: Int
    public let views: Int
    public let view_blocks: [[Int]]
    public let conventions: String
}

/// Writes a 3-D CT dataset to a folder: `ground_truth.npy` `[1, 1, D, H, W]`, `measurement_<k>.npy`
/// `[1, 1, R, V_k, U]`, `vectors.npy` `[V, 12]` (float32, ASTRA `cone_vec` / `parallel3d_vec`
/// rows), `geometry.json` and `preview.png` (axial, coronal and sagittal middle slices, and the
/// first view's projection).
public enum VolumeExport {
    @discardableResult
    public static func export(_ dataset: Tomography3D, to directory: String) throws -> Problem {
        try FileSystem.makeDirectory(directory)
        let problem = try dataset.makeProblem()
        let scan = try dataset.geometry()
        try NPY.write(problem.groundTruth, to: "\(directory)/ground_truth.npy")
        for (index, measurement) in problem.measurements.enumerated() {
            try NPY.write(measurement, to: "\(directory)/measurement_\(index).npy")
        }
        try NPY.write(Tensor(shape: [scan.views.count, 12], values: scan.views.flatMap { $0.vector.map(Float.init) }),
                      to: "\(directory)/vectors.npy")
        let volume = scan.volume
        try FileSystem.writeJSON(VolumeGeometryDescription(
            dataset: Tomography3D.name, beam: scan.beam.rawValue, volume_shape_dhw: [volume.depth, volume.height, volume.width],
            voxel_size_xyz: [volume.voxelSize.x, volume.voxelSize.y, volume.voxelSize.z],
            volume_centre_xyz: [volume.centre.x, volume.centre.y, volume.centre.z],
            detector_rows: scan.detectorRows, detector_columns: scan.detectorColumns, views: scan.views.count,
            view_blocks: dataset.viewBlocks.map { [$0.lowerBound, $0.upperBound] },
            conventions: "voxel (k, i, j) of [D, H, W] has centre (x, y, z) = centre + ((j, i, k) − (extent − 1)/2)·voxel size; "
                + "projections are [rows, views, columns]; detector cell (r, c) of a view has centre d + (c − (U−1)/2)·u + (r − (R−1)/2)·v; "
                + "vectors rows are (source or ray direction, detector centre d, u, v), world units (mm)"),
            to: "\(directory)/geometry.json")
        try VolumePreview.write(volume: problem.groundTruth, range: problem.valueRange, projection: problem.measurements[0],
                                to: "\(directory)/preview.png")
        return problem
    }
}

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
