import Formats
import FoundationEssentials
import Physics
import Tensor

#if canImport(Glibc)
import Glibc
#endif

/// One walnut of the CWI collection (Der Sarkissian et al., 2019; Zenodo record 2686726) as its
/// zip unpacks, `Walnut<N>/`, scanned on the middle source orbit:
///
/// - `Projections/tubeV2/scan_000000.tif … scan_<M>.tif`: M + 1 projections of which the first
///   and last share one angle, so the scan has M views (1200 over 360°); view k is the file
///   `scan_<M − k>` (the projections are read in reverse order), turned from the detector's
///   portrait read-out into rows × columns by `transpose(flipud(image))`;
/// - `di000000.tif` (dark) and `io000000.tif`, `io000001.tif` (flats before and after, averaged),
///   giving the line integrals `−log((scan − dark) / (flat − dark))`, computed in Double;
/// - `scan_geom_corrected.geom`: one ASTRA `cone_vec` row of 12 numbers (mm) per projection file
///   (or per view); the first M rows are the views;
/// - `Reconstructions/full_AGD_50_<k>.tiff` (or `.tif`): the reference reconstruction from all
///   three orbits, slice k of z, 501 slices of 501 × 501 voxels of 0.1 mm in the real data.
///
/// This follows the CWI reading scripts (`WalnutReconstructionCodes`). Opening lists the files and
/// reads the geometry, the dark and flat images and the first slice; the volume and the chosen
/// projections are read when asked for. Errors are `FormatError`s naming the file.
public struct WalnutCWI: WalnutScan {
    /// The orbit read (the middle source position, as the reference's pre-packed file).
    public static let orbit = "tubeV2"
    /// The walnut folder, e.g. `…/Walnut8`.
    public let folder: String
    public let volumeShape: [Int]
    public let detectorRows: Int, detectorColumns: Int
    public let views: [DetectorView]
    private let slices: [String]
    private let dark: [Double], flat: [Double]

    /// Opens the walnut folder `folder`.
    public init(folder: String) throws {
        self.folder = folder
        let projections = "\(folder)/Projections/\(Self.orbit)"
        let scans = try Self.numberedFiles(in: projections, prefix: "scan_", extensions: [".tif"])
        guard scans.count >= 2 else {
            throw FormatError(file: projections, "found \(scans.count) scan_NNNNNN.tif files; expected scan_000000.tif … scan_001200.tif")
        }
        let geometryFile = "\(projections)/scan_geom_corrected.geom"
        let vectors = try Self.readVectors(geometryFile)
        guard vectors.count == scans.count || vectors.count == scans.count - 1 else {
            throw FormatError(file: geometryFile, "\(vectors.count) rows; expected \(scans.count) (one per scan file) or \(scans.count - 1)")
        }
        views = try vectors.prefix(scans.count - 1).map { try DetectorView(vector: $0) }
        let darkImage = try TIFF.read(path: "\(projections)/di000000.tif")
        (detectorRows, detectorColumns) = (darkImage.shape[1], darkImage.shape[0])
        dark = Self.portrait(darkImage)
        let flats = try ["io000000.tif", "io000001.tif"].map { name in
            Self.portrait(try Self.readImage("\(projections)/\(name)", rows: darkImage.shape[0], columns: darkImage.shape[1]))
        }
        flat = zip(flats[0], flats[1]).map { ($0 + $1) / 2 }
        slices = try Self.numberedFiles(in: "\(folder)/Reconstructions", prefix: "full_AGD_50_", extensions: [".tiff", ".tif"])
        guard let first = slices.first else {
            throw FormatError(file: "\(folder)/Reconstructions", "no full_AGD_50_NNNNNN.tiff slices; expected the reference reconstruction")
        }
        let slice = try TIFF.read(path: first)
        volumeShape = [slices.count, slice.shape[0], slice.shape[1]]
    }

    public var description: String { "\(folder)/Projections/\(Self.orbit) (CWI walnut scan) and \(folder)/Reconstructions/full_AGD_50_*" }

