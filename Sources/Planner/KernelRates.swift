/// The measured speed of the kernels a run is made of, at one thread count.
///
/// Convolutions are tabled per channel count (`c → c`): a fixed cost per call (the Winograd
/// kernels are transformed at every call) and the seconds per output position at several item
/// sizes, since small items run less efficiently. Other layers are rated in floating-point
/// operations per second; the projectors in seconds per pixel·angle or ray·plane; the FFT in
/// seconds per element·log₂(elements); memory traffic in bytes per second.
public struct KernelRates: Codable, Sendable, Equatable {
    /// Threads the rates were measured with.
    public var threads: Int
    /// 3×3 convolutions of 2-D maps, and 3×3×3 convolutions of volumes (positions counted over all
    /// planes of a volume).
    public var convolution2D: [ConvolutionRate]
    public var convolution3D: [ConvolutionRate]
    /// The im2col head and tail convolutions, FLOP/s.
    public var im2colFlopsPerS: Double
    /// The 2×2 stride-2 layers down and the transposed ones up, 2-D and 3-D (2×2×2), FLOP/s.
    public var resampleFlopsPerS: Double
    public var upsampleFlopsPerS: Double
    public var resample3DFlopsPerS: Double
    public var upsample3DFlopsPerS: Double
    /// Element-wise work (copies, additions, layout changes), bytes read and written per second.
    public var memoryBytesPerS: Double
    /// 2-D parallel beam, forward and adjoint, seconds per pixel·angle.
    public var parallelBeamForwardS: Double
    public var parallelBeamAdjointS: Double
    /// 3-D cone beam (plane sweeps), forward and adjoint, seconds per ray·plane update
    /// (`PhysicsCost.rayPlanes`).
    public var coneBeamForwardS: Double
    public var coneBeamAdjointS: Double
    /// Real FFT (forward or inverse) of a plane, seconds per element·log₂(elements).
    public var fftS: Double
    /// Measured over predicted time of whole DRUNet calls (2-D and 3-D) by item size, by which the
    /// sum of the layers is scaled. 1 when not measured.
    public var network2DCorrection = CorrectionTable(1)
    public var network3DCorrection = CorrectionTable(1)

    private enum CodingKeys: String, CodingKey {
        case threads
        case convolution2D = "convolution_2d", convolution3D = "convolution_3d"
        case im2colFlopsPerS = "im2col_flops_per_s", resampleFlopsPerS = "resample_flops_per_s"
        case upsampleFlopsPerS = "upsample_flops_per_s", resample3DFlopsPerS = "resample_3d_flops_per_s"
        case upsample3DFlopsPerS = "upsample_3d_flops_per_s"
        case memoryBytesPerS = "memory_bytes_per_s"
        case parallelBeamForwardS = "parallel_beam_forward_s", parallelBeamAdjointS = "parallel_beam_adjoint_s"
        case coneBeamForwardS = "cone_beam_forward_s", coneBeamAdjointS = "cone_beam_adjoint_s"
        case fftS = "fft_s"
        case network2DCorrection = "network_2d_correction", network3DCorrection = "network_3d_correction"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(threads: try c.decode(Int.self, forKey: .threads),
                  convolution2D: try c.decode([ConvolutionRate].self, forKey: .convolution2D),
                  convolution3D: try c.decode([ConvolutionRate].self, forKey: .convolution3D),
                  im2colFlopsPerS: try c.decode(Double.self, forKey: .im2colFlopsPerS),
                  resampleFlopsPerS: try c.decode(Double.self, forKey: .resampleFlopsPerS),
                  upsampleFlopsPerS: try c.decode(Double.self, forKey: .upsampleFlopsPerS),
                  resample3DFlopsPerS: try c.decode(Double.self, forKey: .resample3DFlopsPerS),
                  upsample3DFlopsPerS: try c.decode(Double.self, forKey: .upsample3DFlopsPerS),
                  memoryBytesPerS: try c.decode(Double.self, forKey: .memoryBytesPerS),
                  parallelBeamForwardS: try c.decode(Double.self, forKey: .parallelBeamForwardS),
                  parallelBeamAdjointS: try c.decode(Double.self, forKey: .parallelBeamAdjointS),
                  coneBeamForwardS: try c.decode(Double.self, forKey: .coneBeamForwardS),
                  coneBeamAdjointS: try c.decode(Double.self, forKey: .coneBeamAdjointS),
                  fftS: try c.decode(Double.self, forKey: .fftS))
        network2DCorrection = try c.decodeIfPresent(CorrectionTable.self, forKey: .network2DCorrection) ?? CorrectionTable(1)
        network3DCorrection = try c.decodeIfPresent(CorrectionTable.self, forKey: .network3DCorrection) ?? CorrectionTable(1)
    }

