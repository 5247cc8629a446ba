import Datasets
import Formats
import FoundationEssentials
import Metrics
import Solvers
import Tensor

/// Runs one PnP run in one process and writes its results into `folder` as they are produced:
/// `run.json` (status running → finished / failed / interrupted), `metrics_rank0.csv` (one row per
/// iteration, flushed), then `reconstruction.npy`, `initial.npy` and `comparison.png`.
public enum PnPRunner {
    /// Names of the files of a run folder.
    public static let recordFile = "run.json"
    public static func metricsFile(rank: Int) -> String { "metrics_rank\(rank).csv" }

    /// Runs `spec`; `progress` sees every record as it is written. Errors are recorded in run.json
    /// (status failed) and rethrown.
    @discardableResult
    public static func run(_ spec: RunSpec, in folder: String, progress: (IterationRecord) -> Void = { _ in }) throws -> RunRecordFile {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let recordPath = folder + "/" + recordFile
        var record = RunRecordFile(spec: spec)
        try record.write(to: recordPath)
        do {
            try execute(spec, folder: folder, record: &record, recordPath: recordPath, progress: progress)
        } catch {
            record.status = .failed
            record.error = "\(error)"
            record.finished = Date.now.ISO8601Format()
            try? record.write(to: recordPath)
            throw error
        }
        return record
    }

    private static func execute(_ spec: RunSpec, folder: String, record: inout RunRecordFile, recordPath: String,
                                progress: (IterationRecord) -> Void) throws {
        let setupStart = Stopwatch.now()
        let built = try RunProblem(spec: spec)
        let problem = built.problem
        let fidelity = try LeastSquaresFidelity(operators: problem.operators, measurements: problem.measurements,
                                                imageShape: problem.groundTruth.shape)
        let solver = try PnP(fidelity: fidelity, denoiser: built.denoiser, settings: built.settings)
        var x = try solver.initialImage(built.initialisation) { try problem.filteredBackProjection() }
        let initial = x
        record.setup_seconds = Stopwatch.now() - setupStart
        record.denoiser = built.denoiserDescription
        record.step_size = solver.step
        record.initial_psnr = try score(x, problem).psnr
        try record.write(to: recordPath)

        let csv = try CSVAppender(path: folder + "/" + metricsFile(rank: 0), columns: IterationRecord.columns)
        var stopping = StoppingRule(parameters: spec.solverParameters)
        var elapsed = 0.0
        for iteration in 1...max(1, spec.maxIterations) {
            let gradient = try StepMeasurement.measure { try solver.gradientStep(&x) }
            let denoise = try StepMeasurement.measure { try solver.denoiseStep(&x) }
            elapsed += gradient.seconds + denoise.seconds
            let quality = try score(x, problem)
            let row = IterationRecord(iteration: iteration, rank: 0, gradient: gradient, denoise: denoise,
                                      cumulativeSeconds: elapsed, psnr: quality.psnr, ssim: quality.ssim, mse: quality.mse,
                                      residentMB: ProcessMemory.residentBytes().map { Double($0) / 1_048_576 })
            try csv.append(row.fields)
            record.iterations = iteration
            (record.final_psnr, record.final_ssim, record.final_mse) = (quality.psnr, quality.ssim, quality.mse)
            record.solver_seconds = elapsed
            progress(row)
            if let signal = Interruption.received {
                record.status = .interrupted
                record.error = "stopped by signal \(signal) after iteration \(iteration)"
                break
            }
            if let reason = stopping.stop(after: quality.psnr, iteration: iteration) {
                record.status = .finished
                record.stop_reason = reason
                break
            }
        }
        if record.status == .running { record.status = .finished }
        try NPY.write(x, to: folder + "/reconstruction.npy")
        try NPY.write(initial, to: folder + "/initial.npy")
        try ComparisonFigure.write(truth: problem.groundTruth, initial: initial, reconstruction: x, range: problem.valueRange,
                                   to: folder + "/comparison.png")
        record.finished = Date.now.ISO8601Format()
        record.peak_rss_mb = ProcessMemory.peakResidentBytes().map { Double($0) / 1_048_576 }
        try record.write(to: recordPath)
    }

    /// PSNR, SSIM and MSE over the dataset's value range.
    static func score(_ x: Tensor, _ problem: Problem) throws -> (psnr: Double, ssim: Double, mse: Double) {
        let (low, high) = (Double(problem.valueRange.lowerBound), Double(problem.valueRange.upperBound))
        return (try peakSignalToNoiseRatio(x, problem.groundTruth, maxPixel: high, minPixel: low)[0],
                try structuralSimilarity(x, problem.groundTruth, maxPixel: high, minPixel: low)[0],
                try meanSquaredError(x, problem.groundTruth)[0])
    }
}

/// The optional early stops: `stop_psnr_target` (stop once PSNR reaches it) and `stop_patience`
/// (stop when PSNR has not improved on its best for that many iterations; 0 = off).
struct StoppingRule {
    let target: Double?
    let patience: Int
    private var best = -Double.infinity, bestIteration = 0

    init(parameters: [String: ParameterValue]) {
        target = parameters["stop_psnr_target"]?.doubleValue
        patience = parameters["stop_patience"]?.intValue ?? 0
    }

    /// Why to stop after an iteration with `psnr`, or nil to go on.
    mutating func stop(after psnr: Double, iteration: Int) -> String? {
        if let target, psnr >= target { return "PSNR target \(target) dB reached" }
        if psnr > best { (best, bestIteration) = (psnr, iteration) }
        if patience > 0, iteration - bestIteration >= patience { return "no PSNR gain for \(patience) iterations" }
        return nil
    }
}
