/// Why a run's description cannot be turned into a run.
public enum RunModelError: Error, CustomStringConvertible {
    /// A parameter with a value its declaration does not accept.
    case parameter(String, String, ParameterValue?)
    /// A part that InvScale does not build yet.
    case notBuilt(String)

    public var description: String {
        switch self {
        case let .parameter(name, expected, found): "parameter \(name): expected \(expected), got \(found.map { "\($0)" } ?? "nothing")"
        case let .notBuilt(what): "\(what) is not built yet"
        }
    }
}
