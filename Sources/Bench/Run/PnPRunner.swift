import Datasets
import Distributed
import Formats
import FoundationEssentials
import Metrics
import Report
import Solvers
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// Runs one PnP run, in one process or as one rank of several, and writes its results into
/// `folder` as they are produced: rank 0 writes `run.json` (status running → finished / failed /
/// interrupted), `dataset_preview.png`, `reconstruction.npy`, `initial.npy` and `comparison.png`; every rank writes its
/// `metrics_rank<r>.csv` (one row per iteration, flushed; PSNR/SSIM only on rank 0).
///
/// The ranks agree after every iteration, in one small all-reduce, on whether to stop (a signal on
/// any rank, rank 0's stopping rule, or a non-finite iterate on any rank), so a SIGTERM to any of
/// them stops all at the same iteration with every row written, and a diverging run ends as
/// `failed: diverged at iteration k` with its rows kept.
public enum PnPRunner {
    /// Names of the files of a run folder.
    public static let recordFile = "run.json"
    public static func metricsFile(rank: Int) -> String { "metrics_rank\(rank).csv" }
    /// The dataset preview: ground truth beside the whole sinogram.
    public static let previewFile = "dataset_preview.png"

    /// Runs `spec` as rank `communicator.rank`; `progress` sees every row this rank writes. Errors
    /// are recorded in run.json (status failed) by rank 0 and rethrown.
    @discardableResult
    public static func run(_ spec: RunSpec, in folder: String, communicator: any Communicator = LocalCommunicator(),
                           progress: (IterationRecord) -> Void = { _ in }) throws -> RunRecordFile {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let recordPath = folder + "/" + recordFile
        let isRoot = communicator.rank == 0
        var record = RunRecordFile(spec: spec)
        record.processes = communicator.size
        record.slurm_job_id = getenv("SLURM_JOB_ID").map { String(cString: $0) }
        if isRoot { try record.write(to: recordPath) }
        do {
            try execute(spec, folder: folder, communicator: communicator, record: &record, recordPath: recordPath,
                        progress: progress)
        } catch {
            record.status = .failed
            record.error = communicator.size > 1 ? "rank \(communicator.rank): \(error)" : "\(error)"
            record.finished = Date.now.ISO8601Format()
            if isRoot { try? record.write(to: recordPath) }
            throw error
        }
        return record
    }

