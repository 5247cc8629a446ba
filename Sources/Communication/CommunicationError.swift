/// A collective that cannot run: counts that do not match the world, a root outside it, or the
/// message-passing library's own failure.
public struct CommunicationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
