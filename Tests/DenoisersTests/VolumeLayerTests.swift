@testable import Denoisers
import Tensor
import Testing

/// `volumes` volumes of `depth` planes, seeded values.
func randomVolumeMap(volumes: Int, depth: Int, height: Int, width: Int, channels: Int, seed: UInt64) -> FeatureMap {
    var map = FeatureMap(height: height, width: width, channels: channels, items: volumes * depth, depth: depth)
    let count = volumes * depth * height * width * channels
    map.values = Tensor(shape: [count], values: randomValues(count, seed: seed))
    return map
}

/// The elements (plane, row, column, channel) of a stacked map, 0 outside the plane.
func elements(_ map: FeatureMap) -> (_ plane: Int, _ row: Int, _ column: Int, _ channel: Int) -> Double {
    let values = map.values.scalars
    return { plane, row, column, channel in
        guard row >= 0, row < map.height, column >= 0, column < map.width else { return 0 }
        return Double(values[((plane * map.height + row) * map.width + column) * map.channels + channel])
    }
}

@Suite("3-D DRUNet layers against direct convolutions")
struct VolumeLayerTests {
    /// (volumes, depth, height, width, Cin, Cout): single planes, planes not multiples of 4, a
    /// batch of two volumes.
    static let sizes = [(1, 1, 6, 5, 8, 8), (2, 3, 9, 4, 8, 16), (1, 5, 6, 7, 16, 8), (2, 2, 5, 10, 8, 8), (1, 4, 1, 1, 8, 8)]

    @Test("3×3×3 convolution by Winograd F(4,3) summed over depth in the transformed domain", arguments: sizes)
    func winograd(volumes: Int, depth: Int, height: Int, width: Int, cin: Int, cout: Int) {
        for accumulate in [false, true] {
            convolution(volumes, depth, height, width, cin, cout, algorithm: .winograd, accumulate: accumulate)
        }
    }

    @Test("3×3×3 convolution by im2col (27 taps), σ-channel and grey-tail channel counts",
          arguments: sizes + [(1, 3, 5, 7, 2, 8), (2, 4, 3, 6, 3, 5), (1, 2, 4, 4, 16, 1)])
    func im2col(volumes: Int, depth: Int, height: Int, width: Int, cin: Int, cout: Int) {
        for accumulate in [false, true] {
            convolution(volumes, depth, height, width, cin, cout, algorithm: .im2col, accumulate: accumulate)
        }
    }

    func convolution(_ volumes: Int, _ depth: Int, _ height: Int, _ width: Int, _ cin: Int, _ cout: Int,
                     algorithm: Convolution3x3.Algorithm, accumulate: Bool) {
        let weights = Tensor(shape: [cout, cin, 3, 3, 3], values: randomValues(cout * cin * 27, seed: 21))
        let layer = Convolution3x3(weights: weights, algorithm: algorithm)
        #expect(layer.kernelDepth == 3)
        let x = randomVolumeMap(volumes: volumes, depth: depth, height: height, width: width, channels: cin, seed: 22)
        var y = randomVolumeMap(volumes: volumes, depth: depth, height: height, width: width, channels: cout, seed: 23)
        let (start, input, w) = (elements(y), elements(x), weights.scalars)
        layer.apply(x, into: &y, accumulate: accumulate, relu: true, workspace: Workspace())
        let output = elements(y)
        var worst = 0.0
        for plane in 0..<(volumes * depth) { for r in 0..<height { for c in 0..<width { for o in 0..<cout {
            var total = accumulate ? start(plane, r, c, o) : 0, magnitude = 0.0
            for dz in 0..<3 where (0..<depth).contains(plane % depth + dz - 1) { for dy in 0..<3 { for dx in 0..<3 {
                for i in 0..<cin {
                    let term = Double(w[(((o * cin + i) * 3 + dz) * 3 + dy) * 3 + dx]) * input(plane + dz - 1, r + dy - 1, c + dx - 1, i)
                    total += term
                    magnitude += abs(term)
                }
            } } }
            // Winograd F(4,3) in float32 rounds to a few 1e-6 of the terms' magnitude.
            let tolerance = 1e-5 + (algorithm == .winograd ? 4e-6 : 1e-6) * magnitude
            let error = abs(output(plane, r, c, o) - max(total, 0))
            worst = max(worst, error / tolerance)
        } } } }
        #expect(worst <= 1, "\(algorithm) \(volumes)×\(depth)×\(height)×\(width) \(cin)→\(cout): error \(worst) × tolerance")
    }

