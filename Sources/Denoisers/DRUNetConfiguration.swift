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
            throw TensorError.invalidArgument("DRUNet: expected positive channel counts, got \(inputChannels)→\(outputChannels)")
        }
        guard channels.count == 4, channels.allSatisfy({ $0 > 0 }) else {
            throw TensorError.invalidArgument("DRUNet nc: expected 4 positive channel counts, got \(channels)")
        }
        guard blocks > 0 else { throw TensorError.invalidArgument("DRUNet nb: expected a positive block count, got \(blocks)") }
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
        let c = channels.map(Double.init), blocks = Double(self.blocks)
        func pixels(_ level: Int) -> Double { Double(height * width) / Double(1 << (2 * level)) }
        var total = 2 * pixels(0) * 9 * Double(inputChannels + 1) * c[0] + 2 * pixels(0) * 9 * c[0] * Double(outputChannels)
        for level in 0..<4 {
            // Residual blocks: nb on the way down (levels 0–2) or in the body (level 3), nb on the way up.
            let count = level == 3 ? blocks : 2 * blocks
            total += count * 2 * (2 * pixels(level) * 9 * c[level] * c[level])
        }
        for level in 0..<3 {
            // The stride-2 convolution down and the transposed convolution up, both 4 taps per
            // low-resolution pixel.
            total += 2 * (2 * pixels(level + 1) * 4 * c[level] * c[level + 1])
        }
        return total
    }
}
