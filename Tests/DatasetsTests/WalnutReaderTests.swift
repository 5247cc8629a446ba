import Datasets
import Formats
import Foundation
import Physics
import Tensor
import Testing

@Suite("walnut readers (.pt and CWI layout)")
struct WalnutReaderTests {
    let expected = WalnutFixture.expected

    @Test("Walnut-CBCT_8.pt: shapes, volume and sinogram values, vecs exactly in float64")
    func packed() throws {
        let scan = try WalnutPT(path: "\(WalnutFixture.folder)/pt/Walnut-CBCT_8.pt")
        #expect(scan.volumeShape == expected.pt.volume_shape)
        #expect([scan.views.count, scan.detectorRows, scan.detectorColumns] == expected.pt.sinogram_shape)
        #expect(scan.views.map(\.vector) == expected.pt.vecs)
        let volume = try scan.groundTruth()
        #expect(volume.shape == expected.pt.volume_shape)
        for sample in expected.pt.volume_samples {
            #expect(element(volume.scalars, shape: volume.shape, at: sample.prefix(3).map { Int($0) }) == Float(sample[3]))
        }
        for sample in expected.pt.sinogram_samples {
            let view = try scan.projections([Int(sample[0])])
            #expect(view.shape == [1, scan.detectorRows, scan.detectorColumns])
            #expect(element(view.scalars, shape: view.shape, at: [0, Int(sample[1]), Int(sample[2])]) == Float(sample[3]))
        }
    }

    @Test("other dtypes: a float16 volume, a float64 strided sinogram, float32 vecs, and a string entry")
    func mixed() throws {
        let scan = try WalnutPT(path: "\(WalnutFixture.folder)/pt_mixed/Walnut-CBCT_8.pt")
        #expect(scan.views.map(\.vector) == expected.pt.vecs_from_float32)
        let volume = try scan.groundTruth()
        for sample in expected.pt.volume_samples_float16 {
            #expect(element(volume.scalars, shape: volume.shape, at: sample.prefix(3).map { Int($0) }) == Float(sample[3]))
        }
        let views = expected.pt.sinogram_samples_from_float64.map { Int($0[0]) }
        let picked = try scan.projections(views)
        for (position, sample) in expected.pt.sinogram_samples_from_float64.enumerated() {
            #expect(element(picked.scalars, shape: picked.shape, at: [position, Int(sample[1]), Int(sample[2])]) == Float(sample[3]))
        }
    }

    @Test("a .pt with a wrong or missing key is an error naming the file, the key and the expected shape",
          arguments: [("vecs_11_columns.pt", ["tensor 'vecs' has shape [16, 11]", "expected [angles, 12]"]),
                      ("vecs_15_angles.pt", ["tensor 'sinogram' has shape [16, 10, 8]", "expected [15, detector rows, detector columns]"]),
                      ("no_vecs.pt", ["no entry 'vecs'", "tensors: dense_reconstruction, sinogram"]),
                      ("volume_2d.pt", ["tensor 'dense_reconstruction' has shape [11, 13]", "expected [D, H, W]"])])
    func badPacked(name: String, parts: [String]) {
        let path = "\(WalnutFixture.folder)/pt_bad/\(name)"
        expectFormatError(path, parts) { _ = try WalnutPT(path: path) }
    }

    @Test("CWI layout: reverse order, flip and transpose, dark/flat and −log; vecs from the .geom; slices as the volume")
    func cwi() throws {
        let scan = try WalnutCWI(folder: "\(WalnutFixture.folder)/\(expected.cwi.folder)")
        #expect(scan.views.count == expected.cwi.views)
        #expect([scan.detectorRows, scan.detectorColumns] == expected.cwi.detector)
        #expect(scan.volumeShape == expected.cwi.volume_shape)
        #expect(scan.views.map(\.vector) == expected.cwi.vecs)
        let views = expected.cwi.projection_samples.map { Int($0[0]) }
        let projections = try scan.projections(views)
        #expect(projections.shape == [views.count] + expected.cwi.detector)
        for (position, sample) in expected.cwi.projection_samples.enumerated() {
            let value = element(projections.scalars, shape: projections.shape, at: [position, Int(sample[1]), Int(sample[2])])
            #expect(abs(Double(value) - sample[3]) <= 1e-6 * max(1, abs(sample[3])), "view \(sample[0]): \(value) vs \(sample[3])")
        }
        let volume = try scan.groundTruth()
        for sample in expected.cwi.volume_samples {
            #expect(element(volume.scalars, shape: volume.shape, at: sample.prefix(3).map { Int($0) }) == Float(sample[3]))
        }
    }

    @Test("CWI layout errors name the file and what was expected")
    func badCWI() throws {
        let rgb = "\(WalnutFixture.folder)/cwi_rgb.tif"
        expectFormatError(rgb, ["3 samples per pixel", "expected 1 (greyscale)"]) { _ = try TIFF.read(path: rgb) }

        let gap = try temporaryCopy(of: expected.cwi.folder)
        try FileManager.default.removeItem(atPath: "\(gap)/Projections/tubeV2/scan_000005.tif")
        expectFormatError("\(gap)/Projections/tubeV2", ["scan_000005 is missing", "numbered 0…"]) { _ = try WalnutCWI(folder: gap) }

        let geometry = try temporaryCopy(of: expected.cwi.folder)
        let geom = "\(geometry)/Projections/tubeV2/scan_geom_corrected.geom"
        try "1 2 3\n".write(toFile: geom, atomically: true, encoding: .utf8)
        expectFormatError(geom, ["line 1 has 3 fields", "expected 12 finite numbers"]) { _ = try WalnutCWI(folder: geometry) }

        let size = try temporaryCopy(of: expected.cwi.folder)
        let scanFile = "\(size)/Projections/tubeV2/scan_000002.tif"
        try FileManager.default.removeItem(atPath: scanFile)
        try FileManager.default.copyItem(atPath: rgb, toPath: scanFile)
        let scan = try WalnutCWI(folder: size)
        expectFormatError(scanFile, ["samples per pixel"]) { _ = try scan.projections([14]) }
        expectFormatError(size, ["view 16 is out of range", "expected 0…15"]) { _ = try scan.projections([16]) }
    }
}

/// Expects `body` to throw a `FormatError` for `file` whose message contains every one of `parts`.
func expectFormatError(_ file: String, _ parts: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a FormatError mentioning \(parts)", sourceLocation: sourceLocation)
    } catch let error as FormatError {
        #expect(error.file == file, sourceLocation: sourceLocation)
        for part in parts {
            #expect(error.problem.contains(part), "'\(error.problem)' lacks '\(part)'", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a FormatError, got \(error)", sourceLocation: sourceLocation)
    }
}
