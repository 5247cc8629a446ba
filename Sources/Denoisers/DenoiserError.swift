/// A denoiser, a layer or a tiling called with shapes or settings it does not accept; the message
/// says what was expected.
public struct DenoiserError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
