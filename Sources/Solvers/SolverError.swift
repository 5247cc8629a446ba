/// A solver that cannot be set up: a setting out of range, or a start the problem cannot give.
public struct SolverError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
