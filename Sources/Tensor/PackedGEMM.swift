import CPackedGEMM
import Synchronization

/// Matrix products on operands that their producers write directly in a register-blocked layout
/// (the C target `CPackedGEMM`): A in blocks of `rowsPerBlock` rows, each stored as groups of 8
/// columns, and B in panels of `columnsPerPanel` columns. The kernels use AVX-512 where the CPU
/// has it and AVX2 with FMA otherwise (chosen at run time; `use(_:)` overrides), and a portable
/// loop on CPUs with neither.
///
/// Every element of C is one chain of fused multiply-adds in k order, so the result is the same
/// bit for bit under every instruction set, for any split of the rows into calls, on any CPU: the
/// Winograd convolutions need no rule about which rows share a call (docs/determinism.md).
public enum PackedGEMM {
    /// Rows of A per packed block.
    public static let rowsPerBlock = Int(PACKED_GEMM_ROWS)
    /// Columns of B per packed panel.
    public static let columnsPerPanel = Int(PACKED_GEMM_COLUMNS)

    /// The kernels' instruction sets.
    public enum InstructionSet: Int, CaseIterable, Sendable, CustomStringConvertible {
        case portable = 0, avx2 = 1, avx512 = 2

        public var description: String { ["portable", "avx2", "avx512"][rawValue] }
    }

    /// The best instruction set of this CPU.
    public static let best = InstructionSet(rawValue: Int(packed_gemm_best_isa())) ?? .portable
    private static let selected = Atomic<Int>(best.rawValue)

    /// The instruction set the products use now.
    public static var instructionSet: InstructionSet { InstructionSet(rawValue: selected.load(ordering: .relaxed))! }

    /// Uses `instructionSet` from now on; one the CPU lacks is refused with `best` named.
    public static func use(_ instructionSet: InstructionSet) throws {
        guard instructionSet.rawValue <= best.rawValue else {
            throw TensorError.invalidArgument("packed GEMM: this CPU has no \(instructionSet) (best: \(best))")
        }
        selected.store(instructionSet.rawValue, ordering: .relaxed)
    }

    /// `n` rounded up to whole blocks of rows.
    public static func paddedRows(_ n: Int) -> Int { (n + rowsPerBlock - 1) / rowsPerBlock * rowsPerBlock }

    /// `n` rounded up to whole panels of columns.
    public static func paddedColumns(_ n: Int) -> Int { (n + columnsPerPanel - 1) / columnsPerPanel * columnsPerPanel }

    /// Offset of element (`row`, `column`) of a packed A with `k` columns.
    @inline(__always)
    public static func offsetInA(row: Int, column: Int, k: Int) -> Int {
        ((row / rowsPerBlock * (k / 8) + column / 8) * rowsPerBlock + row % rowsPerBlock) * 8 + column % 8
    }

    /// Offset of element (`row`, `column`) of a packed B with `k` rows.
    @inline(__always)
    public static func offsetInB(row: Int, column: Int, k: Int) -> Int {
        (column / columnsPerPanel * k + row) * columnsPerPanel + column % columnsPerPanel
    }

    /// `C = A·B`, or `C += A·B` when `accumulate`, on the calling thread: A is `m × k` packed (its
    /// first row at the start of a block), B `k × n` packed, C row-major with row stride `ldc`;
    /// `k` is a multiple of 8.
    @inline(__always)
    public static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false) {
        packed_gemm(Int32(instructionSet.rawValue), Int32(m), Int32(n), Int32(k), a, b, c, Int32(ldc), accumulate ? 1 : 0)
    }
}
