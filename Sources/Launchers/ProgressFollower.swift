import FoundationEssentials
import Measurement
import Results

/// Reads the rows rank 0 appends to `metrics_rank0.csv` while a launched run goes on, so the
/// launcher can print the same progress lines as an in-process run.
struct ProgressFollower {
    private let path: String
    private var consumed = 0
    private var header: [String: Int] = [:]

    /// Follows the rank-0 CSV of `folder`.
    init(folder: RunFolder) { path = folder.metricsFile(rank: 0) }

    /// The complete rows written since the last call, as records (steps' times, PSNR, SSIM and
    /// communication filled in).
    mutating func newRows() -> [IterationRecord] {
        guard let data = FileManager.default.contents(atPath: path), data.count > consumed else { return [] }
        let fresh = data[consumed...]
        guard let lastNewline = fresh.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        consumed = lastNewline + 1
        var rows: [IterationRecord] = []
        for line in String(decoding: fresh[..<lastNewline], as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if header.isEmpty {
                header = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1, $0) })
                continue
            }
            func value(_ name: String) -> Double? { header[name].flatMap { $0 < fields.count ? Double(fields[$0]) : nil } }
            var gradient = StepMeasurement(), denoise = StepMeasurement()
            gradient.seconds = value("gradient_time_sec") ?? 0
            denoise.seconds = value("denoise_time_sec") ?? 0
            rows.append(IterationRecord(iteration: Int(value("iteration") ?? 0), rank: 0, gradient: gradient, denoise: denoise,
                                        communicationSeconds: value("comm_time_sec") ?? 0,
                                        cumulativeSeconds: value("time_sec") ?? 0, psnr: value("psnr"), ssim: value("ssim")))
        }
        return rows
    }
}
