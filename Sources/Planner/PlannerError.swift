/// A planner problem as one line: a profile that cannot be read, a run predicted not to fit.
public struct PlannerError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// A decoding error as "field: what was wrong".
    static func describe(decoding error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return (context.codingPath + [key]).map(\.stringValue).joined(separator: ".") + ": missing"
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            return context.codingPath.map(\.stringValue).joined(separator: ".") + ": expected \(type)"
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return "\(error)"
        }
    }
}
