import Figures
import Results

/// The progress line of one iteration, the same for in-process and launched runs.
public enum ProgressLine {
    public static func text(_ row: IterationRecord, maxIterations: Int) -> String {
        let perIteration = row.cumulativeSeconds / Double(max(row.iteration, 1))
        let remaining = perIteration * Double(maxIterations - row.iteration)
        let comm = row.communicationSeconds > 0 ? ", comm \(format(row.communicationSeconds, 3))" : ""
        return "  it \(row.iteration)/\(maxIterations)  PSNR \(format(row.psnr ?? .nan, 2)) dB  SSIM \(format(row.ssim ?? .nan, 3))  "
            + "\(format(row.iterationSeconds, 3)) s/it (gradient \(format(row.gradient.seconds, 3)), denoiser \(format(row.denoise.seconds, 3))\(comm))  "
            + "ETA \(format(remaining, 0)) s"
    }

    /// `value` with `digits` decimals, or "–" when it is not finite.
    public static func format(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? NumberText.fixed(value, digits: digits) : "–"
    }
}
