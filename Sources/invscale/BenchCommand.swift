import ArgumentParser
import Bench
import FoundationEssentials

/// `invscale bench …`: timings of the building blocks, as text or one JSON object.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Time the building blocks (median, min and max of repeated runs).",
        subcommands: [BenchProjector.self])
}

/// `invscale bench projector`: forward and adjoint of the 2-D parallel-beam projector.
struct BenchProjector: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projector", abstract: "Time ParallelBeam2D forward and adjoint on one N×N image.")

    @Option(help: "Image side N.") var size: Int = 512
    @Option(help: "Number of angles, uniform in [0°, 180°).") var angles: Int = 100
    @Flag(help: "Full detector (ceil(√2·N) cells) instead of circle mode.") var full = false
    @Option(help: "Timed repetitions after one warm-up.") var reps: Int = 5
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard size > 0 else { throw ValidationError("--size: expected a positive integer, got \(size)") }
        guard angles > 0 else { throw ValidationError("--angles: expected a positive integer, got \(angles)") }
        guard reps > 0 else { throw ValidationError("--reps: expected a positive integer, got \(reps)") }
    }

    func run() throws {
        try runtime.configure()
        let report = try ProjectorBenchmark.run(size: size, angles: angles, circle: !full, repetitions: reps)
        if json {
            print(try JSONOutput.string(report))
        } else {
            print("projector N=\(report.size) angles=\(report.angles) detectors=\(report.detectors) threads=\(report.threads)")
            for name in ["forward", "adjoint"] {
                if let stats = report.cases[name] { print("  \(name): \(Format.seconds(stats))") }
            }
            if let rss = report.peak_rss_mb { print("  peak RSS: \(Int(rss.rounded())) MiB") }
        }
    }
}
