import Denoisers

/// Seconds of one DRUNet call from the machine's layer rates: the 3×3 (or 3×3×3) convolutions
/// level by level from the convolution tables, the head and tail (im2col, or Winograd when their
/// channels are padded for it), the stride-2 layers in FLOP/s, and the element-wise traffic (the
/// skip copies and additions, the layout changes) at the memory rate. Page faults are left out: a
/// solver reuses its feature maps' pages from one call to the next (`TensorMemory.reusingMappings`),
/// so that only its first iteration faults them in.
public enum NetworkTiming {
    /// Seconds of one call on `batch` images of `height×width` (volumes of `depth` planes when
    /// `volumetric`).
    public static func seconds(_ configuration: DRUNetConfiguration, volumetric: Bool, batch: Int, depth: Int, height: Int,
                               width: Int, rates: KernelRates) -> Double {
        func padded(_ n: Int) -> Int { (n + 7) / 8 * 8 }
        let c = configuration.channels, blocks = configuration.blocks
        let (planes, h, w) = (volumetric ? padded(depth) : 1, padded(height), padded(width))
        let table = volumetric ? rates.convolution3D : rates.convolution2D
        let taps = Double(volumetric ? 27 : 9), resampleTaps = Double(volumetric ? 8 : 4)
        func positions(_ level: Int) -> Int { max(1, planes >> level) * (h >> level) * (w >> level) }
        var seconds = 0.0
        for level in 0..<4 {
            let convolutions = level == 3 ? 2 * blocks : 4 * blocks
            seconds += Double(convolutions) * ConvolutionRate.seconds(table, inputChannels: c[level], outputChannels: c[level],
                                                                       items: batch, positions: positions(level))
            // Element-wise bytes per level: the skip's copy (read, write), its addition (two reads, a write).
            seconds += 5 * 4 * Double(batch * positions(level) * c[level]) / rates.memoryBytesPerS
        }
        let (down, up) = volumetric ? (rates.resample3DFlopsPerS, rates.upsample3DFlopsPerS)
            : (rates.resampleFlopsPerS, rates.upsampleFlopsPerS)
        for level in 0..<3 {
            let flops = 2 * resampleTaps * Double(c[level] * c[level + 1]) * Double(batch * positions(level + 1))
            seconds += flops / down + flops / up
        }
        let inputChannels = configuration.inputChannels + 1, outputChannels = configuration.outputChannels
        for (cin, cout) in [(inputChannels, c[0]), (c[0], outputChannels)] {
            if volumetric {
                seconds += ConvolutionRate.seconds(table, inputChannels: padded(cin), outputChannels: padded(cout), items: batch,
                                                   positions: positions(0))
            } else {
                seconds += 2 * taps * Double(cin * cout) * Double(batch * positions(0)) / rates.im2colFlopsPerS
            }
        }
        let correction = volumetric ? rates.network3DCorrection : rates.network2DCorrection
        return seconds * correction.factor(channels: c[0], positions: positions(0))
    }
}
