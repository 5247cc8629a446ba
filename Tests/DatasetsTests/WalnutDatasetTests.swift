import Datasets
import Foundation
import Physics
import Tensor
import Testing

@Suite("tomography_3d on walnut data")
struct WalnutDatasetTests {
    let expected = WalnutFixture.expected

    @Test("the data folder's source is selected: the .pt first, then DIR itself, Walnut8, the lowest Walnut<N>")
    func selection() throws {
        let fixture = WalnutFixture.folder
        #expect(DataFolder.walnut(in: "\(fixture)/pt") == .packed("\(fixture)/pt/Walnut-CBCT_8.pt"))
        #expect(DataFolder.walnut(in: "\(fixture)/cwi") == .cwi("\(fixture)/cwi/Walnut8"))
        #expect(DataFolder.walnut(in: "\(fixture)/cwi/Walnut8") == .cwi("\(fixture)/cwi/Walnut8"))
        #expect(DataFolder.walnut(in: "\(fixture)/pt_bad") == nil)
        #expect(DataFolder.walnut(in: "\(fixture)/absent") == nil)
        let folder = NSTemporaryDirectory() + "walnut-select-\(UUID().uuidString)"
        for name in ["Walnut12", "Walnut3", "Walnut8", "Walnut1"] {
            let orbit = name == "Walnut1" ? "tubeV1" : "tubeV2"  // Walnut1 lacks the middle orbit
            try FileManager.default.createDirectory(atPath: "\(folder)/\(name)/Projections/\(orbit)", withIntermediateDirectories: true)
        }
        #expect(DataFolder.walnut(in: folder) == .cwi("\(folder)/Walnut8"))
        try FileManager.default.removeItem(atPath: "\(folder)/Walnut8")
        #expect(DataFolder.walnut(in: folder) == .cwi("\(folder)/Walnut3"))
        _ = FileManager.default.createFile(atPath: "\(folder)/Walnut-CBCT_8.pt", contents: Data())
        #expect(DataFolder.walnut(in: folder) == .packed("\(folder)/Walnut-CBCT_8.pt"))
        #expect(DataFolder.resolve("/given") == "/given")
    }

    @Test("from Walnut-CBCT_8.pt and from the CWI layout: volume, views, blocks and measurements [1, 1, R, V_k, U]",
          arguments: ["pt", "cwi"])
    func problem(source: String) throws {
        let values = source == "pt" ? expected.pt.problem : expected.cwi.problem
        let vecs = source == "pt" ? expected.pt.vecs : expected.cwi.vecs
        let dataset = try Tomography3D(imgSize: [64], numOperators: values.num_operators, numProjections: values.num_projections,
                                       dataDirectory: "\(WalnutFixture.folder)/\(source)")
        #expect(dataset.source.contains(source == "pt" ? "walnut scan" : "CWI walnut scan") && !dataset.source.contains("synthetic"))
        let scan = try dataset.geometry()
        #expect([scan.volume.depth, scan.volume.height, scan.volume.width] == expected.pt.volume_shape)
        #expect(scan.volume.voxelSize == SIMD3(repeating: 0.1) && scan.volume.centre == .zero && scan.beam == .cone)
        #expect(scan.views.map(\.vector) == values.view_indices.map { vecs[$0] })
        let problem = try dataset.makeProblem()
        #expect(problem.groundTruth.shape == [1, 1] + expected.pt.volume_shape)
        #expect(problem.measurements.map(\.shape) == values.measurement_shapes)
        for sample in values.measurement_samples {
            let measurement = problem.measurements[Int(sample[0])]
            let value = element(measurement.scalars, shape: measurement.shape, at: [0, 0] + sample[1...3].map { Int($0) })
            #expect(abs(Double(value) - sample[4]) <= 1e-6 * max(1, abs(sample[4])), "\(sample)")
        }
        let operators = problem.operators.operators.compactMap { $0 as? ConeBeam3D }
        #expect(operators.map(\.geometry.views.count) == values.measurement_shapes.map { $0[3] })
        #expect(problem.valueRange == (problem.groundTruth.min()!)...(problem.groundTruth.max()!))

        let model = try Tomography3D(numOperators: values.num_operators, numProjections: values.num_projections,
                                     useDatasetSinogram: false, dataDirectory: "\(WalnutFixture.folder)/\(source)").makeProblem()
        #expect(model.measurements == (try operators.map { try $0.apply(problem.groundTruth) }))
    }

    @Test("real data: parallel beams and more views than the scan has are refused")
    func refused() throws {
        let folder = "\(WalnutFixture.folder)/pt"
        let parallel = try Tomography3D(geometryType: .parallel, dataDirectory: folder)
        #expect(throws: DatasetError.self) { try parallel.makeProblem() }
        let tooMany = try Tomography3D(numProjections: 17, dataDirectory: folder)
        #expect(throws: DatasetError.self) { try tooMany.geometry() }
    }

    @Test("a folder without walnut data keeps the synthetic default and says how to get the data")
    func fallback() throws {
        let empty = NSTemporaryDirectory() + "walnut-empty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let dataset = try Tomography3D(imgSize: [12], numProjections: 3, dataDirectory: empty)
        #expect(dataset.walnut == nil)
        #expect(dataset.source.contains("synthetic") && dataset.source.contains(empty) && dataset.source.contains("invscale data fetch walnut"))
        let synthetic = try Tomography3D(imgSize: [12], numProjections: 3).makeProblem()
        let problem = try dataset.makeProblem()
        #expect(problem.groundTruth == synthetic.groundTruth && problem.measurements == synthetic.measurements)
    }
}
