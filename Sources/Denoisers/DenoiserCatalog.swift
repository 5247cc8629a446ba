import Formats

/// Finds the denoiser a user asked for: a weights file, or a model name.
public enum DenoiserCatalog {
    /// A loaded model and a sentence saying where it came from.
    public struct Choice {
        public let model: DRUNet
        public let source: String

        /// The model for volumes, by the reference benchmark's 2-D → 3-D rule.
        public var converted: (DRUNet3D, String) {
            (DRUNet3D(converting: model), source + ", converted to 3-D (the benchmark's 2-D→3-D rule)")
        }
    }

    /// `weights` (a `.pth`/`.safetensors` file) when given; otherwise model `name`:
    /// `drunet` = the official weights for `channels` when cached, else the bundled model (grey or colour);
    /// `bundled` = the bundled model; `random` = the full architecture with random weights.
    public static func resolve(weights: String?, model name: String, channels: Int) throws -> Choice {
        if let weights {
            return Choice(model: try DRUNet(contentsOf: weights), source: "weights from \(weights)")
        }
        switch name {
        case "drunet":
            let entry = try WeightsCache.entry(named: channels == 3 ? "drunet-color" : "drunet-gray")
            if let path = WeightsCache.cachedFile(entry) {
                return Choice(model: try DRUNet(contentsOf: path), source: "official DeepInverse weights \(path)")
            }
            let bundled = try resolve(weights: nil, model: "bundled", channels: channels)
            return Choice(model: bundled.model,
                          source: "\(bundled.source) (official weights not in the cache: invscale weights fetch \(entry.name))")
        case "bundled":
            let file = DRUNet.bundledFileName(channels: channels)
            return Choice(model: try DRUNet.bundled(channels: channels), source: "bundled small DRUNet (\(file), embedded in the executable)")
        case "random":
            let configuration = try DRUNetConfiguration(inputChannels: channels, outputChannels: channels)
            return Choice(model: try DRUNet.random(configuration: configuration), source: "full-size DRUNet with random weights")
        default:
            throw FormatError(file: name, "unknown model; expected drunet, bundled or random (or --weights FILE)")
        }
    }

    /// The denoiser of a run's `denoiser_weights`: `official` (the cached official file, an error
    /// when absent), `drunet` (official when cached, else bundled), `bundled`, `random`, or a path.
    public static func resolve(runWeights: String, channels: Int) throws -> Choice {
        switch runWeights {
        case "drunet", "bundled", "random": return try resolve(weights: nil, model: runWeights, channels: channels)
        case "official":
            let entry = try WeightsCache.entry(named: channels == 3 ? "drunet-color" : "drunet-gray")
            guard let path = WeightsCache.cachedFile(entry) else {
                throw FormatError(file: entry.name, "denoiser_weights official: the official weights are not in the cache; run invscale weights fetch \(entry.name)")
            }
            return try resolve(weights: path, model: "drunet", channels: channels)
        default: return try resolve(weights: runWeights, model: "drunet", channels: channels)
        }
    }

    /// The denoiser of a run's `denoiser_weights` for volumes `[B, C, D, H, W]`: a `DRUNet3D`,
    /// read from a 3-D state dict, or converted from a 2-D one by the reference benchmark's rule
    /// (`DRUNet3D(converting:)`) — the named models and 2-D files are converted.
    public static func resolveVolume(runWeights: String, channels: Int) throws -> (model: DRUNet3D, source: String) {
        switch runWeights {
        case "drunet", "bundled", "random", "official":
            return try resolve(runWeights: runWeights, channels: channels).converted
        default:
            return (try DRUNet3D(contentsOf: runWeights), "3-D DRUNet from \(runWeights) (2-D checkpoints converted by the benchmark's rule)")
        }
    }

    /// The configuration of the network `runWeights` names, for planning: the full architecture for
    /// `random` (nothing generated), the weights' own shapes otherwise (the bundled model or the
    /// file, loaded).
    public static func configuration(runWeights: String, channels: Int) throws -> DRUNetConfiguration {
        if runWeights == "random" { return try DRUNetConfiguration(inputChannels: channels, outputChannels: channels) }
        return try resolve(runWeights: runWeights, channels: channels).model.configuration
    }
}
