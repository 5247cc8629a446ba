import FoundationEssentials
import SafeFiles

extension MachineProfile {
    /// What `--plan` uses without a calibrated profile: about half the speed of a 2-core
    /// development machine of 2026 (AMD EPYC Zen 4) at every kernel, and its baseline memory with
    /// a quarter more, so that predictions err towards more time and more memory.
    public static func conservativeDefaults(cores: Int, memoryMB: Double) -> MachineProfile {
        func convolutions(_ channels: [Int], positions: [Int], callPerChannelSquared: Double, secondsPerMAC: Double,
                          taps: Double) -> [ConvolutionRate] {
            channels.map { c in
                let work = Double(c * c) * taps
                return ConvolutionRate(channels: c, callS: callPerChannelSquared * Double(c * c),
                                       perPosition: positions.map { SizedRate(positions: $0, seconds: 2 * work * secondsPerMAC) })
            }
        }
        let one = KernelRates(
            threads: 1,
            convolution2D: convolutions([16, 32, 64, 128, 256, 512], positions: [4096], callPerChannelSquared: 4e-8,
                                        secondsPerMAC: 1 / 40e9, taps: 9),
            convolution3D: convolutions([8, 16, 32, 64, 128], positions: [32_768], callPerChannelSquared: 1.2e-7,
                                        secondsPerMAC: 1 / 40e9, taps: 27),
            im2colFlopsPerS: 10e9, resampleFlopsPerS: 15e9, upsampleFlopsPerS: 8e9, resample3DFlopsPerS: 15e9,
            upsample3DFlopsPerS: 5e9, memoryBytesPerS: 5e9,
            parallelBeamForwardS: 2.5e-9, parallelBeamAdjointS: 3e-9, coneBeamForwardS: 3.5e-9, coneBeamAdjointS: 5e-9,
            fftS: 1.5e-9)
        var rates = [one]
        if cores > 1 { rates.append(one.sped(by: 0.8 * Double(cores), threads: cores)) }
        return MachineProfile(source: "conservative defaults (no calibrated profile: run invscale calibrate)", cores: cores,
                              memoryMB: memoryMB, baselineRSSMB: 60, mpiRankRSSMB: 40, rates: rates,
                              allReduceLatencyS: 50e-6, allReduceBytesPerS: 1e9)
    }

    /// The profile at `path`, or when `path` is nil the calibrated one in the cache folder, else the
    /// conservative defaults for this machine with a note saying so.
    public static func resolve(path: String?, cacheFolder: String, cores: Int, memoryMB: Double) throws -> (MachineProfile, note: String?) {
        if let path { return (try load(path: path), nil) }
        let cached = defaultPath(cacheFolder: cacheFolder)
        if FileManager.default.fileExists(atPath: cached) { return (try load(path: cached), nil) }
        return (conservativeDefaults(cores: cores, memoryMB: memoryMB),
                "no machine profile at \(cached): predictions use conservative defaults (invscale calibrate measures this machine)")
    }

    /// The profile as pretty-printed JSON with sorted keys, written atomically to `path`.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileWriter.write(Array(try encoder.encode(self)), to: path)
    }
}

extension KernelRates {
    /// Every kernel `factor` times faster, labelled `threads`.
    func sped(by factor: Double, threads: Int) -> KernelRates {
        var result = slowed(by: 1 / factor)
        result.threads = threads
        return result
    }
}
