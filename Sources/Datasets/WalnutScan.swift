import Physics
import Tensor

/// A measured walnut cone-beam scan read from files (`WalnutPT` or `WalnutCWI`): the full scan's
/// ASTRA `cone_vec` views in mm, its reference reconstruction and its projections (line
/// integrals, `−log` of the flat-field-corrected intensities), read on demand.
public protocol WalnutScan: Sendable {
    /// Where the data come from, for messages and run records.
    var description: String { get }
    /// The reference reconstruction's shape `[D, H, W]` (slices along z, rows along y, columns along x).
    var volumeShape: [Int] { get }
    /// Detector rows R (along `v`) and columns U (along `u`).
    var detectorRows: Int { get }
    var detectorColumns: Int { get }
    /// One view per projection of the full scan, in order.
    var views: [DetectorView] { get }
    /// The reference reconstruction `[D, H, W]`.
    func groundTruth() throws -> Tensor
    /// The projections of the views `indices` of the full scan, `[indices.count, R, U]`.
    func projections(_ indices: [Int]) throws -> Tensor
}
