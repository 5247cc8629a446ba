import FoundationEssentials

/// A result file (run record, run specification) that cannot be read, naming the file.
public struct ResultsError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// A decoding error in a few words: the field and what was wrong.
    public static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case let .keyNotFound(key, context)?: return "missing field '\((path(context).isEmpty ? "" : path(context) + ".") + key.stringValue)'"
        case let .typeMismatch(type, context)?: return "field '\(path(context))': expected \(type)"
        case let .valueNotFound(type, context)?: return "field '\(path(context))': expected \(type), got null"
        case .dataCorrupted?: return "not valid JSON"
        default: return "\(error)"
        }
    }
}
