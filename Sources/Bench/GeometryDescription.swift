import Datasets
import Physics

/// The `geometry.json` written next to an exported 2-D CT dataset: everything another tool needs
/// to rebuild the operators, with the conventions spelled out.
public struct GeometryDescription: Codable, Sendable {
    /// One operator's block of angles.
    public struct OperatorAngles: Codable, Sendable {
        /// Operator index k (its measurement is `measurement_<k>.npy`).
        public let index: Int
        /// First angle's index in the full scan.
        public let first_angle_index: Int
        /// The angles, degrees.
        public let angles_deg: [Double]
    }

    public let dataset: String
    public let img_size: Int
    public let detector_count: Int
    public let circle: Bool
    public let num_angles: Int
    public let num_operators: Int
    public let noise_level: Double
    public let seed: UInt64
    public let value_range: [Float]
    public let pixel_size: Double
    public let detector_cell_size: Double
    public let image_layout: String
    public let sinogram_layout: String
    public let conventions: String
    public let operators: [OperatorAngles]

    /// The description of `dataset`.
    public init(_ dataset: Tomography2D) throws {
        self.dataset = Tomography2D.name
        img_size = dataset.imgSize
        detector_count = dataset.geometry.detectorCount
        circle = dataset.circle
        num_angles = dataset.numAngles
        num_operators = dataset.numOperators
        noise_level = dataset.noiseLevel
        seed = dataset.seed
        value_range = [0, 1]
        pixel_size = 1
        detector_cell_size = 1
        image_layout = "[B, C, N, N] float32, row-major; ground_truth.npy is [1, 1, N, N]"
        sinogram_layout = "[B, C, A, G] float32, angle-major: row a holds detector cells 0..G-1 of angle a (deepinv's layout is the transpose [B, C, G, A])"
        conventions = "pixel (row i, column j) has centre x = j - (N-1)/2, y = (N-1)/2 - i; the ray of angle theta (degrees) and detector cell k is the line x*cos(theta) + y*sin(theta) = k - (G-1)/2; values are line integrals in pixel-length units; circle mode sees only pixels with c_i^2 + c_j^2 <= 1, c_k = 2k/(N-1) - 1"
        operators = try dataset.angleBlocks.enumerated().map { index, range in
            OperatorAngles(index: index, first_angle_index: range.lowerBound,
                           angles_deg: try dataset.geometry(operator: index).anglesDegrees)
        }
    }
}
