/// Typed reads of one component's parameters, each asked for by its declaration
/// (`ParameterSpec`), so that a parameter's name is written only where it is declared. A value
/// the run does not hold takes the declaration's default; a value of the wrong type throws a
/// `RunModelError` naming the parameter.
public struct ParameterSet: Sendable {
    /// The run's values, by parameter name.
    public let values: [String: ParameterValue]

    public init(_ values: [String: ParameterValue]) { self.values = values }

    /// The run's value of `parameter`, else its default.
    public func value(_ parameter: ParameterSpec) -> ParameterValue {
        values[parameter.name] ?? parameter.defaultValue
    }

    public func int(_ parameter: ParameterSpec) throws(RunModelError) -> Int {
        guard let number = value(parameter).intValue else { throw wrong(parameter) }
        return number
    }

    /// nil for `null`.
    public func optionalDouble(_ parameter: ParameterSpec) throws(RunModelError) -> Double? {
        let raw = value(parameter)
        guard !raw.isNull else { return nil }
        guard let number = raw.doubleValue else { throw wrong(parameter) }
        return number
    }

    public func double(_ parameter: ParameterSpec) throws(RunModelError) -> Double {
        guard let number = try optionalDouble(parameter) else { throw wrong(parameter) }
        return number
    }

    public func bool(_ parameter: ParameterSpec) throws(RunModelError) -> Bool {
        guard let flag = value(parameter).boolValue else { throw wrong(parameter) }
        return flag
    }

    public func string(_ parameter: ParameterSpec) throws(RunModelError) -> String {
        guard let text = value(parameter).stringValue else { throw wrong(parameter) }
        return text
    }

    /// An int as a one-entry list, or a list of ints.
    public func intList(_ parameter: ParameterSpec) throws(RunModelError) -> [Int] {
        guard let list = value(parameter).intList, !list.isEmpty else { throw wrong(parameter) }
        return list
    }

    /// One of `choices`, by its raw value.
    public func choice<T: RawRepresentable>(_ parameter: ParameterSpec, as type: T.Type) throws(RunModelError) -> T
    where T.RawValue == String {
        guard let choice = T(rawValue: try string(parameter)) else { throw wrong(parameter) }
        return choice
    }

    private func wrong(_ parameter: ParameterSpec) -> RunModelError {
        .parameter(parameter.name, parameter.expectation, values[parameter.name])
    }
}
