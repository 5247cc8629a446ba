import Communication
import Experiment
import Figures
import Formats
import FoundationEssentials
import Measurement
import Results
import Solvers
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// Runs one run, in one process or as one rank of several, and writes its results into `folder`
/// as they are produced (names in `RunFolder`): rank 0 writes `run.json` (status running →
/// finished / failed / interrupted), the dataset preview, the last and first iterates and the
/// comparison figure; every rank writes its CSV (one row per iteration, flushed; PSNR/SSIM only
/// on rank 0).
///
/// The solver owns its iterations (`IterativeSolver.solve`), built by the run's solver declaration;
/// the runner sets the run up, records what the solver's loop reports through its
/// `IterationRecorder`, and writes the end.
public enum SolverRunner {
    /// Runs `spec` as rank `communicator.rank`; `progress` sees every row this rank writes. Errors
    /// are recorded in run.json (status failed) by rank 0 and rethrown.
    @discardableResult
    public static func run(_ spec: RunSpec, in folder: String, communicator: any Communicator = LocalCommunicator(),
                           progress: (IterationRecord) -> Void = { _ in }) throws -> RunRecord {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = RunFolder(folder)
        let isRoot = communicator.rank == 0
        var record = RunRecord(spec: spec)
        record.processes = communicator.size
        record.prediction = isRoot ? RunPrediction.read(from: files.predictionFile) : nil
        record.slurmJobID = getenv("SLURM_JOB_ID").map { String(cString: $0) }
        if isRoot { try record.writePublishingEmergencyCopies(to: files.recordFile) }
        do {
            try withoutActuallyEscaping(progress) { progress in
                try execute(spec, files: files, communicator: communicator, record: &record, progress: progress)
            }
        } catch {
            record.status = .failed
            record.error = communicator.size > 1 ? "rank \(communicator.rank): \(error)" : "\(error)"
            record.finished = Date.now.ISO8601Format()
            if isRoot { try? record.writePublishingEmergencyCopies(to: files.recordFile) }
            throw error
        }
        return record
    }

    private static func execute(_ spec: RunSpec, files: RunFolder, communicator: any Communicator, record: inout RunRecord,
                                progress: @escaping (IterationRecord) -> Void) throws {
        let isRoot = communicator.rank == 0
        ResidentPeak.startRun()
        let setupStart = Stopwatch.now()
        let problem = try RunProblem(spec: spec, communicator: communicator)
        // Rank 0 looks the norm up; one all-reduce tells every rank whether to estimate it.
        let norms = OperatorNormCache(runFolder: files.path), normKey = OperatorNormCache.key(spec, source: problem.data.source)
        var known = [isRoot ? norms.value(for: normKey) ?? 0 : 0]
        try communicator.allReduce(&known, .max)
        let solver = try problem.model.solver.makeSolver(fidelity: problem.data.fidelity, denoiser: problem.denoiser,
                                                         valueRange: problem.data.valueRange,
                                                         knownNormSquared: known[0] > 0 ? known[0] : nil)
        if isRoot, known[0] == 0, let norm = solver.normSquared { try norms.store(norm, for: normKey) }
        let initialisation = problem.model.solver.initialisation
        var x = try solver.initialImage(initialisation, fbp: problem.data.filteredBackProjection)
        let initial = x
        record.setupSeconds = Stopwatch.now() - setupStart
        record.setupCommSeconds = communicator.takeCommunicationSeconds()
        record.denoiser = problem.denoiserDescription
        record.tileWindows = problem.tileWindows
        record.dataSource = problem.data.source
        record.operators = problem.data.operatorDescription
        record.stepSize = solver.step
        record.normSquared = solver.normSquared
        record.normSquaredCached = known[0] > 0 ? true : nil
        if isRoot {
            record.initialPSNR = try problem.score(x).psnr
            try record.writePublishingEmergencyCopies(to: files.recordFile)
            try problem.data.writePreview(files.previewFile)
        }

        let csv = try CSVAppender(path: files.metricsFile(rank: communicator.rank), columns: MetricsColumn.header)
        var recorder = IterationRecorder(problem: problem, communicator: communicator, csv: csv, recordPath: files.recordFile,
                                         record: record, progress: progress)
        do {
            // The iterations reuse each other's tensor pages: only the first one faults them in.
            try TensorMemory.reusingMappings { _ = try solver.solve(&x, maxIterations: spec.maxIterations, observer: &recorder) }
            record = recorder.record
        } catch {
            record = recorder.record
            throw error
        }
        if record.status == .running {
            record.status = .finished
            if let limit = solver.iterationLimit, limit < spec.maxIterations, record.iterations == limit {
                record.stopReason = "\(spec.solver) is \(limit) iterations long (its schedule)"
            }
        }
        var peaks = [ResidentPeak.bytes.map { Double($0) / 1_048_576 } ?? 0]
        record.peakRSSMB = peaks[0]
        try communicator.allReduce(&peaks, .max)
        record.peakRSSMBMaxRank = peaks[0]
        guard isRoot else { return }
        guard record.status != .failed else {
            record.finished = Date.now.ISO8601Format()
            return try record.writePublishingEmergencyCopies(to: files.recordFile)
        }
        try NPY.write(x, to: files.reconstructionFile)
        try NPY.write(initial, to: files.initialFile)
        func caption(_ image: Tensor) throws -> String {
            let scores = try problem.score(image)
            return NumberText.fixed(scores.psnr, digits: 2) + " dB · SSIM " + NumberText.fixed(scores.ssim, digits: 3)
        }
        try ComparisonFigure.write(truth: problem.data.groundTruth, initial: initial, reconstruction: x, range: problem.data.valueRange,
                                   initialCaption: ["start: " + initialisation.rawValue, try caption(initial)],
                                   reconstructionCaption: ["after \(record.iterations) iterations", try caption(x)],
                                   to: files.comparisonFile)
        record.finished = Date.now.ISO8601Format()
        try record.writePublishingEmergencyCopies(to: files.recordFile)
    }
}
