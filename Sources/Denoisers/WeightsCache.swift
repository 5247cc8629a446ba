import Formats
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The official DeepInverse DRUNet checkpoints and the local cache they are kept in
/// (`$INVSCALE_CACHE`, default `~/.cache/invscale`).
public enum WeightsCache {
    /// A downloadable checkpoint.
    public struct Entry: Sendable {
        /// Name on the command line.
        public let name: String
        /// File name, as DeepInverse names it.
        public let file: String
        /// Public URL.
        public let url: String
        /// Smallest plausible size in bytes (the float32 parameters alone).
        public let minimumBytes: Int
    }

    /// The official grey and colour DRUNet weights (32.6 M float32 parameters each).
    public static let entries: [Entry] = [
        Entry(name: "drunet-gray", file: "drunet_deepinv_gray_finetune_26k.pth",
              url: "https://huggingface.co/deepinv/drunet/resolve/main/drunet_deepinv_gray_finetune_26k.pth?download=true",
              minimumBytes: 32_638_656 * 4),
        Entry(name: "drunet-color", file: "drunet_deepinv_color_finetune_22k.pth",
              url: "https://huggingface.co/deepinv/drunet/resolve/main/drunet_deepinv_color_finetune_22k.pth?download=true",
              minimumBytes: 32_640_960 * 4),
    ]

    /// The entry called `name`, or an error listing the known names.
    public static func entry(named name: String) throws -> Entry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw FormatError(file: name, "unknown weights; expected one of \(entries.map(\.name).joined(separator: ", "))")
        }
        return entry
    }

    /// The cache folder: `$INVSCALE_CACHE`, else `$HOME/.cache/invscale`.
    public static var directory: String {
        if let path = getenv("INVSCALE_CACHE").map({ String(cString: $0) }), !path.isEmpty { return path }
        let home = getenv("HOME").map { String(cString: $0) } ?? "."
        return "\(home)/.cache/invscale"
    }

    /// Where `entry` lives in the cache.
    public static func path(of entry: Entry) -> String { "\(directory)/\(entry.file)" }

    /// The cached file of `entry` when it is present and not smaller than the parameters alone.
    public static func cachedFile(_ entry: Entry) -> String? {
        let path = path(of: entry)
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_size) >= entry.minimumBytes else { return nil }
        return path
    }

    /// What to do by hand when the download is impossible.
    public static func manualInstructions(_ entry: Entry) -> String {
        """
        Download \(entry.url)
        in a browser or on a machine with network access, and copy it to
          \(path(of: entry))
        (or set INVSCALE_CACHE to the folder that holds \(entry.file)).
        """
    }
}
