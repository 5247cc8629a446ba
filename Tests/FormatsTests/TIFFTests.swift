import Foundation
import Formats
import Testing

@Suite("TIFF (libtiff)")
struct TIFFTests {
    @Test("a file that is not a TIFF, or is missing, is a FormatError naming it with libtiff's reason")
    func notATIFF() throws {
        let folder = try makeTemporaryDirectory()
        let garbage = folder + "/garbage.tif"
        try Data("not a tiff at all".utf8).write(to: URL(fileURLWithPath: garbage))
        expectFormatError(file: garbage, "cannot read as a TIFF file", "(") { _ = try TIFF.read(path: garbage) }
        let missing = folder + "/missing.tif"
        expectFormatError(file: missing, "cannot read as a TIFF file") { _ = try TIFF.read(path: missing) }
    }
}
