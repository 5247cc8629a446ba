import Formats
import Physics
import Tensor

/// The reference benchmark's pre-packed walnut scan, `Walnut-CBCT_8.pt`: a `torch.save` dict with
/// `dense_reconstruction` (the ground truth `[D, H, W]`), `sinogram` (`[angles, R, U]`, detector
/// rows then columns) and `vecs` (`[angles, 12]`, ASTRA `cone_vec` rows in mm). Tensors may be
/// float32, float64, float16 or bfloat16 and any strided view; the volume and projections become
/// Float32, `vecs` is read in its own precision (float64 kept exactly). Other entries are ignored.
///
/// Opening checks the keys and shapes and reads `vecs`; the volume and the chosen projections are
/// read when asked for (the file is mapped, so unread projections cost nothing).
public struct WalnutPT: WalnutScan {
    /// The file name the reference downloads and caches.
    public static let fileName = "Walnut-CBCT_8.pt"

    /// The opened file.
    public let file: TorchTensorFile
    public let volumeShape: [Int]
    public let detectorRows: Int, detectorColumns: Int
    public let views: [DetectorView]

    /// Opens the file at `path`; a missing key or a wrong shape is a `FormatError` naming the
    /// file, the key and the expected shape.
    public init(path: String) throws {
        file = try TorchTensorFile(path: path)
        let fail = { (key: String, shape: [Int], expected: String) in
            FormatError(file: path, "tensor '\(key)' has shape \(shape); expected \(expected)")
        }
        let volume = try file.shape(of: "dense_reconstruction")
        guard volume.count == 3, volume.allSatisfy({ $0 > 0 }) else {
            throw fail("dense_reconstruction", volume, "[D, H, W] (the ground-truth volume)")
        }
        let vecs = try file.shape(of: "vecs")
        guard vecs.count == 2, vecs[0] > 0, vecs[1] == 12 else {
            throw fail("vecs", vecs, "[angles, 12] (ASTRA cone_vec rows: source, detector centre, u, v)")
        }
        let sinogram = try file.shape(of: "sinogram")
        guard sinogram.count == 3, sinogram[0] == vecs[0], sinogram[1] > 0, sinogram[2] > 0 else {
            throw fail("sinogram", sinogram, "[\(vecs[0]), detector rows, detector columns] (one projection per row of 'vecs')")
        }
        let numbers = try file.doubles("vecs")
        views = try (0..<vecs[0]).map { row in
            let vector = Array(numbers[12 * row..<12 * row + 12])
            guard vector.allSatisfy(\.isFinite) else {
                throw FormatError(file: path, "tensor 'vecs' row \(row) is \(vector); expected 12 finite numbers")
            }
            return try DetectorView(vector: vector)
        }
        (volumeShape, detectorRows, detectorColumns) = (volume, sinogram[1], sinogram[2])
    }

    public var description: String { "\(file.path) (pre-packed walnut scan: dense_reconstruction, sinogram, vecs)" }

    public func groundTruth() throws -> Tensor { try file.tensor("dense_reconstruction") }

    public func projections(_ indices: [Int]) throws -> Tensor { try file.tensor("sinogram", items: indices) }
}
