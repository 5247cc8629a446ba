/// Text made safe for SVG/HTML content and attribute values.
public enum SVGText {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A pixel coordinate with one decimal ("12.5", "-3", never "1e-05").
    public static func coordinate(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let whole = Int(tenths / 10), fraction = Int(abs(tenths).truncatingRemainder(dividingBy: 10))
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}

/// The colours of series, in order (colour-blind-safe Okabe–Ito palette).
public enum ChartPalette {
    public static let colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

    /// The colour of series `index` (cycling).
    public static func colour(_ index: Int) -> String { colours[index % colours.count] }
}
