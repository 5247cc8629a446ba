import Denoisers
import Measurement
import Physics
import Planner
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// Times on this machine the kernels the planner's model is made of, at one thread count
/// (`KernelRates`): DRUNet's convolution layers per channel count and item size (2-D and 3-D),
/// its im2col and stride-2 layers, memory traffic, the 2-D and 3-D projectors and the FFT.
public enum MachineCalibration {
    /// Channel counts of the 2-D and 3-D convolution tables (DRUNet's levels: 16…128 bundled,
    /// 64…512 full size).
    static let channels2D = [16, 32, 64, 128, 256, 512]
    static let channels3D = [8, 16, 32, 64, 128]
    /// Item sides probed (3-D: planes of `depth3D`), up to the size of the seeds' windows.
    static let sides2D = [8, 16, 32, 64, 128, 256, 512]
    static let sides3D = [8, 16, 32, 64, 128, 256]
    /// Planes of the probed volumes (the seed's 12-plane windows are padded to 16).
    static let depth3D = 16
    /// Sizes whose two-item probe exceeds this many FLOPs are skipped; larger items take the
    /// largest probed size's cost per position.
    static let flopCap2D = 1.2e10
    static let flopCap3D = 3e10

    /// The rates at the thread pool's current size; with `busyCopies` > 0, each kernel is timed
    /// while that many copies of it run on threads of their own (a node whose every core runs a
    /// rank). `log` receives a line per kernel family.
    public static func rates(repetitions: Int = 3, busyCopies: Int = 0, log: (String) -> Void = { _ in }) throws -> KernelRates {
        let threads = ThreadPool.shared.threadCount
        /// The median time of the kernel `make()` returns, with the background copies running;
        /// successive runs reuse each other's pages, as a solver's iterations do.
        func median(_ make: () -> () -> Void) -> Double {
            let load = busyCopies > 0 ? BackgroundLoad(copies: busyCopies, make: make) : nil
            defer { load?.finish() }
            return TensorMemory.reusingMappings { Stopwatch.measure(repetitions: repetitions, make()).medianSeconds }
        }

        // Each size is timed on one item and on two: the difference is the cost of an item's
        // positions alone, the rest of the one-item time the fixed cost per call (the Winograd
        // kernel transform), taken as the median over the sizes.
        func table(_ channelList: [Int], sides: [Int], volumetric: Bool, flopCap: Double) -> [ConvolutionRate] {
            channelList.map { c in
                let planes = volumetric ? depth3D : 1
                let tapCount = Double(volumetric ? 27 : 9)
                var calls: [Double] = [], entries: [SizedRate] = []
                for side in sides {
                    let positions = planes * side * side
                    let flops = 2 * tapCount * Double(c * c) * Double(positions)
                    guard entries.isEmpty || 2 * flops <= flopCap else { break }
                    func probe(_ items: Int) -> Double {
                        median { LayerProbe.convolution(channels: c, items: items, depth: planes, height: side, width: side,
                                                        volumetric: volumetric) }
                    }
                    let one = probe(1), two = probe(2)
                    let perPosition = max(two - one, 0.25 * one) / Double(positions)
                    entries.append(SizedRate(positions: positions, seconds: perPosition))
                    calls.append(max(0, one - perPosition * Double(positions)))
                }
                return ConvolutionRate(channels: c, callS: calls.sorted()[calls.count / 2], perPosition: entries)
            }
        }
        let conv2D = table(channels2D, sides: sides2D, volumetric: false, flopCap: flopCap2D)
        let conv3D = table(channels3D, sides: sides3D, volumetric: true, flopCap: flopCap3D)
        let setting = "\(threads) thread\(threads == 1 ? "" : "s")" + (busyCopies > 0 ? " beside \(busyCopies) busy" : "")
        log("  3×3 convolutions, \(setting): " + conv2D.map { rate in
            "\(rate.channels): \(Int(2 * 9 * Double(rate.channels * rate.channels) / rate.perPosition.last!.seconds / 1e9)) GFLOP/s"
        }.joined(separator: ", "))

        let im2colRate = 2 * 9 * 2 * 64 * 65_536 / median { LayerProbe.im2col(inputChannels: 2, outputChannels: 64, height: 256, width: 256) }
        // The stride-2 layers at DRUNet's first level: 2-D 256² with 32 channels, 3-D 16×128².
        let flat = LayerProbe.resampleFlops(channels: 32, height: 256, width: 256)
        let resampleRate = flat / median { LayerProbe.resample(channels: 32, height: 256, width: 256) }
        let upsampleRate = flat / median { LayerProbe.upsample(channels: 32, height: 256, width: 256) }
        let volume3D = LayerProbe.resampleFlops(channels: 16, depth: 16, height: 128, width: 128, volumetric: true)
        let resample3DRate = volume3D / median { LayerProbe.resample(channels: 16, depth: 16, height: 128, width: 128, volumetric: true) }
        let upsample3DRate = volume3D / median { LayerProbe.upsample(channels: 16, depth: 16, height: 128, width: 128, volumetric: true) }

        let count = 8 << 20
        // The copy and the scaling each read and write.
        let memoryRate = 4 * 4 * Double(count) / median {
            let source = Tensor(shape: [count], repeating: 1)
            return { var target = source; target.scale(by: 1.0001) }
        }

        let side = 256, angles = 64
        let projector = try ParallelBeam2D(size: side, anglesDegrees: (0..<angles).map { 180 * Double($0) / Double(angles) })
        let image = try GaussianNoise(sigma: 1, seed: 7).standardNormalTensor(shape: [1, 1, side, side])
        let sinogram = try projector.apply(image)
        let work = Double(side * side * angles)
        let forward2D = median { { _ = try? projector.apply(image) } } / work
        let adjoint2D = median { { _ = try? projector.adjoint(sinogram) } } / work

        let volumeSide = 64, views = 24
        let cone = ConeBeam3D(geometry: try ConeBeamGeometry.walnutLike(
            volumeSide: volumeSide, detectorRows: 80, detectorColumns: 96, anglesDegrees: (0..<views).map { 360 * Double($0) / Double(views) }))
        let volume = try GaussianNoise(sigma: 1, seed: 7).standardNormalTensor(shape: cone.domainShape(batch: 1, channels: 1))
        let projections = try cone.apply(volume)
        let rayPlanes = PhysicsCost.rayPlanes(views: views, rows: 80, columns: 96, depth: volumeSide, side: volumeSide)
        let forward3D = median { { _ = try? cone.apply(volume) } } / rayPlanes
        let adjoint3D = median { { _ = try? cone.adjoint(projections) } } / rayPlanes

        let plane = 512
        let blur = try CircularBlur(kernel: Tensor(shape: [5, 5], repeating: 0.04), height: plane, width: plane)
        let picture = try GaussianNoise(sigma: 1, seed: 7).standardNormalTensor(shape: [1, 1, plane, plane])
        let fft = median { { _ = try? blur.apply(picture) } } / (2 * Double(plane * plane) * log2(Double(plane * plane)))
        var rates = KernelRates(threads: threads, convolution2D: conv2D, convolution3D: conv3D, im2colFlopsPerS: im2colRate,
                                resampleFlopsPerS: resampleRate, upsampleFlopsPerS: upsampleRate, resample3DFlopsPerS: resample3DRate,
                                upsample3DFlopsPerS: upsample3DRate, memoryBytesPerS: memoryRate, parallelBeamForwardS: forward2D,
                                parallelBeamAdjointS: adjoint2D, coneBeamForwardS: forward3D, coneBeamAdjointS: adjoint3D, fftS: fft)
        // Whole calls against the sum of their layers, by network and item size (2-D): the small
        // network on 64² … 512² items, the full-size one on 128² and 256². Small items spread
        // over the threads less well than their layers timed alone say, and small channel counts
        // run slower inside the network than alone. 3-D: the small one converted, on two of the
        // seed's 12×288² windows per call (at this size a call of several windows costs more per
        // window than its layers timed alone). Each 2-D case runs for at least `caseSeconds`.
        let caseSeconds = 0.5
        func corrections(_ cases: [(DRUNetConfiguration, depth: Int?, side: Int, batch: Int)]) throws -> CorrectionTable {
            try CorrectionTable(cases.map { configuration, depth, side, batch in
                let network = try DRUNet.random(configuration: configuration)
                let denoiser: any Denoiser = depth == nil ? network : DRUNet3D(converting: network)
                let make = {
                    let input = Tensor(shape: [batch, 1] + (depth.map { [$0] } ?? []) + [side, side], repeating: 0.5)
                    return { _ = try? denoiser.denoise(input, sigma: [0.05]) }
                }
                let load = busyCopies > 0 ? BackgroundLoad(copies: busyCopies, make: make) : nil
                defer { load?.finish() }
                let predicted = NetworkTiming.seconds(configuration, volumetric: depth != nil, batch: batch, depth: depth ?? 1,
                                                      height: side, width: side, rates: rates)
                let runs = depth == nil ? max(repetitions, Int((caseSeconds / predicted).rounded(.up))) : min(repetitions, 3)
                let measured = TensorMemory.reusingMappings { Stopwatch.measure(repetitions: runs, make()).medianSeconds }
                let (planes, padded) = (depth.map { ($0 + 7) / 8 * 8 } ?? 1, (side + 7) / 8 * 8)
                return CorrectionTable.Entry(channels: configuration.channels[0], positions: planes * padded * padded,
                                             factor: measured / predicted)
            })
        }
        let smallNetwork = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1, channels: [16, 32, 64, 128], blocks: 2)
        let fullNetwork = try DRUNetConfiguration(inputChannels: 1, outputChannels: 1)
        rates.network2DCorrection = try corrections([(smallNetwork, nil, 64, 4), (smallNetwork, nil, 128, 2), (smallNetwork, nil, 256, 1),
                                                     (smallNetwork, nil, 512, 1), (fullNetwork, nil, 128, 1), (fullNetwork, nil, 256, 1)])
        rates.network3DCorrection = try corrections([(smallNetwork, 12, 288, 2)])
        log("  whole DRUNet calls against their layers: 2-D " + rates.network2DCorrection.entries.map {
            "\($0.channels)-channel \(Int(Double($0.positions).squareRoot()))² ×\(format($0.factor))"
        }.joined(separator: ", ") + "; 3-D ×\(format(rates.network3DCorrection.entries[0].factor))")
        log("  projectors: 2-D \(format(1 / forward2D / 1e9)) / \(format(1 / adjoint2D / 1e9)) G pixel·angle/s, 3-D \(format(1 / forward3D / 1e9)) / \(format(1 / adjoint3D / 1e9)) G ray·plane/s; memory \(format(memoryRate / 1e9)) GB/s")
        return rates
    }

    private static func format(_ value: Double) -> String { "\(Double(Int(value * 100)) / 100)" }
}
