import Tensor

/// DRUNet (Zhang et al., DPIR), exactly DeepInverse's architecture: head conv, three levels down
/// (residual blocks, then a 2×2 stride-2 conv), a body of residual blocks, three levels up (2×2
/// stride-2 transposed conv, then residual blocks), tail conv; additive skips, bias-free, ReLU,
/// the noise level σ appended as a constant last input channel, no global residual.
///
/// Any image size: sides that are not multiples of 8 are replicate-padded at their end and the
/// output cropped back, in one pass (DeepInverse pads to 16 or splits into quadrants instead).
/// Inference only; images are `[B, C, H, W]` in [0, 1] units. The whole batch goes through each
/// layer together (items stacked in one feature map): every layer prepares its weights once per
/// call and its GEMMs span the batch — faster for batches of tiles, at the memory of B images.
public struct DRUNet: Denoiser {
    /// The network's shape.
    public let configuration: DRUNetConfiguration
    let layers: DRUNetLayers
    /// Scratch memory reused across layers and calls.
    let workspaces = WorkspacePool()

    /// The network with the named PyTorch parameters (`m_head.weight`, …); `source` names where
    /// they came from in errors. Every expected parameter must be present with its shape, and no
    /// other may be (as PyTorch's strict loading).
    public init(configuration: DRUNetConfiguration, parameters: [String: Tensor], source: String) throws {
        self.configuration = configuration
        try DRUNetLayers.validate(parameters, expected: configuration.parameterShapes, configuration: configuration, source: source)
        layers = DRUNetLayers(configuration: configuration) { parameters[$0]! }
    }

    /// A network with seeded random weights (He-normal, scaled by 1/2 so activations stay of
    /// order one), for timing the full-size architecture as the peers do.
    public static func random(configuration: DRUNetConfiguration, seed: UInt64 = 0) throws -> DRUNet {
        let generator = NormalGenerator(seed: seed)
        var parameters: [String: Tensor] = [:]
        for (stream, (name, shape)) in configuration.parameterShapes.enumerated() {
            let fanIn = Float(shape[1] * shape[2] * shape[3])
            var weights = generator.tensor(shape: shape, stream: UInt64(stream))
            weights.scale(by: 0.5 * (2 / fanIn).squareRoot())
            parameters[name] = weights
        }
        return try DRUNet(configuration: configuration, parameters: parameters, source: "random weights")
    }

    public func denoise(_ x: Tensor, sigma: [Float]) throws -> Tensor {
        let c = configuration
        guard x.rank == 4, x.shape[1] == c.inputChannels, x.shape[2] > 0, x.shape[3] > 0 else {
            throw DenoiserError("DRUNet: expected an image [B, \(c.inputChannels), H, W], got \(x.shape)")
        }
        let batch = x.shape[0]
        let levels = try (0..<batch).map { try Self.sigma(sigma, item: $0, batch: batch) }
        // The layers' feature maps reuse each other's freed pages, up to the call's known peak.
        let peak = c.footprint(batch: batch, height: x.shape[2], width: x.shape[3]).residentFeatureMapBytes
        return TensorMemory.reusingMappings(reaching: peak) {
            let input = ImageLayout.channelsLast(x, paddedTo: 8, appending: levels)
            let output = workspaces.withWorkspace { layers.forward(input, workspace: $0) }
            return ImageLayout.tensor(output, size: [x.shape[2], x.shape[3]])
        }
    }
}