    private static func execute(_ spec: RunSpec, folder: String, communicator: any Communicator, record: inout RunRecordFile,
                                recordPath: String, progress: (IterationRecord) -> Void) throws {
        let isRoot = communicator.rank == 0
        let setupStart = Stopwatch.now()
        let built = try RunProblem(spec: spec, communicator: communicator)
        // Rank 0 looks the norm up; one all-reduce tells every rank whether to estimate it.
        let norms = OperatorNormCache(runFolder: folder), normKey = OperatorNormCache.key(spec, source: built.data.source)
        var known = [isRoot ? norms.value(for: normKey) ?? 0 : 0]
        try communicator.allReduce(&known, .max)
        let solver = try PnP(fidelity: built.data.fidelity, denoiser: built.denoiser, settings: built.settings,
                             knownNormSquared: known[0] > 0 ? known[0] : nil)
        if isRoot, known[0] == 0, let norm = solver.normSquared { try norms.store(norm, for: normKey) }
        var x = try solver.initialImage(built.initialisation, fbp: built.data.filteredBackProjection)
        let initial = x
        record.setup_seconds = Stopwatch.now() - setupStart
        record.setup_comm_seconds = communicator.takeCommunicationSeconds()
        record.denoiser = built.denoiserDescription
        record.tile_windows = built.tileWindows
        record.data_source = built.data.source
        record.operators = built.data.operatorDescription
        record.step_size = solver.step
        record.norm_squared = solver.normSquared
        record.norm_squared_cached = known[0] > 0 ? true : nil
        if isRoot {
            record.initial_psnr = try score(x, built).psnr
            try record.write(to: recordPath)
            try built.data.writePreview(folder + "/" + previewFile)
        }

        let csv = try CSVAppender(path: folder + "/" + metricsFile(rank: communicator.rank), columns: IterationRecord.columns)
        var stopping = StoppingRule(parameters: spec.solverParameters)
        var elapsed = 0.0
        let fault = DebugFault.current
        for iteration in 1...max(1, spec.maxIterations) {
            let iterationStart = Stopwatch.now()
            let gradient = try StepMeasurement.measure { try solver.gradientStep(&x) }
            let gradientComm = communicator.takeCommunicationSeconds()
            let denoise = try StepMeasurement.measure { try solver.denoiseStep(&x) }
            let denoiseComm = communicator.takeCommunicationSeconds()
            try fault?.trigger(rank: communicator.rank, iteration: iteration)
            elapsed += gradient.seconds + denoise.seconds
            let quality = isRoot ? try score(x, built) : nil
            let reason = quality.flatMap { stopping.stop(after: $0.psnr, iteration: iteration) }
            // One all-reduce (max): [a signal number received on any rank, rank 0's stop decision,
            // a non-finite value in this rank's iterate].
            var decision = [Double(Interruption.received ?? 0), reason == nil ? 0 : 1, x.sum().isFinite ? 0 : 1]
            try communicator.allReduce(&decision, .max)
            let row = IterationRecord(iteration: iteration, rank: communicator.rank, gradient: gradient, denoise: denoise,
                                      communicationSeconds: gradientComm + denoiseComm + communicator.takeCommunicationSeconds(),
                                      gradientCommunicationSeconds: gradientComm, denoiseCommunicationSeconds: denoiseComm,
                                      cumulativeSeconds: elapsed, psnr: quality?.psnr, ssim: quality?.ssim, mse: quality?.mse,
                                      residentMB: ProcessMemory.residentBytes().map { Double($0) / 1_048_576 },
                                      wallSeconds: Stopwatch.now() - iterationStart)
            try csv.append(row.fields)
            record.iterations = iteration
            (record.final_psnr, record.final_ssim, record.final_mse) = (quality?.psnr, quality?.ssim, quality?.mse)
            record.solver_seconds = elapsed
            record.comm_seconds += row.communicationSeconds
            if isRoot { try record.write(to: recordPath) }
            progress(row)
            if decision[2] > 0 {
                record.status = .failed
                record.error = "diverged at iteration \(iteration): the iterate holds values that are not finite (NaN or ±inf); a smaller step_size may help"
                break
            }
            if decision[0] > 0 {
                record.status = .interrupted
                record.error = "stopped by signal \(Int(decision[0])) after iteration \(iteration)"
                break
            }
            if decision[1] > 0 {
                record.status = .finished
                record.stop_reason = reason
                break
            }
        }
        if record.status == .running { record.status = .finished }
        var peaks = [ProcessMemory.peakResidentBytes().map { Double($0) / 1_048_576 } ?? 0]
        record.peak_rss_mb = peaks[0]
        try communicator.allReduce(&peaks, .max)
        record.peak_rss_mb_max_rank = peaks[0]
        guard isRoot else { return }
        guard record.status != .failed else {
            record.finished = Date.now.ISO8601Format()
            return try record.write(to: recordPath)
        }
        try NPY.write(x, to: folder + "/reconstruction.npy")
        try NPY.write(initial, to: folder + "/initial.npy")
        func caption(_ image: Tensor) throws -> String {
            let scores = try score(image, built)
            return NumberText.fixed(scores.psnr, digits: 2) + " dB · SSIM " + NumberText.fixed(scores.ssim, digits: 3)
        }
        try ComparisonFigure.write(truth: built.data.groundTruth, initial: initial, reconstruction: x, range: built.data.valueRange,
                                   initialCaption: ["start: " + built.initialisation.rawValue, try caption(initial)],
                                   reconstructionCaption: ["after \(record.iterations) iterations", try caption(x)],
                                   to: folder + "/comparison.png")
        record.finished = Date.now.ISO8601Format()
        try record.write(to: recordPath)
    }

    /// PSNR, SSIM and MSE over the dataset's value range.
    static func score(_ x: Tensor, _ problem: RunProblem) throws -> (psnr: Double, ssim: Double, mse: Double) {
        let (low, high) = (Double(problem.data.valueRange.lowerBound), Double(problem.data.valueRange.upperBound))
        return (try peakSignalToNoiseRatio(x, problem.data.groundTruth, maxPixel: high, minPixel: low)[0],
                try structuralSimilarity(x, problem.data.groundTruth, maxPixel: high, minPixel: low)[0],
                try meanSquaredError(x, problem.data.groundTruth)[0])
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
