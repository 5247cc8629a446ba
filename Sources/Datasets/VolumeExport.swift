import Formats
import Physics
import Figures
import Tensor

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
            dataset: Tomography3D.name, beam: scan.beam.rawValue, volumeShapeDHW: [volume.depth, volume.height, volume.width],
            voxelSizeXYZ: [volume.voxelSize.x, volume.voxelSize.y, volume.voxelSize.z],
            volumeCentreXYZ: [volume.centre.x, volume.centre.y, volume.centre.z],
            detectorRows: scan.detectorRows, detectorColumns: scan.detectorColumns, views: scan.views.count,
            viewBlocks: dataset.viewBlocks.map { [$0.lowerBound, $0.upperBound] },
            conventions: "voxel (k, i, j) of [D, H, W] has centre (x, y, z) = centre + ((j, i, k) − (extent − 1)/2)·voxel size; "
                + "projections are [rows, views, columns]; detector cell (r, c) of a view has centre d + (c − (U−1)/2)·u + (r − (R−1)/2)·v; "
                + "vectors rows are (source or ray direction, detector centre d, u, v), world units (mm)"),
            to: "\(directory)/geometry.json")
        try VolumePreview.write(volume: problem.groundTruth, range: problem.valueRange, projection: problem.measurements[0],
                                to: "\(directory)/preview.png")
        return problem
    }
}
