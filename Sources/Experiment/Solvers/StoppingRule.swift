/// The optional early stops every solver shares: `stop_psnr_target` (stop once the PSNR reaches
/// it) and `stop_patience` (stop when the PSNR has not improved on its best for that many
/// iterations; 0 = off).
public struct StoppingRule: Sendable {
    static let psnrTarget = ParameterSpec("stop_psnr_target", .floatOrNull, .null, "stop once the PSNR reaches this many dB; null = off")
    static let patience = ParameterSpec("stop_patience", .int, .int(0), "stop after this many iterations without PSNR gain; 0 = off",
                                        bound: .nonNegative)

    public let target: Double?
    public let patience: Int
    private var best = -Double.infinity, bestIteration = 0

    public init(_ parameters: ParameterSet) throws(RunModelError) {
        target = try parameters.optionalDouble(Self.psnrTarget)
        patience = try parameters.int(Self.patience)
    }

    /// Why to stop after an iteration with `psnr`, or nil to go on.
    public mutating func stop(after psnr: Double, iteration: Int) -> String? {
        if let target, psnr >= target { return "PSNR target \(target) dB reached" }
        if psnr > best { (best, bestIteration) = (psnr, iteration) }
        if patience > 0, iteration - bestIteration >= patience { return "no PSNR gain for \(patience) iterations" }
        return nil
    }
}
