import Foundation

/// The files of `tools/reference/walnut_fixture.py` and the values it computed.
enum WalnutFixture {
    /// `Fixtures/walnut` in the test bundle.
    static let folder = Bundle.module.url(forResource: "walnut", withExtension: nil, subdirectory: "Fixtures")!.path

    /// `walnut_expected.json`.
    static let expected: Expected = {
        let url = URL(fileURLWithPath: "\(folder)/walnut_expected.json")
        return try! JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }()

    struct Expected: Decodable {
        let pt: Packed
        let cwi: CWI
    }

    /// The values of the `.pt` files; each sample is `[index…, value]`.
    struct Packed: Decodable {
        let volume_shape: [Int]
        let sinogram_shape: [Int]
        let volume_samples: [[Double]]
        let volume_samples_float16: [[Double]]
        let sinogram_samples: [[Double]]
        let sinogram_samples_from_float64: [[Double]]
        let vecs: [[Double]]
        let vecs_from_float32: [[Double]]
        let problem: ProblemValues
    }

    /// The values of the CWI layout.
    struct CWI: Decodable {
        let folder: String
        let views: Int
        let volume_shape: [Int]
        let detector: [Int]
        let vecs: [[Double]]
        let projection_samples: [[Double]]
        let volume_samples: [[Double]]
        let problem: ProblemValues
    }

    /// What `Tomography3D` must build; samples are `[operator, row, view in block, column, value]`.
    struct ProblemValues: Decodable {
        let num_projections: Int
        let num_operators: Int
        let view_indices: [Int]
        let measurement_shapes: [[Int]]
        let measurement_samples: [[Double]]
    }
}

/// The element of a row-major array of `shape` at `index`.
func element(_ values: [Float], shape: [Int], at index: [Int]) -> Float {
    values[zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 }]
}

/// A copy of the fixture folder `relative` in a fresh temporary folder, to break.
func temporaryCopy(of relative: String) throws -> String {
    let target = NSTemporaryDirectory() + "walnut-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
    let destination = target + "/" + URL(fileURLWithPath: relative).lastPathComponent
    try FileManager.default.copyItem(atPath: "\(WalnutFixture.folder)/\(relative)", toPath: destination)
    return destination
}
