import Tensor

/// The shape of a DRUNet: image channels, channels per level (`nc`, 4 levels) and residual blocks
/// per level (`nb`). DeepInverse's pretrained grey model is `(1, 1, [64, 128, 256, 512], 4)`.
public struct DRUNetConfiguration: Sendable, Equatable, CustomStringConvertible {
    public let inputChannels: Int
    public let outputChannels: Int
    public let channels: [Int]
    public let blocks: Int

    /// A configuration; `channels` must hold 4 positive counts and `blocks` be ≥ 1.
    public init(inputChannels: Int, outputChannels: Int, channels: [Int] = [64, 128, 256, 512], blocks: Int = 4) throws {
        guard inputChannels > 0, outputChannels > 0 else {
            throw DenoiserError("DRUNet: expected positive channel counts, got \(inputChannels)→\(outputChannels)")
        }
        guard channels.count == 4, channels.allSatisfy({ $0 > 0 }) else {
            throw DenoiserError("DRUNet nc: expected 4 positive channel counts, got \(channels)")
        }
        guard blocks > 0 else { throw DenoiserError("DRUNet nb: expected a positive block count, got \(blocks)") }
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.channels = channels
        self.blocks = blocks
    }

    public var description: String {
        "DRUNet \(inputChannels)→\(outputChannels), nc \(channels.map(String.init).joined(separator: ",")), nb \(blocks)"
    }

    /// Every parameter name with its PyTorch shape, in DeepInverse's state-dict order.
    public var parameterShapes: [(name: String, shape: [Int])] {
        let nc = channels
        var result: [(String, [Int])] = [("m_head.weight", [nc[0], inputChannels + 1, 3, 3])]
        for level in 1...3 {
            for block in residualBlockPrefixes("m_down\(level)", from: 0) { result += blockShapes(block, nc[level - 1]) }
            result.append(("m_down\(level).\(blocks).weight", [nc[level], nc[level - 1], 2, 2]))
        }
        for block in residualBlockPrefixes("m_body", from: 0) { result += blockShapes(block, nc[3]) }
        for level in (1...3).reversed() {
            result.append(("m_up\(level).0.weight", [nc[level], nc[level - 1], 2, 2]))
            for block in residualBlockPrefixes("m_up\(level)", from: 1) { result += blockShapes(block, nc[level - 1]) }
        }
        result.append(("m_tail.weight", [outputChannels, nc[0], 3, 3]))
        return result
    }

    /// Every parameter name with its PyTorch shape for the 3-D DRUNet (`DRUNet3D`): each kernel
    /// gets a depth axis of its size, `[out, in, k, k, k]` (`[in, out, 2, 2, 2]` for the
    /// transposed convolutions).
    public var volumeParameterShapes: [(name: String, shape: [Int])] {
        parameterShapes.map { ($0.name, $0.shape + [$0.shape[3]]) }
    }

    /// Key prefixes of the residual blocks of `module`, numbered from `first`. DeepInverse's
    /// `sequential()` unwraps a module holding a single block, so the body of a network with
    /// `nb = 1` is `m_body.res…`, not `m_body.0.res…`.
    func residualBlockPrefixes(_ module: String, from first: Int) -> [String] {
        if module == "m_body" && blocks == 1 { return [module] }
        return (first..<(first + blocks)).map { "\(module).\($0)" }
    }

    private func blockShapes(_ prefix: String, _ c: Int) -> [(String, [Int])] {
        [("\(prefix).res.0.weight", [c, c, 3, 3]), ("\(prefix).res.2.weight", [c, c, 3, 3])]
    }

    /// Floating-point operations (2 per multiply–add) of one forward pass on an `height×width`
    /// image whose sides are multiples of 8.
    public func flops(height: Int, width: Int) -> Double {
        flops(positions: Double(height * width), dimensions: 2, kernelTaps: 9)
    }

    /// Floating-point operations of one forward pass of the 3-D DRUNet on a `depth×height×width`
    /// volume whose sizes are multiples of 8.
    public func flops(depth: Int, height: Int, width: Int) -> Double {
        flops(positions: Double(depth * height * width), dimensions: 3, kernelTaps: 27)
    }

    /// `positions` pixels (or voxels) at full resolution, 2^dimensions times fewer at each level
    /// down (also the taps of the stride-2 kernels), `kernelTaps` taps per 3×3 (or 3×3×3) kernel.
    private func flops(positions: Double, dimensions: Int, kernelTaps: Double) -> Double {
        let c = channels.map(Double.init), blocks = Double(self.blocks), perLevel = Double(1 << dimensions)
        func points(_ level: Int) -> Double { positions / Double(1 << (dimensions * level)) }
        var total = 2 * points(0) * kernelTaps * Double(inputChannels + 1) * c[0]
            + 2 * points(0) * kernelTaps * c[0] * Double(outputChannels)
        for level in 0..<4 {
            // Residual blocks: nb on the way down (levels 0–2) or in the body (level 3), nb on the way up.
            let count = level == 3 ? blocks : 2 * blocks
            total += count * 2 * (2 * points(level) * kernelTaps * c[level] * c[level])
        }
        for level in 0..<3 {
            // The stride-2 convolution down and the transposed convolution up, both `perLevel` taps
            // per low-resolution point.
            total += 2 * (2 * points(level + 1) * perLevel * c[level] * c[level + 1])
        }
        return total
    }
}
