import Formats
import Tensor

extension DRUNetConfiguration {
    /// The configuration of a DRUNet state dict, read from its tensor shapes: image channels from
    /// `m_head.weight` (`[nc0, in+1, 3, 3]`) and `m_tail.weight` (`[out, nc0, 3, 3]`), `nb` from the
    /// number of `m_down1.<i>.res.0.weight` keys, the deeper channel counts from the stride-2
    /// convolutions `m_down<l>.<nb>.weight` (`[nc_l, nc_{l−1}, 2, 2]`). 3-D state dicts (a depth axis
    /// on every kernel, as the head's rank 5 says) are read the same way. `source` names the file in
    /// errors.
    public init(inferringFrom shapes: [String: [Int]], source: String) throws {
        func shape(_ name: String, rank: Int) throws -> [Int] {
            guard let shape = shapes[name] else {
                throw DenoiserError("\(source): cannot infer the DRUNet configuration: missing key '\(name)'")
            }
            guard shape.count == rank else {
                throw DenoiserError("\(source): key '\(name)' has shape \(shape), expected rank \(rank)")
            }
            return shape
        }
        let rank = shapes["m_head.weight"]?.count == 5 ? 5 : 4
        let head = try shape("m_head.weight", rank: rank), tail = try shape("m_tail.weight", rank: rank)
        var blocks = 0
        while shapes["m_down1.\(blocks).res.0.weight"] != nil { blocks += 1 }
        guard blocks > 0 else {
            throw DenoiserError("\(source): cannot infer the DRUNet configuration: no key 'm_down1.0.res.0.weight'")
        }
        func positive(_ count: Int, _ name: String, _ shape: [Int], _ meaning: String) throws {
            guard count <= 0 else { return }
            throw DenoiserError("\(source): key '\(name)' has shape \(shape), which gives \(count) \(meaning); expected at least 1")
        }
        try positive(head[0], "m_head.weight", head, "channels at level 1 (its first extent)")
        try positive(head[1] - 1, "m_head.weight", head, "image channels (its second extent is channels + 1, the noise map)")
        try positive(tail[0], "m_tail.weight", tail, "output channels (its first extent)")
        var channels = [head[0]]
        for level in 1...3 {
            let name = "m_down\(level).\(blocks).weight", down = try shape(name, rank: rank)
            try positive(down[0], name, down, "channels at level \(level + 1) (its first extent)")
            channels.append(down[0])
        }
        try self.init(inputChannels: head[1] - 1, outputChannels: tail[0], channels: channels, blocks: blocks)
    }
}

extension DRUNet {
    /// A DRUNet whose configuration is inferred from the parameters' shapes (see
    /// `DRUNetConfiguration.init(inferringFrom:source:)`), loaded strictly.
    public init(parameters: [String: Tensor], source: String) throws {
        let configuration = try DRUNetConfiguration(inferringFrom: parameters.mapValues(\.shape), source: source)
        try self.init(configuration: configuration, parameters: parameters, source: source)
    }
}

extension DRUNet {
    /// A DRUNet from a PyTorch checkpoint (`.pth`/`.pt`, as `torch.save(state_dict)` writes it) or a
    /// safetensors file with DeepInverse's key names, e.g. the official
    /// `drunet_deepinv_gray_finetune_26k.pth`; the configuration comes from the tensor shapes.
    public init(contentsOf path: String) throws {
        var parameters: [String: Tensor] = [:]
        for (name, tensor) in try NamedTensors.read(path: path) { parameters[name] = tensor }
        try self.init(parameters: parameters, source: path)
    }
}
