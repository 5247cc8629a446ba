import Formats
import Tensor

/// The 3-D DRUNet of benchmark_invprob_inference's volume experiments: `DRUNet`'s graph with 3×3×3
/// convolutions (stride 1, zero padding 1), 2×2×2 stride-2 convolutions down and 2×2×2 stride-2
/// transposed convolutions up; bias-free, ReLU, the noise level σ as the last input channel, no
/// global residual. Inference only; volumes are `[B, C, D, H, W]` in [0, 1] units.
///
/// Weights come either from a 3-D state dict (DeepInverse's key names, `[out, in, k, k, k]`
/// kernels) or from a 2-D DRUNet converted by the benchmark's rule (`benchmark_utils/support_3d.py`):
/// each 3-D kernel is filled with 1e-8, then a 3×3 kernel becomes its centre depth slice and a 2×2
/// kernel, halved, both depth slices. The result is close to, but not, a plane-by-plane 2-D
/// DRUNet: the 2×2×2 layers average pairs of planes and each upsampled plane gets half the 2-D
/// amplitude.
///
/// Sizes: each of D, H, W that is not a multiple of 8 is replicate-padded at its end to the next
/// multiple of 8 and the output cropped back, in one pass (the convention of `DRUNet`). The
/// benchmark pads every size to a multiple of 16 instead whenever not all sizes are multiples of 8
/// and greater than 31; for its 12×288×288 windows both give 16×288×288.
///
/// The planes of all volumes are stacked as the items of one channels-last feature map; a 3×3×3
/// layer transforms each plane once and sums its three depth slices in Winograd's transformed
/// domain (the head's and tail's channels padded with zeros to multiples of 8 for it), and the
/// 2×2×2 layers are GEMMs. Results do not depend on the thread count.
public struct DRUNet3D: Denoiser {
    /// The network's shape (channels and blocks, as for the 2-D network).
    public let configuration: DRUNetConfiguration
    let layers: DRUNetLayers
    /// Scratch memory reused across layers and calls.
    let workspaces = WorkspacePool()

    /// The network with the named 3-D PyTorch parameters: DeepInverse's key names (`m_head.weight`,
    /// …), or all of them ending in `weight_3d` instead, as the benchmark's converted modules
    /// name them; shapes `[out, in, k, k, k]`, `[in, out, 2, 2, 2]` for the transposed
    /// convolutions (`DRUNetConfiguration.volumeParameterShapes`). Loaded strictly, as `DRUNet`'s
    /// parameters; `source` names where they came from in errors.
    public init(configuration: DRUNetConfiguration, parameters: [String: Tensor], source: String) throws {
        let suffix = parameters.keys.contains { $0.hasSuffix(Self.benchmarkSuffix) } ? Self.benchmarkSuffix : ""
        let expected = configuration.volumeParameterShapes.map { ($0.name + suffix, $0.shape) }
        try DRUNetLayers.validate(parameters, expected: expected, configuration: configuration, source: source)
        self.configuration = configuration
        layers = DRUNetLayers(configuration: configuration) { parameters[$0 + suffix]! }.paddedForWinograd()
    }

    /// The benchmark's 3-D version of a 2-D DRUNet (see the type's description).
    public init(converting network: DRUNet) {
        configuration = network.configuration
        layers = network.layers.extendedToDepth().paddedForWinograd()
    }

    /// A 3-D DRUNet whose configuration is inferred from the parameters' shapes: a 3-D state dict
    /// is loaded as by `init(configuration:parameters:source:)`; a 2-D one (a `DRUNet`'s, rank-4
    /// kernels) is loaded strictly as a `DRUNet` and converted (`init(converting:)`).
    public init(parameters: [String: Tensor], source: String) throws {
        let shapes = Dictionary(parameters.map { (Self.trimmingSuffix($0.key), $0.value.shape) }, uniquingKeysWith: { a, _ in a })
        let configuration = try DRUNetConfiguration(inferringFrom: shapes, source: source)
        if shapes["m_head.weight"]?.count == 4 {
            self.init(converting: try DRUNet(configuration: configuration, parameters: parameters, source: source))
        } else {
            try self.init(configuration: configuration, parameters: parameters, source: source)
        }
    }

    /// A 3-D DRUNet from a PyTorch checkpoint (`.pth`/`.pt`) or a safetensors file: a 3-D state
    /// dict, or a 2-D DRUNet checkpoint (e.g. the official `drunet_deepinv_gray_finetune_26k.pth`
    /// or the bundled `drunet_bundled_gray.safetensors`), which is converted by the benchmark's rule.
    /// See `init(parameters:source:)`.
    public init(contentsOf path: String) throws {
        var parameters: [String: Tensor] = [:]
        for (name, tensor) in try NamedTensors.read(path: path) { parameters[name] = tensor }
        try self.init(parameters: parameters, source: path)
    }

    /// Denoises the volumes `x` (`[B, C, D, H, W]`) at noise level `sigma` (one value, or one per
    /// volume).
    public func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        let c = configuration
        guard x.rank == 5, x.shape[0] > 0, x.shape[1] == c.inputChannels, x.shape[2...].allSatisfy({ $0 > 0 }) else {
            throw DenoiserError("DRUNet3D: expected volumes [B, \(c.inputChannels), D, H, W], got \(x.shape)")
        }
        let batch = x.shape[0]
        let levels = try (0..<batch).map { try Self.sigma(sigma, item: $0, batch: batch) }
        // The layers' feature maps reuse each other's freed pages, up to the call's known peak.
        let peak = c.footprint(batch: batch, depth: x.shape[2], height: x.shape[3], width: x.shape[4], volumetric: true)
            .residentFeatureMapBytes
        return TensorMemory.reusingMappings(reaching: peak) {
            let input = ImageLayout.channelsLast(x, paddedTo: 8, appending: levels, mapChannels: layers.head.inputChannels)
            let output = workspaces.withWorkspace { layers.forward(input, workspace: $0) }
            return ImageLayout.tensor(output, size: Array(x.shape[2...]), channels: c.outputChannels)
        }
    }

    /// The end of the benchmark's converted parameter names (`m_head.weight_3d`).
    static let benchmarkSuffix = "_3d"

    /// `key` without the benchmark's suffix.
    static func trimmingSuffix(_ key: String) -> String {
        key.hasSuffix(benchmarkSuffix) ? String(key.dropLast(benchmarkSuffix.count)) : key
    }
}
