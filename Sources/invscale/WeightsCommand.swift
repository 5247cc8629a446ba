import ArgumentParser
import Denoisers
import Formats

/// `invscale weights …`: the official pretrained denoiser weights.
struct WeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights", abstract: "Fetch or locate the official DRUNet weights.",
        subcommands: [WeightsFetch.self, WeightsWhere.self])
}

/// `invscale weights fetch NAME`.
struct WeightsFetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download drunet-gray or drunet-color into $INVSCALE_CACHE (default ~/.cache/invscale).")

    @Argument(help: "drunet-gray or drunet-color.") var name: String

    func run() throws {
        let entry = try WeightsCache.entry(named: name)
        if let path = WeightsCache.cachedFile(entry) {
            print("\(entry.name): already in the cache: \(path)")
            return
        }
        try FileSystem.makeDirectory(WeightsCache.directory)
        print("fetching \(entry.url)")
        do {
            try Download.fetch(entry.url, to: WeightsCache.path(of: entry), minimumBytes: entry.minimumBytes)
        } catch {
            print("\(error)")
            print(WeightsCache.manualInstructions(entry))
            throw ExitCode(2)
        }
        print("\(entry.name): saved to \(WeightsCache.path(of: entry))")
    }
}

/// `invscale weights where`.
struct WeightsWhere: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "where", abstract: "Show the cache folder and which official weights are in it.")

    func run() throws {
        print("cache: \(WeightsCache.directory)")
        for entry in WeightsCache.entries {
            print("  \(entry.name): \(WeightsCache.cachedFile(entry) ?? "absent (invscale weights fetch \(entry.name))")")
        }
    }
}
