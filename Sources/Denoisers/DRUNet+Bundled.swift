import BundledWeights
import Formats
import Tensor

extension DRUNet {
    /// File name of the bundled small grey DRUNet (trained by `tools/train_denoiser.py`, kept in
    /// `Resources/weights/`), whose bytes are embedded in the executable.
    public static let bundledFile = "drunet_bundled_gray.safetensors"
    /// File name of the bundled small colour DRUNet (`tools/train_denoiser.py --channels 3`).
    public static let bundledColourFile = "drunet_bundled_color.safetensors"

    /// The bundled small DRUNet for `channels` image channels (1: grey, 3: colour), read from the
    /// bytes embedded in the executable: it needs no file beside the binary.
    public static func bundled(channels: Int = 1) throws -> DRUNet {
        guard channels == 1 || channels == 3 else {
            throw DenoiserError("bundled DRUNet: expected 1 (grey) or 3 (colour) image channels, got \(channels)")
        }
        let source = "embedded \(bundledFileName(channels: channels))"
        let named = try SafeTensors.decode(bundledBytes(channels: channels), name: source)
        return try DRUNet(parameters: Dictionary(uniqueKeysWithValues: named.map { ($0.name, $0.tensor) }), source: source)
    }

    /// The bundled model's file name for `channels` image channels.
    public static func bundledFileName(channels: Int) -> String { channels == 3 ? bundledColourFile : bundledFile }

    /// The embedded bytes of the bundled model for `channels` (3: colour, else grey), as they were
    /// in `Resources/weights/` at build time.
    public static func bundledBytes(channels: Int = 1) -> UnsafeRawBufferPointer {
        var count = 0
        let start = channels == 3 ? invscale_bundled_color(&count) : invscale_bundled_gray(&count)
        return UnsafeRawBufferPointer(start: start, count: count)
    }
}
