import Tensor

/// A linear map between tensors with batch and channel axes in front (`[B, C, …]`), with its
/// adjoint. Implementations must make `adjoint` the transpose of `apply` (the dot-product test
/// `⟨A x, y⟩ = ⟨x, Aᵀ y⟩` holds up to rounding).
public protocol LinearOperator: Sendable {
    /// Shape of an input with `batch` items of `channels` channels.
    func domainShape(batch: Int, channels: Int) -> [Int]
    /// Shape of an output with `batch` items of `channels` channels.
    func rangeShape(batch: Int, channels: Int) -> [Int]
    /// `A x`.
    func apply(_ x: Tensor) throws -> Tensor
    /// `Aᵀ y`.
    func adjoint(_ y: Tensor) throws -> Tensor
}

extension LinearOperator {
    /// `Aᵀ A x`.
    public func normal(_ x: Tensor) throws -> Tensor { try adjoint(apply(x)) }

    /// Checks that `tensor` has the shape `expected(B, C)` for its own leading B and C.
    func check(_ tensor: Tensor, against expected: (Int, Int) -> [Int], role: String) throws -> (batch: Int, channels: Int) {
        guard tensor.rank >= 2 else {
            throw PhysicsError("\(role): expected a tensor [B, C, …], got shape \(tensor.shape)")
        }
        let (batch, channels) = (tensor.shape[0], tensor.shape[1])
        let wanted = expected(batch, channels)
        guard tensor.shape == wanted else {
            throw PhysicsError("\(role): expected shape \(wanted), got \(tensor.shape)")
        }
        return (batch, channels)
    }
}
