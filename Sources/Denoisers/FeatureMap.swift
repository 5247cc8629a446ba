import Tensor

/// The activations of one image inside a network, channels-last: element (row r, column c,
/// channel k) is at `(r·width + c)·channels + k`. Channels-last makes every im2col row a few
/// contiguous copies and every convolution a plain GEMM.
struct FeatureMap {
    let height: Int
    let width: Int
    let channels: Int
    var values: Tensor

    /// A map of zeros.
    init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
        values = Tensor(shape: [height * width * channels])
    }

    var pixels: Int { height * width }

    /// Read access to the elements.
    func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// Write access to the elements.
    mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    /// `self += other` (same dimensions), for the network's additive skips.
    mutating func add(_ other: FeatureMap) {
        precondition(other.height == height && other.width == width && other.channels == channels,
                     "FeatureMap.add: \(other.height)×\(other.width)×\(other.channels) vs \(height)×\(width)×\(channels)")
        values.add(other.values)
    }
}

/// Per-thread scratch buffers for one parallel loop, indexed by `parallelFor`'s participant.
struct ScratchBuffers {
    private let buffers: [UnsafeMutablePointer<Float>]

    /// `ThreadPool.shared.threadCount` buffers of `count` floats each.
    init(count: Int) {
        buffers = (0..<ThreadPool.shared.threadCount).map { _ in .allocate(capacity: max(count, 1)) }
    }

    subscript(participant: Int) -> UnsafeMutablePointer<Float> { buffers[participant] }

    func deallocate() { buffers.forEach { $0.deallocate() } }
}
