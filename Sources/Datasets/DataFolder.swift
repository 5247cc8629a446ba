import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// The folder of real data for `tomography_3d` (`--data-dir`, else `$INVSCALE_DATA`) and which
/// walnut source it holds, looked up in this order:
///
/// 1. `DIR/Walnut-CBCT_8.pt`, the reference's pre-packed scan (`WalnutPT`);
/// 2. the CWI layout (`WalnutCWI`): `DIR` itself when it holds `Projections/tubeV2/`, else
///    `DIR/Walnut8/` (the reference's walnut), else the lowest-numbered `DIR/Walnut<N>/` holding
///    `Projections/tubeV2/` (Zenodo's `Walnut<N>.zip` unpacked in `DIR`).
///
/// Without either the dataset falls back to its synthetic phantom; `instructions` says how to
/// get the data (nothing is downloaded).
public enum DataFolder {
    /// The environment variable naming the data folder.
    public static let environmentVariable = "INVSCALE_DATA"

    /// A walnut source found in a data folder.
    public enum Walnut: Sendable, Equatable {
        /// The pre-packed `.pt` file at this path.
        case packed(String)
        /// The CWI walnut folder (`…/Walnut<N>`) at this path.
        case cwi(String)

        /// Opens the source.
        public func open() throws -> any WalnutScan {
            switch self {
            case .packed(let path): try WalnutPT(path: path)
            case .cwi(let folder): try WalnutCWI(folder: folder)
            }
        }
    }

    /// `explicit` when given, else `$INVSCALE_DATA` when set and not empty, else nil.
    public static func resolve(_ explicit: String?) -> String? {
        if let explicit { return explicit }
        guard let value = getenv(environmentVariable).map({ String(cString: $0) }), !value.isEmpty else { return nil }
        return value
    }

    /// The walnut source in `directory`, or nil when it holds none (see the order above).
    public static func walnut(in directory: String) -> Walnut? {
        let files = FileManager.default
        if files.fileExists(atPath: "\(directory)/\(WalnutPT.fileName)") { return .packed("\(directory)/\(WalnutPT.fileName)") }
        func hasOrbit(_ folder: String) -> Bool {
            var isDirectory = false
            return files.fileExists(atPath: "\(folder)/Projections/\(WalnutCWI.orbit)", isDirectory: &isDirectory) && isDirectory
        }
        if hasOrbit(directory) { return .cwi(directory) }
        let numbers = ((try? files.contentsOfDirectory(atPath: directory)) ?? []).compactMap { name -> Int? in
            name.hasPrefix("Walnut") ? Int(name.dropFirst("Walnut".count)) : nil
        }
        let candidates = numbers.sorted { ($0 == 8 ? 0 : $0) < ($1 == 8 ? 0 : $1) }.map { "\(directory)/Walnut\($0)" }
        return candidates.first(where: hasOrbit).map { .cwi($0) }
    }

    /// The public sources of the walnut data and where to put them.
    public static let instructions = """
        The real data of tomography_3d (the CWI walnut, Der Sarkissian et al., Sci. Data 6, 215, 2019, CC BY 4.0):
          1. the reference's pre-packed scan (ground truth, 1200 projections of 972×768 and their vecs; several GB):
               https://huggingface.co/datasets/romainvo/ct_examples/resolve/main/Walnut-CBCT_8.pt
             put it at DIR/\(WalnutPT.fileName)
          2. or the original CWI files: Walnut1.zip … Walnut8.zip of Zenodo record 2686726
             (https://zenodo.org/record/2686726, doi 10.5281/zenodo.2686725; about 5–6 GB each);
             unpack one in DIR, giving DIR/Walnut8/Projections/tubeV2/{scan_000000…scan_001200.tif,
             di000000.tif, io000000.tif, io000001.tif, scan_geom_corrected.geom} and
             DIR/Walnut8/Reconstructions/full_AGD_50_000000…000500.tiff
        Then pass --data-dir DIR or set \(environmentVariable)=DIR. DIR/\(WalnutPT.fileName) is used first,
        then the CWI folder (DIR itself, DIR/Walnut8, or the lowest DIR/Walnut<N>), middle orbit tubeV2.
        """
}
