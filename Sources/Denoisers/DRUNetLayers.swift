import Tensor

/// The layers of a DRUNet (2-D or 3-D: the kernels' rank decides) and its forward pass on a
/// padded channels-last input with the σ channel.
struct DRUNetLayers {
    let head: Convolution3x3
    let down: [(blocks: [ResidualBlock], resample: StridedConvolution2x2)]
    let body: [ResidualBlock]
    let up: [(resample: TransposedConvolution2x2, blocks: [ResidualBlock])]
    let tail: Convolution3x3

    /// The network's output map (the tail's channels, the input's size).
    func forward(_ input: FeatureMap, workspace: Workspace) -> FeatureMap {
        func map(like model: FeatureMap, channels: Int) -> FeatureMap {
            FeatureMap(height: model.height, width: model.width, channels: channels, items: model.items, depth: model.depth)
        }
        var x1 = map(like: input, channels: head.outputChannels)
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
        var output = map(like: input, channels: tail.outputChannels)
        tail.apply(current, into: &output, workspace: workspace)
        return output
    }
}

extension DRUNetLayers {
    /// The layers of `configuration` from PyTorch weights: `weight(name)` is the tensor of
    /// DeepInverse's parameter `name` (`m_head.weight`, …), already checked by `validate`.
    init(configuration: DRUNetConfiguration, weight: (String) -> Tensor) {
        func blocks(_ module: String, from first: Int) -> [ResidualBlock] {
            configuration.residualBlockPrefixes(module, from: first).map {
                ResidualBlock(first: Convolution3x3(weights: weight("\($0).res.0.weight")),
                              second: Convolution3x3(weights: weight("\($0).res.2.weight")))
            }
        }
        self.init(
            head: Convolution3x3(weights: weight("m_head.weight")),
            down: (1...3).map { level in
                (blocks("m_down\(level)", from: 0),
                 StridedConvolution2x2(weights: weight("m_down\(level).\(configuration.blocks).weight")))
            },
            body: blocks("m_body", from: 0),
            up: (1...3).reversed().map { level in
                (TransposedConvolution2x2(weights: weight("m_up\(level).0.weight")), blocks("m_up\(level)", from: 1))
            },
            tail: Convolution3x3(weights: weight("m_tail.weight")))
    }

    /// Strict loading, as PyTorch's: every `expected` parameter present with its shape, no other
    /// key. `source` names where the parameters came from in errors.
    static func validate(_ parameters: [String: Tensor], expected: [(name: String, shape: [Int])],
                         configuration: DRUNetConfiguration, source: String) throws {
        for (name, shape) in expected {
            guard let tensor = parameters[name] else {
                throw DenoiserError("\(source): missing key '\(name)' (expected shape \(shape)) for \(configuration)")
            }
            guard tensor.shape == shape else {
                throw DenoiserError("\(source): key '\(name)' has shape \(tensor.shape), expected \(shape) for \(configuration)")
            }
        }
        let known = Set(expected.map(\.name))
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw DenoiserError("\(source): unknown key '\(unknown)' for \(configuration)")
        }
    }
}

/// `x + conv₂(ReLU(conv₁(x)))`, accumulated into x in place.
struct ResidualBlock {
    let first: Convolution3x3
    let second: Convolution3x3

    /// Runs `blocks` in order on `x`, sharing one intermediate buffer.
    static func run(_ blocks: [ResidualBlock], on x: inout FeatureMap, workspace: Workspace) {
        guard !blocks.isEmpty else { return }
        var inner = FeatureMap(height: x.height, width: x.width, channels: x.channels, items: x.items, depth: x.depth)
        for block in blocks {
            block.first.apply(x, into: &inner, relu: true, workspace: workspace)
            block.second.apply(inner, into: &x, accumulate: true, workspace: workspace)
        }
    }
}
