/// A dataset that cannot be built: parameters out of range, or data files that do not describe a
/// scan; the message says what was expected.
public struct DatasetError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
