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
    let head: Convolution3x3
    let down: [(blocks: [ResidualBlock], resample: StridedConvolution2x2)]
    let body: [ResidualBlock]
    let up: [(resample: TransposedConvolution2x2, blocks: [ResidualBlock])]
    let tail: Convolution3x3
    /// Scratch memory reused across layers and calls.
    let workspaces = WorkspacePool()

    /// The network with the named PyTorch parameters (`m_head.weight`, …); `source` names where
    /// they came from in errors. Every expected parameter must be present with its shape, and no
    /// other may be (as PyTorch's strict loading).
    public init(configuration: DRUNetConfiguration, parameters: [String: Tensor], source: String) throws {
        self.configuration = configuration
        let expected = configuration.parameterShapes
        for (name, shape) in expected {
            guard let tensor = parameters[name] else {
                throw TensorError.invalidArgument("\(source): missing key '\(name)' (expected shape \(shape)) for \(configuration)")
            }
            guard tensor.shape == shape else {
                throw TensorError.invalidShape("\(source): key '\(name)' has shape \(tensor.shape), expected \(shape) for \(configuration)")
            }
        }
        let known = Set(expected.map(\.name))
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw TensorError.invalidArgument("\(source): unknown key '\(unknown)' for \(configuration)")
        }
        func weight(_ name: String) -> Tensor { parameters[name]! }
        func blocks(_ module: String, from first: Int) -> [ResidualBlock] {
            configuration.residualBlockPrefixes(module, from: first).map {
                ResidualBlock(first: Convolution3x3(weights: weight("\($0).res.0.weight")),
                              second: Convolution3x3(weights: weight("\($0).res.2.weight")))
            }
        }
        head = Convolution3x3(weights: weight("m_head.weight"))
        down = (1...3).map { level in
            (blocks("m_down\(level)", from: 0),
             StridedConvolution2x2(weights: weight("m_down\(level).\(configuration.blocks).weight")))
        }
        body = blocks("m_body", from: 0)
        up = (1...3).reversed().map { level in
            (TransposedConvolution2x2(weights: weight("m_up\(level).0.weight")), blocks("m_up\(level)", from: 1))
        }
        tail = Convolution3x3(weights: weight("m_tail.weight"))
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
            throw TensorError.invalidShape("DRUNet: expected an image [B, \(c.inputChannels), H, W], got \(x.shape)")
        }
        let batch = x.shape[0]
        let levels = try (0..<batch).map { try Self.sigma(sigma, item: $0, batch: batch) }
        let input = ImageLayout.channelsLast(x, paddedTo: 8, appending: levels)
        let output = workspaces.withWorkspace { forward(input, workspace: $0) }
        return ImageLayout.image(output, height: x.shape[2], width: x.shape[3])
    }

    /// The network on a padded channels-last input with the σ channel.
    func forward(_ input: FeatureMap, workspace: Workspace) -> FeatureMap {
        var x1 = FeatureMap(height: input.height, width: input.width, channels: configuration.channels[0], items: input.items)
        head.apply(input, into: &x1, workspace: workspace)
        var skips = [x1]
        var current = x1
        for level in down {
            ResidualBlock.run(level.blocks, on: &current, workspace: workspace)
            current = level.resample.apply(current)
            skips.append(current)
        }
        ResidualBlock.run(body, on: &current, workspace: workspace)
        for level in up {
            current.add(skips.removeLast())
            current = level.resample.apply(current)
            ResidualBlock.run(level.blocks, on: &current, workspace: workspace)
        }
        current.add(skips.removeLast())
        var output = FeatureMap(height: input.height, width: input.width, channels: configuration.outputChannels, items: input.items)
        tail.apply(current, into: &output, workspace: workspace)
        return output
    }
}

/// `x + conv₂(ReLU(conv₁(x)))`, accumulated into x in place.
struct ResidualBlock {
    let first: Convolution3x3
    let second: Convolution3x3

    /// Runs `blocks` in order on `x`, sharing one intermediate buffer.
    static func run(_ blocks: [ResidualBlock], on x: inout FeatureMap, workspace: Workspace) {
        guard !blocks.isEmpty else { return }
        var inner = FeatureMap(height: x.height, width: x.width, channels: x.channels, items: x.items)
        for block in blocks {
            block.first.apply(x, into: &inner, relu: true, workspace: workspace)
            block.second.apply(inner, into: &x, accumulate: true, workspace: workspace)
        }
    }
}
