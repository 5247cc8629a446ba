/// PSNR, SSIM and MSE of a batch, as `invscale metrics` prints them: means over the batch, and
/// the per-item values when there are several items.
public struct ImageScores: Codable, Sendable {
    public let psnr: Double
    public let ssim: Double
    public let mse: Double
    public let perItem: PerItem?

    private enum CodingKeys: String, CodingKey {
        case psnr, ssim, mse
        case perItem = "per_item"
    }

    /// Per-item values.
    public struct PerItem: Codable, Sendable {
        public let psnr: [Double]
        public let ssim: [Double]
        public let mse: [Double]
    }

    /// Scores from per-item lists of equal, non-zero length.
    public init(psnr: [Double], ssim: [Double], mse: [Double]) {
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        self.psnr = mean(psnr)
        self.ssim = mean(ssim)
        self.mse = mean(mse)
        perItem = psnr.count > 1 ? PerItem(psnr: psnr, ssim: ssim, mse: mse) : nil
    }
}
