/// A projection, reconstruction or noise operator called with a shape or geometry it does not
/// accept; the message says what was expected.
public struct PhysicsError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