    @Test("Winograd and im2col agree when a volume's planes take several tasks, the last one partial (2 volumes of 7×72×68, 32 → 32)")
    func winogradBands() {
        let (volumes, depth, h, w, c) = (2, 7, 72, 68, 32)
        let weights = Tensor(shape: [c, c, 3, 3, 3], values: randomValues(c * c * 27, seed: 24).map { $0 * 0.1 })
        let x = randomVolumeMap(volumes: volumes, depth: depth, height: h, width: w, channels: c, seed: 25)
        let positions = TileGrid(height: h, width: w).perItem
        #expect(positions > WinogradConvolution3x3.tilesPerTask && positions % WinogradConvolution3x3.tilesPerTask != 0)
        var direct = FeatureMap(height: h, width: w, channels: c, items: volumes * depth, depth: depth), fast = direct
        Convolution3x3(weights: weights, algorithm: .im2col).apply(x, into: &direct, workspace: Workspace())
        Convolution3x3(weights: weights, algorithm: .winograd).apply(x, into: &fast, workspace: Workspace())
        let error = zip(fast.values.scalars, direct.values.scalars).map { abs($0 - $1) }.max()!
        let scale = direct.values.scalars.map(abs).max()!
        #expect(error <= 1e-5 * scale, "max abs error \(error) for values up to \(scale)")
    }

    @Test("head- and tail-like layers padded to Winograd channel counts agree with im2col; extra outputs are 0",
          arguments: [(2, 16), (16, 1), (3, 8)])
    func paddedForWinograd(cin: Int, cout: Int) {
        let (volumes, depth, h, w) = (2, 3, 9, 10)
        let weights = Tensor(shape: [cout, cin, 3, 3, 3], values: randomValues(cout * cin * 27, seed: 30))
        let layer = Convolution3x3(weights: weights, algorithm: .im2col)
        let padded = layer.paddedForWinograd(cin % 8 == 0 ? .output : .input)
        #expect(padded.algorithm == .winograd && padded.inputChannels % 8 == 0 && padded.outputChannels % 8 == 0)
        let x = randomVolumeMap(volumes: volumes, depth: depth, height: h, width: w, channels: cin, seed: 31)
        var wide = FeatureMap(height: h, width: w, channels: padded.inputChannels, items: volumes * depth, depth: depth)
        for pixel in 0..<(volumes * depth * h * w) {
            for channel in 0..<cin { wide.values[pixel * padded.inputChannels + channel] = x.values[pixel * cin + channel] }
        }
        var direct = FeatureMap(height: h, width: w, channels: cout, items: volumes * depth, depth: depth)
        var fast = FeatureMap(height: h, width: w, channels: padded.outputChannels, items: volumes * depth, depth: depth)
        layer.apply(x, into: &direct, workspace: Workspace())
        padded.apply(wide, into: &fast, workspace: Workspace())
        let (reference, result) = (direct.values.scalars, fast.values.scalars)
        var error: Float = 0
        for pixel in 0..<(volumes * depth * h * w) {
            for channel in 0..<padded.outputChannels {
                let value = result[pixel * padded.outputChannels + channel]
                error = max(error, abs(value - (channel < cout ? reference[pixel * cout + channel] : 0)))
            }
        }
        #expect(error <= 1e-4 * reference.map(abs).max()!, "max abs error \(error)")
        #expect(layer.paddedForWinograd(cin % 8 == 0 ? .input : .output).algorithm == .im2col)
    }

    @Test("2×2×2 stride-2 convolution")
    func strided() {
        let (volumes, depth, h, w, cin, cout) = (2, 4, 6, 4, 5, 3)
        let weights = Tensor(shape: [cout, cin, 2, 2, 2], values: randomValues(cout * cin * 8, seed: 26))
        let x = randomVolumeMap(volumes: volumes, depth: depth, height: h, width: w, channels: cin, seed: 27)
        let y = StridedConvolution2x2(weights: weights).apply(x)
        let (input, output) = (elements(x), elements(y))
        #expect(y.depth == 2 && y.items == 4 && y.height == 3 && y.width == 2 && y.channels == cout)
        for plane in 0..<4 { for r in 0..<3 { for c in 0..<2 { for o in 0..<cout {
            var total = 0.0
            for dz in 0..<2 { for dy in 0..<2 { for dx in 0..<2 { for i in 0..<cin {
                total += Double(weights[o, i, dz, dy, dx]) * input(2 * plane + dz, 2 * r + dy, 2 * c + dx, i)
            } } } }
            #expect(abs(output(plane, r, c, o) - total) <= 1e-5)
        } } } }
    }

    @Test("2×2×2 stride-2 transposed convolution (weights [in, out, 2, 2, 2])")
    func transposed() {
        let (volumes, depth, h, w, cin, cout) = (2, 3, 3, 2, 4, 5)
        let weights = Tensor(shape: [cin, cout, 2, 2, 2], values: randomValues(cout * cin * 8, seed: 28))
        let x = randomVolumeMap(volumes: volumes, depth: depth, height: h, width: w, channels: cin, seed: 29)
        let y = TransposedConvolution2x2(weights: weights).apply(x)
        let (input, output) = (elements(x), elements(y))
        #expect(y.depth == 6 && y.items == 12 && y.height == 6 && y.width == 4 && y.channels == cout)
        for plane in 0..<12 { for r in 0..<6 { for c in 0..<4 { for o in 0..<cout {
            var total = 0.0
            for i in 0..<cin {
                total += Double(weights[i, o, plane % 2, r % 2, c % 2]) * input(plane / 2, r / 2, c / 2, i)
            }
            #expect(abs(output(plane, r, c, o) - total) <= 1e-5)
        } } } }
    }
}
