/// The type a parameter accepts.
public enum ParameterType: String, Sendable, Codable, CaseIterable {
    /// A whole number.
    case int
    /// A number; ints are accepted and stored as doubles.
    case float
    /// `true` or `false`.
    case bool
    /// Text.
    case string
    /// A number or `null` ("not set").
    case floatOrNull = "float or null"
    /// An int, or a list of ints with one entry per image dimension (`[8, 256, 256]`).
    case intOrIntList = "int or int list"
    /// An int, or `auto` (the planner chooses).
    case intOrAuto = "int or auto"

    /// The word an `intOrAuto` parameter takes for "the planner chooses".
    public static let auto = "auto"

    /// Whether a YAML list written for this parameter is one value rather than a grid axis:
    /// only a list of scalars given to an `intOrIntList` parameter.
    func takesListAsValue(_ elements: [ParameterValue]) -> Bool {
        self == .intOrIntList && !elements.contains { $0.listValue != nil }
    }

    /// `value` in this type's canonical form (ints become doubles for floats, a one-int list its
    /// int), or nil when the value has the wrong type.
    func accept(_ value: ParameterValue) -> ParameterValue? {
        switch (self, value) {
        case (.int, .int), (.bool, .bool), (.string, .string), (.floatOrNull, .null): return value
        case (.float, _), (.floatOrNull, _): return value.doubleValue.map(ParameterValue.double)
        case (.intOrIntList, .int), (.intOrAuto, .int): return value
        case (.intOrAuto, .string(let text)): return text == Self.auto ? value : nil
        case (.intOrIntList, .list(let values)):
            guard let ints = value.intList, !ints.isEmpty else { return nil }
            return ints.count == 1 ? values[0] : value
        default: return nil
        }
    }
}

/// The smallest value a numeric parameter accepts (each entry, for a list).
public enum ParameterBound: String, Sendable, Codable {
    /// Any number.
    case none
    /// Zero or more.
    case nonNegative = "≥ 0"
    /// More than zero.
    case positive = "> 0"

    /// Whether `number` lies within the bound.
    func admits(_ number: Double) -> Bool {
        switch self {
        case .none: true
        case .nonNegative: number >= 0
        case .positive: number > 0
        }
    }
}

/// One parameter of a dataset or solver: its name, type, default and meaning.
public struct ParameterSpec: Sendable, Equatable, Codable {
    /// The name used in experiment files.
    public let name: String
    /// The accepted type.
    public let type: ParameterType
    /// The value a run gets when the file does not set the parameter.
    public let defaultValue: ParameterValue
    /// One line saying what the parameter does.
    public let meaning: String
    /// The accepted strings, for a parameter with a fixed set of choices; empty otherwise.
    public let choices: [String]
    /// The smallest accepted number.
    public let bound: ParameterBound
    /// The largest accepted number, for parameters whose size multiplies (process counts); nil
    /// when only memory limits it.
    public let maximum: Int?

    /// A parameter; `choices`, `bound` and `maximum` restrict the accepted values.
    public init(_ name: String, _ type: ParameterType, _ defaultValue: ParameterValue, _ meaning: String,
                choices: [String] = [], bound: ParameterBound = .none, maximum: Int? = nil) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.meaning = meaning
        self.choices = choices
        self.bound = bound
        self.maximum = maximum
    }

    /// `value` in canonical form; throws a sentence saying what was expected instead.
    func canonical(_ value: ParameterValue) throws(ValueProblem) -> ParameterValue {
        guard let accepted = type.accept(value) else {
            throw ValueProblem("expected \(expectation), got \(value.typedDescription)")
        }
        if !choices.isEmpty, let text = accepted.stringValue, !choices.contains(text) {
            let hint = Suggestion.didYouMean(text, among: choices)
            throw ValueProblem("expected one of \(choices.joined(separator: ", ")), got '\(text)'\(hint)")
        }
        let elements = accepted.listValue ?? [accepted]
        if let infinite = elements.compactMap(\.doubleValue).first(where: { !$0.isFinite }) {
            throw ValueProblem("expected a finite number, got \(infinite); .inf and .nan are not accepted")
        }
        if let outside = elements.first(where: { element in
            element.doubleValue.map { number in !bound.admits(number) || maximum.map { number > Double($0) } == true } ?? false
        }) {
            throw ValueProblem("expected \(expectation), got \(outside.intValue.map(String.init) ?? outside.compactNumber)")
        }
        return accepted
    }

    private enum CodingKeys: String, CodingKey {
        case name, type, meaning, choices, bound, maximum
        case defaultValue = "default_value"
    }

    /// "an int ≥ 0", "one of drunet, tv", … for error messages.
    public var expectation: String {
        if !choices.isEmpty { return "one of \(choices.joined(separator: ", "))" }
        let base = switch type {
        case .int: "an int"
        case .float: "a number"
        case .bool: "true or false"
        case .string: "a string"
        case .floatOrNull: "a number or null"
        case .intOrIntList: "an int or a list of ints"
        case .intOrAuto: "an int"
        }
        let lower = bound == .none ? base : "\(base) \(bound.rawValue)"
        let bounded = maximum.map { "\(lower) and ≤ \($0)" } ?? lower
        return type == .intOrAuto ? "\(bounded) or \(ParameterType.auto)" : bounded
    }
}

/// Why a value was refused, as a sentence for a `ConfigError`.
struct ValueProblem: Error {
    /// The sentence.
    let message: String

    init(_ message: String) { self.message = message }
}

extension ParameterValue {
    /// "int", "float", "bool", "string", "list" or "null", for error messages.
    var kindName: String {
        switch self {
        case .int: "int"
        case .double: "float"
        case .bool: "bool"
        case .string: "string"
        case .list: "list"
        case .null: "null"
        }
    }

    /// "int 5", "string tv", "list [1, 2]" or "null", for error messages.
    var typedDescription: String { self == .null ? "null" : "\(kindName) \(description)" }

    /// A number written without a trailing `.0` when whole (`-3`, `0.5`).
    var compactNumber: String {
        guard let number = doubleValue, number.rounded() == number, abs(number) < 1e15 else { return description }
        return "\(Int(number))"
    }
}
