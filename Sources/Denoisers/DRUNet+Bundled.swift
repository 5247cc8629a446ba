import BundledWeights
import Formats
import Tensor

extension DRUNet {
    /// File name of the bundled small grey DRUNet (trained by `tools/train_denoiser.py`, kept in
    /// `Resources/weights/`), whose bytes are embedded in the executable.
    public static let bundledFile = "drunet_bundled_gray.safetensors"

    /// The bundled small grey DRUNet, read from the bytes embedded in the executable: it needs no
    /// file beside the binary.
    public static func bundled() throws -> DRUNet {
        let source = "embedded \(bundledFile)"
        let named = try SafeTensors.decode(bundledBytes, name: source)
        return try DRUNet(parameters: Dictionary(uniqueKeysWithValues: named.map { ($0.name, $0.tensor) }), source: source)
    }

    /// The embedded bytes of the bundled model, as they were in `Resources/weights/` at build time.
    public static var bundledBytes: UnsafeRawBufferPointer {
        var count = 0
        let start = invscale_bundled_gray(&count)
        return UnsafeRawBufferPointer(start: start, count: count)
    }
}
