/// One parameter value of an experiment file: a YAML scalar or a list of values.
///
/// Encoded as the plain JSON value (`0.01`, `true`, `[8, 256, 256]`, `null`). JSON does not keep
/// the difference between `2` and `2.0`, so a whole double decodes as an int; `doubleValue`
/// converts ints, so readers that ask for a double get the same number either way.
public enum ParameterValue: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// A whole number.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// `true` or `false` (YAML also reads `True`, `False`, `yes`, `no`, `on`, `off`).
    case bool(Bool)
    /// Text.
    case string(String)
    /// A list of values (a multi-dimensional size such as `[8, 256, 256]`).
    case list([ParameterValue])
    /// `null`, `~` or an empty value: "not set".
    case null

    /// The integer, for `.int` only.
    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The number, for `.double` and `.int` (converted).
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }

    /// The flag, for `.bool` only.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The text, for `.string` only.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements, for `.list` only.
    public var listValue: [ParameterValue]? {
        if case .list(let values) = self { return values }
        return nil
    }

    /// The integers of a list of ints, or `[value]` for a single int.
    public var intList: [Int]? {
        switch self {
        case .int(let value): return [value]
        case .list(let values):
            let ints = values.compactMap(\.intValue)
            return ints.count == values.count ? ints : nil
        default: return nil
        }
    }

    /// Whether this is `.null`.
    public var isNull: Bool { self == .null }

    /// The value written as in YAML flow style: `0.01`, `true`, `[8, 256, 256]`, `null`, `pnp`;
    /// strings that YAML would read as another type or that hold flow punctuation are quoted.
    public var description: String {
        switch self {
        case .int(let value): "\(value)"
        case .double(let value): "\(value)"
        case .bool(let value): "\(value)"
        case .null: "null"
        case .list(let values): "[\(values.map(\.description).joined(separator: ", "))]"
        case .string(let text): ParameterValue.needsQuotes(text) ? "\"\(text)\"" : text
        }
    }

    private static func needsQuotes(_ text: String) -> Bool {
        let plainMeaning = ["", "~", "null", "true", "false", "yes", "no", "on", "off"]
        return plainMeaning.contains(text.lowercased()) || Double(text) != nil
            || text.contains(where: { "[]{},#\"".contains($0) }) || text.contains(": ")
            || text.first?.isWhitespace == true || text.last?.isWhitespace == true
    }

    /// Reads a plain JSON value (null, bool, int, double, string or array, tried in that order).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .list(try container.decode([ParameterValue].self))
        }
    }

    /// Writes the plain JSON value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .list(let values): try container.encode(values)
        case .null: try container.encodeNil()
        }
    }
}