    public func groundTruth() throws -> Tensor {
        let (rows, columns) = (volumeShape[1], volumeShape[2])
        var values: [Float] = []
        values.reserveCapacity(volumeShape.reduce(1, *))
        for path in slices { values += try Self.readImage(path, rows: rows, columns: columns).scalars }
        return Tensor(shape: volumeShape, values: values)
    }

    public func projections(_ indices: [Int]) throws -> Tensor {
        let total = views.count, cells = detectorRows * detectorColumns
        var values = [Float](repeating: 0, count: indices.count * cells)
        for (position, view) in indices.enumerated() {
            guard (0..<total).contains(view) else {
                throw FormatError(file: folder, "view \(view) is out of range; expected 0…\(total - 1)")
            }
            let path = "\(folder)/Projections/\(Self.orbit)/scan_\(Self.sixDigits(total - view)).tif"
            let counts = Self.portrait(try Self.readImage(path, rows: detectorColumns, columns: detectorRows))
            for cell in 0..<cells {
                let value = -log((counts[cell] - dark[cell]) / (flat[cell] - dark[cell]))
                guard value.isFinite else {
                    throw FormatError(file: path, "pixel (row \(cell / detectorColumns), column \(cell % detectorColumns)) gives "
                        + "−log((\(counts[cell]) − \(dark[cell])) / (\(flat[cell]) − \(dark[cell]))) = \(value); expected scan and flat above dark")
                }
                values[position * cells + cell] = Float(value)
            }
        }
        return Tensor(shape: [indices.count, detectorRows, detectorColumns], values: values)
    }

    /// `transpose(flipud(image))` of a `[H, W]` image as `[W, H]` row-major Doubles: element
    /// (r, c) is the image's (H − 1 − c, r).
    static func portrait(_ image: Tensor) -> [Double] {
        let (height, width) = (image.shape[0], image.shape[1])
        return image.withUnsafeBufferPointer { pixels in
            (0..<(height * width)).map { Double(pixels[(height - 1 - $0 % height) * width + $0 / height]) }
        }
    }

    /// The TIFF image at `path`, which must be `rows × columns`.
    private static func readImage(_ path: String, rows: Int, columns: Int) throws -> Tensor {
        let image = try TIFF.read(path: path)
        guard image.shape == [rows, columns] else {
            throw FormatError(file: path, "image of \(image.shape[0])×\(image.shape[1]) pixels; expected \(rows)×\(columns) like the others")
        }
        return image
    }

    /// The paths `<prefix><six digits><extension>` in `directory`, which must be numbered 0, 1, … without gaps.
    private static func numberedFiles(in directory: String, prefix: String, extensions: [String]) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw FormatError(file: directory, "cannot list the folder; expected the CWI walnut layout")
        }
        var numbered: [Int: String] = [:]
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let suffix = extensions.first(where: { rest.hasSuffix($0) }) else { continue }
            let digits = rest.dropLast(suffix.count)
            guard digits.count == 6, let number = Int(digits) else { continue }
            numbered[number] = "\(directory)/\(name)"
        }
        if let missing = (0..<numbered.count).first(where: { numbered[$0] == nil }) {
            throw FormatError(file: directory, "\(prefix)\(sixDigits(missing)) is missing; expected files numbered 0…\(numbered.count - 1)")
        }
        return (0..<numbered.count).map { numbered[$0]! }
    }

    /// The rows of a `.geom` file: 12 numbers each, separated by spaces, tabs or commas.
    private static func readVectors(_ path: String) throws -> [[Double]] {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else {
            throw FormatError(file: path, "cannot read the geometry file; expected ASTRA cone_vec rows")
        }
        var rows: [[Double]] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { " \t,\r".contains($0) })
            if fields.isEmpty { continue }
            let values = fields.compactMap { Double($0) }
            guard values.count == 12, fields.count == 12, values.allSatisfy(\.isFinite) else {
                throw FormatError(file: path, "line \(number + 1) has \(fields.count) fields (\(line.prefix(80))); "
                    + "expected 12 finite numbers (source, detector centre, u, v)")
            }
            rows.append(values)
        }
        return rows
    }

    private static func sixDigits(_ number: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, 6 - text.count)) + text
    }
}
