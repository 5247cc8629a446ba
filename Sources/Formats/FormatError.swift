/// A file that could not be read, written or encoded. The message is one line that names the file
/// and says what was expected, e.g. `data.npy: expected dtype '<f4' or '<f8', got '<i8'`.
public struct FormatError: Error, CustomStringConvertible, Equatable {
    /// The file path (or, for in-memory encoding and decoding, the name given by the caller).
    public let file: String
    /// What was wrong, without the file name.
    public let problem: String

    /// Creates an error for `file`; line breaks and other control characters in either part are
    /// replaced so the message stays on one line.
    public init(file: String, _ problem: String) {
        self.file = FormatError.singleLine(file)
        self.problem = FormatError.singleLine(problem)
    }

    /// `file: problem`.
    public var description: String { "\(file): \(problem)" }

    private static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
    }
}
