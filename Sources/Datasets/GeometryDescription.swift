import Physics

/// The `geometry.json` written next to an exported 2-D CT dataset: everything another tool needs
/// to rebuild the operators, with the conventions spelled out. Its keys are the properties'
/// names in snake_case (`FileSystem.writeJSON(_:to:snakeCaseKeys:)`), the dataset's parameter
/// names where they are parameters.
public struct GeometryDescription: Codable, Sendable {
    /// One operator's block of angles.
    public struct OperatorAngles: Codable, Sendable {
        /// Operator index k (its measurement is `measurement_<k>.npy`).
        public let index: Int
        /// First angle's index in the full scan.
        public let firstAngleIndex: Int
        /// The angles, degrees.
        public let anglesDegrees: [Double]

        private enum CodingKeys: String, CodingKey {
            case index, firstAngleIndex, anglesDegrees = "angles_deg"
        }
    }

    public let dataset: String
    public let imgSize: Int
    public let detectorCount: Int
    public let circle: Bool
    public let numAngles: Int
    public let numOperators: Int
    public let noiseLevel: Double
    public let seed: UInt64
    public let valueRange: [Float]
    public let pixelSize: Double
    public let detectorCellSize: Double
    public let imageLayout: String
    public let sinogramLayout: String
    public let conventions: String
    public let operators: [OperatorAngles]

    /// The description of `dataset`.
    public init(_ dataset: Tomography2D) throws {
        self.dataset = Tomography2D.name
        imgSize = dataset.imgSize
        detectorCount = dataset.geometry.detectorCount
        circle = dataset.circle
        numAngles = dataset.numAngles
        numOperators = dataset.numOperators
        noiseLevel = dataset.noiseLevel
        seed = dataset.seed
        valueRange = [0, 1]
        pixelSize = 1
        detectorCellSize = 1
        imageLayout = "[B, C, N, N] float32, row-major; ground_truth.npy is [1, 1, N, N]"
        sinogramLayout = "[B, C, A, G] float32, angle-major: row a holds detector cells 0..G-1 of angle a (deepinv's layout is the transpose [B, C, G, A])"
        conventions = "pixel (row i, column j) has centre x = j - (N-1)/2, y = (N-1)/2 - i; the ray of angle theta (degrees) and detector cell k is the line x*cos(theta) + y*sin(theta) = k - (G-1)/2; values are line integrals in pixel-length units; circle mode sees only pixels with c_i^2 + c_j^2 <= 1, c_k = 2k/(N-1) - 1"
        operators = try dataset.angleBlocks.enumerated().map { index, range in
            OperatorAngles(index: index, firstAngleIndex: range.lowerBound,
                           anglesDegrees: try dataset.geometry(operator: index).anglesDegrees)
        }
    }
}
