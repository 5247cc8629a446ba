/// An error raised for invalid tensor shapes or arguments; its message names what was expected.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    case invalidShape(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidShape(let message), .invalidArgument(let message): return message
        }
    }
}
