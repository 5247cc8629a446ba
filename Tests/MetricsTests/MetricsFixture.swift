import Foundation
import Tensor
import Testing

/// `Fixtures/metrics_reference.json`, written by `tools/reference/metrics_fixture.py`.
struct MetricsFixture: Decodable {
    /// One estimate/reference pair and its expected per-item values.
    struct Case: Decodable, CustomTestStringConvertible {
        let name: String
        let shape: [Int]
        let maxPixel: Double
        let minPixel: Double
        let estimate: [Double]
        let reference: [Double]
        let mse: [Double]
        let psnr: [Double]
        let ssim: [Double]
        let ssimTorchmetricsFloat32: [Double]

        var testDescription: String { "\(name) \(shape)" }

        /// The estimate as a tensor (each number parses to the float32 the reference saw).
        var estimateTensor: Tensor { Tensor(shape: shape, values: estimate.map { Float($0) }) }
        /// The reference as a tensor.
        var referenceTensor: Tensor { Tensor(shape: shape, values: reference.map { Float($0) }) }
    }

    let versions: [String: String]
    let cases: [Case]

    /// The decoded fixture file.
    static let shared: MetricsFixture = {
        let url = Bundle.module.url(forResource: "metrics_reference", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(MetricsFixture.self, from: Data(contentsOf: url))
    }()

    /// The fixture's cases, in file order.
    static var cases: [Case] { shared.cases }
}
