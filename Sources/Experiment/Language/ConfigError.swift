import Tensor

/// A mistake in an experiment or parallel-configuration file, found before anything runs.
///
/// The description names the file, the line, the field and what was expected, e.g.
/// `tomography_2d.yml:12: dataset.tomography_2d.img_sise: unknown parameter; expected one of
/// img_size, …; did you mean 'img_size'?`.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as the caller named it.
    public let file: String
    /// The 1-based line of the offending text; nil when the whole file is at fault (unreadable).
    public let line: Int?
    /// The dotted path of the field, e.g. `solver.PnP.patch_size` or `max-runs`.
    public let field: String
    /// What was wrong and what was expected, without the location.
    public let message: String

    /// An error at `line` of `file` about `field`; control characters quoted from the input (an
    /// ESC in a binary file, a line break in a key) are written as `\u{1B}`, so the message stays one
    /// harmless line.
    public init(file: String, line: Int?, field: String, _ message: String) {
        self.file = file.escapingControlCharacters
        self.line = line
        self.field = field.escapingControlCharacters
        self.message = message.escapingControlCharacters
    }

    /// `file:line: field: message` (`file: field: message` without a line).
    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}

/// "Did you mean …?" hints for misspelt names.
enum Suggestion {
    /// `"; did you mean 'closest'?"` when one of `candidates` is within a few edits of `name`
    /// (case differences count as half an edit), else an empty string.
    static func didYouMean(_ name: String, among candidates: [String]) -> String {
        let scored = candidates.map { ($0, distance(name, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }),
              best.1 <= max(2, Double(name.count) / 3), best.1 < Double(name.count) else { return "" }
        return "; did you mean '\(best.0)'?"
    }

    /// Levenshtein distance where substituting a letter by its other case costs 0.5.
    static func distance(_ left: String, _ right: String) -> Double {
        let a = Array(left), b = Array(right)
        var previous = (0...b.count).map(Double.init)
        for i in a.indices {
            var current = [Double(i + 1)]
            for j in b.indices {
                let substitution = a[i] == b[j] ? 0 : a[i].lowercased() == b[j].lowercased() ? 0.5 : 1
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + substitution))
            }
            previous = current
        }
        return previous[b.count]
    }
}
