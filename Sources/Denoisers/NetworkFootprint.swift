import Tensor

/// The memory of one DRUNet call beyond its input batch, from the layers' shapes alone (nothing is
/// allocated): the feature maps alive at the call's peak (tensors, counted by `TensorMemory`), the
/// workspace its convolutions grow to (kept by the network between calls, not counted there), and
/// the weights the network holds.
///
/// The peak comes at full resolution: the padded channels-last input, the head's output kept as
/// the skip connection, the current map (a copy, since the skip shares it) and the residual
/// blocks' intermediate map, on the way down and again on the way up.
public struct NetworkFootprint: Sendable, Equatable {
    /// Peak bytes of feature maps during a call.
    public let featureMapBytes: Int
    /// The same maps' resident bytes (large maps take whole huge pages, `TensorMemory.residentBytes`).
    public let residentFeatureMapBytes: Int
    /// Bytes of the convolutions' workspace after a call of this size.
    public let workspaceBytes: Int
    /// Bytes of the weights as the layers hold them.
    public let weightBytes: Int
}

extension DRUNetConfiguration {
    /// The footprint of a call on `batch` images of `height×width` (`depth` > 1 or `volumetric`:
    /// volumes of `depth×height×width` through the 3-D network) with `threads` threads. Sizes are
    /// padded to multiples of 8 as the networks pad them.
    public func footprint(batch: Int, depth: Int = 1, height: Int, width: Int, volumetric: Bool = false,
                          threads: Int = ThreadPool.shared.threadCount) -> NetworkFootprint {
        func padded(_ n: Int) -> Int { (n + 7) / 8 * 8 }
        let planes = volumetric ? padded(depth) : 1
        let (h, w) = (padded(height), padded(width))
        let taps = volumetric ? 27 : 9, resampleTaps = volumetric ? 8 : 4
        let inputChannels = volumetric ? padded(self.inputChannels + 1) : self.inputChannels + 1
        let outputChannels = volumetric ? padded(self.outputChannels) : self.outputChannels
        let positions = batch * planes * h * w
        let featureMaps = 4 * positions * (inputChannels + 3 * channels[0])
        let residentMaps = TensorMemory.residentBytes(ofTensorBytes: 4 * positions * inputChannels)
            + 3 * TensorMemory.residentBytes(ofTensorBytes: 4 * positions * channels[0])

        var weights = taps * (inputChannels * channels[0] + channels[0] * outputChannels)
        for level in 0..<4 { weights += (level == 3 ? 2 : 4) * blocks * taps * channels[level] * channels[level] }
        for level in 0..<3 { weights += 2 * resampleTaps * channels[level] * channels[level + 1] }

        // Workspace slots as the convolutions ask for them, each kept at its largest request.
        var slots = [Int](repeating: 0, count: 5)
        func winograd(cin: Int, cout: Int, level: Int) {
            let elements = WinogradF43.elements
            let kernels = WinogradConvolution3x3.kernelFloats(inputChannels: cin, outputChannels: cout)
            slots[3] = max(slots[3], 2 * elements * threads * 32)
            // Each thread's transformed tiles: one row block per plane.
            let rows = (volumetric ? max(1, planes >> level) : 1) * WinogradConvolution3x3.tilesPerTask
            slots[0] = max(slots[0], 4 * (volumetric ? 3 : 1) * kernels)
            slots[1] = max(slots[1], 4 * threads * elements * rows * cin)
            slots[2] = max(slots[2], 4 * threads * elements * rows * cout)
        }
        func im2col(cin: Int) {
            let k = (volumetric ? 3 : 1) * 9 * cin
            let rows = max(1, min(h, Convolution3x3.bandBytes / (4 * w * k)))
            slots[4] = max(slots[4], 4 * ((rows * w * k + 15) & ~15) * threads)
        }
        for (cin, cout) in [(inputChannels, channels[0]), (channels[0], outputChannels)] {
            if WinogradConvolution3x3.supports(inputChannels: cin, outputChannels: cout) {
                winograd(cin: cin, cout: cout, level: 0)
            } else {
                im2col(cin: cin)
            }
        }
        for level in 0..<4 { winograd(cin: channels[level], cout: channels[level], level: level) }
        return NetworkFootprint(featureMapBytes: featureMaps, residentFeatureMapBytes: residentMaps, workspaceBytes: slots.reduce(0, +), weightBytes: 4 * weights)
    }
}
