/// Numbers as text with a fixed number of decimals (String(format:) is not in
/// FoundationEssentials).
public enum NumberText {
    /// `value` with `digits` decimals; non-finite values as Swift prints them.
    public static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale), fraction = Int(scaled.truncatingRemainder(dividingBy: scale))
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let padded = String(repeating: "0", count: max(0, digits - String(fraction).count)) + String(fraction)
        return "\(sign)\(whole).\(padded)"
    }
}
