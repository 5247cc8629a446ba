import Communication
import Datasets
import Figures
import Solvers
import Tensor

/// What a run's dataset gives one rank: the ground truth, the data fidelity (this rank's operators
/// only with `distribute_physics` on several processes), the FBP/FDK start and the preview.
public struct RunData {
    public let groundTruth: Tensor
    public let valueRange: ClosedRange<Float>
    public let fidelity: any DataFidelity
    /// The filtered back-projection (FDK for 3-D scans) of all the data: an all-reduce of partial
    /// ones when the operators are distributed.
    public let filteredBackProjection: () throws -> Tensor
    /// Which operators this rank holds, e.g. "operators 1, 3 of 4" (all of them without distribution).
    public let operatorDescription: String
    /// Writes the dataset preview as a PNG at the path.
    public let writePreview: (String) throws -> Void
    /// Where the data come from, in words (real files or a synthetic phantom).
    public var source = "synthetic modified Shepp–Logan phantom"

    public init(groundTruth: Tensor, valueRange: ClosedRange<Float>, fidelity: any DataFidelity,
                filteredBackProjection: @escaping () throws -> Tensor, operatorDescription: String,
                writePreview: @escaping (String) throws -> Void) {
        (self.groundTruth, self.valueRange, self.fidelity) = (groundTruth, valueRange, fidelity)
        (self.filteredBackProjection, self.operatorDescription, self.writePreview) =
            (filteredBackProjection, operatorDescription, writePreview)
    }

    /// Every operator of `problem` on this rank; the start `fbp` (default: the problem's own
    /// filtered back-projection).
    public static func whole(_ problem: Problem, fbp: (() throws -> Tensor)? = nil) throws -> RunData {
        RunData(groundTruth: problem.groundTruth, valueRange: problem.valueRange,
                fidelity: try LeastSquaresFidelity(operators: problem.operators, measurements: problem.measurements,
                                                   imageShape: problem.groundTruth.shape),
                filteredBackProjection: fbp ?? { try problem.filteredBackProjection() },
                operatorDescription: "all \(problem.operators.operators.count) operators on every process",
                writePreview: { try preview(of: problem, to: $0) })
    }

    /// "operators 1, 3 of 4 on rank 1", or that the rank holds none.
    static func description(_ mine: [Int], of count: Int, rank: Int) -> String {
        mine.isEmpty ? "no operator of \(count) on rank \(rank)"
            : "operators \(mine.map(String.init).joined(separator: ", ")) of \(count) on rank \(rank)"
    }

    /// 2-D: the ground truth beside the sinogram of all operators; 3-D: the volume's middle slices
    /// beside the first view.
    static func preview(of problem: Problem, to path: String) throws {
        if problem.groundTruth.rank == 5 {
            return try VolumePreview.write(volume: problem.groundTruth, range: problem.valueRange,
                                           projection: problem.measurements[0], to: path)
        }
        try Preview.writeSideBySide(image: problem.groundTruth, imageRange: problem.valueRange,
                                    sinogram: Tensor.concatenate(problem.measurements, axis: 2), to: path)
    }
}
