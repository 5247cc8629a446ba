import Physics

/// Several circular blurs' least-squares term, `½ Σ_k ‖A_k x − y_k‖²`, as a data fidelity: its
/// gradient costs two FFTs per image plane whatever the number of blurs.
extension CircularBlurStack: DataFidelity {}