    public init(threads: Int, convolution2D: [ConvolutionRate], convolution3D: [ConvolutionRate], im2colFlopsPerS: Double,
                resampleFlopsPerS: Double, upsampleFlopsPerS: Double, resample3DFlopsPerS: Double, upsample3DFlopsPerS: Double,
                memoryBytesPerS: Double, parallelBeamForwardS: Double, parallelBeamAdjointS: Double,
                coneBeamForwardS: Double, coneBeamAdjointS: Double, fftS: Double) {
        self.threads = threads
        self.convolution2D = convolution2D.sorted { $0.channels < $1.channels }
        self.convolution3D = convolution3D.sorted { $0.channels < $1.channels }
        self.im2colFlopsPerS = im2colFlopsPerS
        self.resampleFlopsPerS = resampleFlopsPerS
        self.upsampleFlopsPerS = upsampleFlopsPerS
        self.resample3DFlopsPerS = resample3DFlopsPerS
        self.upsample3DFlopsPerS = upsample3DFlopsPerS
        self.memoryBytesPerS = memoryBytesPerS
        self.parallelBeamForwardS = parallelBeamForwardS
        self.parallelBeamAdjointS = parallelBeamAdjointS
        self.coneBeamForwardS = coneBeamForwardS
        self.coneBeamAdjointS = coneBeamAdjointS
        self.fftS = fftS
    }

    /// Refuses a rate ≤ 0 or an empty table, naming the field after `path`.
    func validate(source path: String) throws {
        guard threads > 0 else { throw PlannerError("\(path).threads: expected an int > 0, got \(threads)") }
        let values: [(String, Double)] = [
            ("im2col_flops_per_s", im2colFlopsPerS), ("resample_flops_per_s", resampleFlopsPerS),
            ("upsample_flops_per_s", upsampleFlopsPerS), ("resample_3d_flops_per_s", resample3DFlopsPerS),
            ("upsample_3d_flops_per_s", upsample3DFlopsPerS),
            ("memory_bytes_per_s", memoryBytesPerS), ("parallel_beam_forward_s", parallelBeamForwardS),
            ("parallel_beam_adjoint_s", parallelBeamAdjointS), ("cone_beam_forward_s", coneBeamForwardS),
            ("cone_beam_adjoint_s", coneBeamAdjointS), ("fft_s", fftS),
        ]
        for (name, value) in values where !(value.isFinite && value > 0) {
            throw PlannerError("\(path).\(name): expected a number > 0, got \(value)")
        }
        try network2DCorrection.validate(source: "\(path).network_2d_correction")
        try network3DCorrection.validate(source: "\(path).network_3d_correction")
        for (name, table) in [("convolution_2d", convolution2D), ("convolution_3d", convolution3D)] {
            guard !table.isEmpty else { throw PlannerError("\(path).\(name): expected at least one channel count") }
            for (index, rate) in table.enumerated() { try rate.validate(source: "\(path).\(name)[\(index)]") }
        }
    }

    /// Every rate `weight` of the way from `self` to `other`, linearly in throughput (work per
    /// second), as the thread count grows: times are interpolated through their reciprocals.
    func interpolated(to other: KernelRates, weight: Double) -> KernelRates {
        func rate(_ a: Double, _ b: Double) -> Double { a + (b - a) * weight }
        func time(_ a: Double, _ b: Double) -> Double { 1 / rate(1 / a, 1 / b) }
        var result = KernelRates(
            threads: threads + Int((Double(other.threads - threads) * weight).rounded()),
            convolution2D: ConvolutionRate.interpolated(convolution2D, other.convolution2D, weight: weight),
            convolution3D: ConvolutionRate.interpolated(convolution3D, other.convolution3D, weight: weight),
            im2colFlopsPerS: rate(im2colFlopsPerS, other.im2colFlopsPerS), resampleFlopsPerS: rate(resampleFlopsPerS, other.resampleFlopsPerS),
            upsampleFlopsPerS: rate(upsampleFlopsPerS, other.upsampleFlopsPerS),
            resample3DFlopsPerS: rate(resample3DFlopsPerS, other.resample3DFlopsPerS),
            upsample3DFlopsPerS: rate(upsample3DFlopsPerS, other.upsample3DFlopsPerS),
            memoryBytesPerS: rate(memoryBytesPerS, other.memoryBytesPerS),
            parallelBeamForwardS: time(parallelBeamForwardS, other.parallelBeamForwardS),
            parallelBeamAdjointS: time(parallelBeamAdjointS, other.parallelBeamAdjointS),
            coneBeamForwardS: time(coneBeamForwardS, other.coneBeamForwardS), coneBeamAdjointS: time(coneBeamAdjointS, other.coneBeamAdjointS),
            fftS: time(fftS, other.fftS))
        result.network2DCorrection = network2DCorrection.interpolated(to: other.network2DCorrection, weight: weight)
        result.network3DCorrection = network3DCorrection.interpolated(to: other.network3DCorrection, weight: weight)
        return result
    }

    /// Every kernel `factor` times slower.
    func slowed(by factor: Double) -> KernelRates {
        var result = KernelRates(threads: threads, convolution2D: convolution2D.map { $0.slowed(by: factor) },
                    convolution3D: convolution3D.map { $0.slowed(by: factor) },
                    im2colFlopsPerS: im2colFlopsPerS / factor, resampleFlopsPerS: resampleFlopsPerS / factor,
                    upsampleFlopsPerS: upsampleFlopsPerS / factor, resample3DFlopsPerS: resample3DFlopsPerS / factor,
                    upsample3DFlopsPerS: upsample3DFlopsPerS / factor,
                    memoryBytesPerS: memoryBytesPerS / factor, parallelBeamForwardS: parallelBeamForwardS * factor,
                    parallelBeamAdjointS: parallelBeamAdjointS * factor, coneBeamForwardS: coneBeamForwardS * factor,
                    coneBeamAdjointS: coneBeamAdjointS * factor, fftS: fftS * factor)
        (result.network2DCorrection, result.network3DCorrection) = (network2DCorrection, network3DCorrection)
        return result
    }
}
