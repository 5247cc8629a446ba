/// The `geometry.json` of an exported 3-D CT dataset.
public struct VolumeGeometryDescription: Codable, Sendable {
    public let dataset: String
    public let beam: String
    public let volumeShapeDHW: [Int]
    public let voxelSizeXYZ: [Double]
    public let volumeCentreXYZ: [Double]
    public let detectorRows: Int
    public let detectorColumns: Int
    public let views: Int
    public let viewBlocks: [[Int]]
    public let conventions: String

    private enum CodingKeys: String, CodingKey {
        case dataset, beam, views, conventions
        case volumeShapeDHW = "volume_shape_dhw"
        case voxelSizeXYZ = "voxel_size_xyz"
        case volumeCentreXYZ = "volume_centre_xyz"
        case detectorRows = "detector_rows"
        case detectorColumns = "detector_columns"
        case viewBlocks = "view_blocks"
    }
}
