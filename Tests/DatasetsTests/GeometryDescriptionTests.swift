import Datasets
import Testing

@Suite("Geometry description")
struct GeometryDescriptionTests {
    @Test("geometry description lists each operator's angle block")
    func geometry() throws {
        let description = try GeometryDescription(Tomography2D(imgSize: 16, numOperators: 3, numAngles: 8))
        #expect(description.operators.map(\.firstAngleIndex) == [0, 3, 6])
        #expect(description.operators.map(\.anglesDegrees.count) == [3, 3, 2])
        #expect(description.operators[2].anglesDegrees == [135, 157.5])
        #expect(description.detectorCount == 16)
    }
}
