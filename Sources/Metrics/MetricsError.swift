/// Images that a metric cannot compare: shapes that differ, too small for the window, or an empty
/// range; the message says what was expected.
public struct MetricsError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
