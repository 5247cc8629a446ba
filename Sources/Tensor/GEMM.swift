import CBLAS

/// Matrix products through OpenBLAS (`cblas_sgemm`, row-major), which is kept single-threaded;
/// `multiply` splits C into fixed blocks of rows run on the shared `ThreadPool`, and `serial`
/// is for callers that are already inside a parallel loop.
public enum GEMM {
    /// Rows of C per parallel block: fixed, so results do not depend on the thread count.
    static let rowsPerBlock = 256

    /// `C = alpha · op(A) · op(B) + beta · C` with row-major matrices; `op(A)` is `m×k`,
    /// `op(B)` is `k×n`, and `lda`, `ldb`, `ldc` are the row strides of the stored matrices.
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let blocks = (m + rowsPerBlock - 1) / rowsPerBlock
        parallelFor(blocks) { block in
            let first = block * rowsPerBlock, rows = min(rowsPerBlock, m - first)
            // Row i of op(A) starts at a + i·lda, or at column i of the stored A when transposed.
            let rowsOfA = transposeA ? a + first : a + first * lda
            serial(transposeA: transposeA, transposeB: transposeB, m: rows, n: n, k: k, alpha: alpha,
                   a: rowsOfA, lda: lda, b: b, ldb: ldb, beta: beta, c: c + first * ldc, ldc: ldc)
        }
    }

    /// The same product on the calling thread only.
    public static func serial(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        _ = ThreadPool.shared  // creating the pool sets OpenBLAS to one thread
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension GEMM {
    /// The BLAS in use and the kernel it picked for this CPU, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH
    /// NO_AFFINITY MAX_THREADS=64, core Haswell": results are reproducible for one core, not
    /// across cores (docs/determinism.md).
    public static var library: String {
        _ = ThreadPool.shared  // OpenBLAS set to one thread before it is asked anything
        let config = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        let words = config.split(separator: " ").filter { $0.lowercased() != core.lowercased() }
        return words.joined(separator: " ") + ", core " + core
    }
}

extension Tensor {
    /// The matrix product of two rank-2 tensors `[m, k] × [k, n] → [m, n]`.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0] else {
            throw TensorError.invalidShape("matmul: expected [m, k] × [k, n], got \(shape) × \(other.shape)")
        }
        let (m, k, n) = (shape[0], shape[1], other.shape[1])
        var result = Tensor(shape: [m, n])
        if m == 0 || n == 0 { return result }
        let a = storage.pointer, b = other.storage.pointer
        result.withUnsafeMutableBufferPointer { c in
            GEMM.multiply(transposeA: false, transposeB: false, m: m, n: n, k: k,
                          a: a, lda: Swift.max(k, 1), b: b, ldb: Swift.max(n, 1), c: c.baseAddress!, ldc: n)
        }
        return result
    }
}
