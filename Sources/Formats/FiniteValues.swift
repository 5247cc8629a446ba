import Tensor

/// Refuses arrays read from users' files that hold NaN or infinite values: they would come out as
/// an all-NaN result or an encoding error far from their cause.
enum FiniteValues {
    /// Throws a `FormatError` naming `file` and the first element of `tensor` (its row-major
    /// position and multi-index) that is not finite.
    static func check(_ tensor: Tensor, file: String) throws {
        guard let index = tensor.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) else { return }
        let value = tensor.withUnsafeBufferPointer { $0[index] }
        var rest = index, position = [Int]()
        for stride in tensor.strides {
            position.append(rest / max(stride, 1))
            rest %= max(stride, 1)
        }
        throw FormatError(file: file, "element \(index) (index \(position) of shape \(tensor.shape)) is \(value); expected finite values (no NaN or infinity)")
    }
}
