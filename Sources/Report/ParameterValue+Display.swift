import Experiment
import Figures

extension ParameterValue {
    /// The value as the report shows it: numbers through `NiceScale.format` (`5000`, `0.01`),
    /// text unquoted, lists in brackets.
    var displayText: String {
        switch self {
        case .int, .double: doubleValue.map(NiceScale.format) ?? description
        case let .string(text): text
        case let .bool(flag): "\(flag)"
        case let .list(values): "[" + values.map(\.displayText).joined(separator: ", ") + "]"
        case .null: "null"
        }
    }
}
