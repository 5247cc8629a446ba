import Communication
import Solvers
import Experiment
import Measurement
import Results
import Tensor

/// The runner's side of a solver's loop (`IterationObserver`): times each step and its
/// collectives, scores the iterate (rank 0), agrees with the other ranks on whether to stop,
/// appends the rank's CSV row and updates the record (rank 0 rewrites `run.json`).
///
/// The ranks agree after every iteration, in one small all-reduce (max) of [a signal number
/// received on any rank, rank 0's stop decision, a non-finite value in this rank's iterate], so a
/// SIGTERM to any of them stops all at the same iteration with every row written, and a diverging
/// run ends as `failed: diverged at iteration k` with its rows kept.
struct IterationRecorder: IterationObserver {
    let problem: RunProblem
    let communicator: any Communicator
    let csv: CSVAppender
    let recordPath: String
    let progress: (IterationRecord) -> Void
    /// The run's record, updated after every iteration.
    var record: RunRecord
    var stopping: StoppingRule
    let fault = DebugFault.current
    /// Solver time since the loop started (evaluation excluded).
    private var elapsed = 0.0
    private var iterationStart = 0.0
    private var gradient = StepMeasurement(), denoise = StepMeasurement()
    private var gradientComm = 0.0, denoiseComm = 0.0

    init(problem: RunProblem, communicator: any Communicator, csv: CSVAppender, recordPath: String, record: RunRecord,
         progress: @escaping (IterationRecord) -> Void) {
        (self.problem, self.communicator, self.csv, self.recordPath) = (problem, communicator, csv, recordPath)
        (self.record, self.progress) = (record, progress)
        stopping = problem.model.stopping
    }

    mutating func run(_ step: SolverStep, iteration: Int, _ body: () throws -> Void) throws {
        switch step {
        case .gradient:
            iterationStart = Stopwatch.now()
            gradient = try StepMeasurement.measure(body)
            gradientComm = communicator.takeCommunicationSeconds()
        case .denoise:
            denoise = try StepMeasurement.measure(body)
            denoiseComm = communicator.takeCommunicationSeconds()
        }
    }

    mutating func shouldContinue(after iteration: Int, iterate x: Tensor) throws -> Bool {
        let isRoot = communicator.rank == 0
        try fault?.trigger(rank: communicator.rank, iteration: iteration)
        elapsed += gradient.seconds + denoise.seconds
        let quality = isRoot ? try problem.score(x) : nil
        let reason = quality.flatMap { stopping.stop(after: $0.psnr, iteration: iteration) }
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
        (record.finalPSNR, record.finalSSIM, record.finalMSE) = (quality?.psnr, quality?.ssim, quality?.mse)
        record.solverSeconds = elapsed
        record.commSeconds += row.communicationSeconds
        if isRoot { try record.writePublishingEmergencyCopies(to: recordPath) }
        progress(row)
        if decision[2] > 0 {
            record.status = .failed
            record.error = "diverged at iteration \(iteration): the iterate holds values that are not finite (NaN or ±inf); a smaller step_size may help"
            return false
        }
        if decision[0] > 0 {
            record.status = .interrupted
            record.error = "stopped by signal \(Int(decision[0])) after iteration \(iteration)"
            return false
        }
        if decision[1] > 0 {
            record.status = .finished
            record.stopReason = reason
            return false
        }
        return true
    }
}
