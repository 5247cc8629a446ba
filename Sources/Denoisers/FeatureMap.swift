import Tensor

/// The activations of a batch of images (or volumes) inside a network, channels-last, the items
/// stacked vertically: element (item i, row r, column c, channel k) is at
/// `((i·height + r)·width + c)·channels + k`. Channels-last makes every im2col row a few contiguous
/// copies and every convolution a plain GEMM; stacking lets each layer process the whole batch at
/// once (its weights prepared once, its GEMMs taller) while convolutions still pad every item with
/// zeros on its own. A batch of volumes stacks its depth planes: item `b·depth + d` is plane d of
/// volume b, so a plane's neighbours along depth are the adjacent items.
struct FeatureMap {
    /// Height of one item.
    let height: Int
    let width: Int
    let channels: Int
    /// Items (planes) of all batch entries.
    let items: Int
    /// Planes per batch entry: 1 for images, the depth for volumes.
    let depth: Int
    var values: Tensor

    /// A map of zeros; `items` must be a multiple of `depth`.
    init(height: Int, width: Int, channels: Int, items: Int = 1, depth: Int = 1) {
        precondition(depth > 0 && items % depth == 0, "FeatureMap: \(items) items do not make volumes of depth \(depth)")
        self.height = height
        self.width = width
        self.channels = channels
        self.items = items
        self.depth = depth
        values = Tensor(shape: [items * height * width * channels])
    }

    /// Rows of all items together.
    var rows: Int { items * height }

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
        precondition(other.height == height && other.width == width && other.channels == channels && other.items == items
                     && other.depth == depth,
                     "FeatureMap.add: \(other.items)×\(other.height)×\(other.width)×\(other.channels) vs \(items)×\(height)×\(width)×\(channels)")
        values.add(other.values)
    }
}

/// Per-thread scratch buffers for one parallel loop, indexed by `parallelFor`'s participant.
struct ScratchBuffers {
    private let buffers: [UnsafeMutablePointer<Float>]

    /// `ThreadPool.shared.threadCount` buffers of `count` floats each, 64-byte aligned (a GEMM
    /// operand then has the same alignment whichever thread gathers it).
    init(count: Int) {
        buffers = (0..<ThreadPool.shared.threadCount).map { _ in
            UnsafeMutableRawPointer.allocate(byteCount: 4 * max(count, 1), alignment: 64).bindMemory(to: Float.self, capacity: max(count, 1))
        }
    }

    subscript(participant: Int) -> UnsafeMutablePointer<Float> { buffers[participant] }

    func deallocate() { buffers.forEach { $0.deallocate() } }
}
