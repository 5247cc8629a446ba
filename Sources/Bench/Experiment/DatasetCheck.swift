import Datasets
import Tensor

/// The checks of a grid point's dataset parameters taken together, made when the file is expanded
/// so that `--plan` refuses what the run would refuse: image sides the metrics support, more
/// operators than views, and a dataset that does not fit in memory.
struct DatasetCheck {
    /// The smallest image side a run supports: SSIM's 11-tap window reflects 5 pixels at each
    /// border, which needs at least 6.
    static let minimumImageSide = 6

    /// The experiment file (for errors).
    let file: String
    /// The dataset item.
    let dataset: ExperimentItem
    /// Its parameters at this grid point.
    let values: [String: SourcedValue]
    /// The memory the machine has for the run.
    let memory: MemoryBudget

    /// Throws the first `ConfigError` found.
    func run() throws {
        switch dataset.name {
        case Tomography2D.name: try tomography2D()
        case Tomography3D.name: try tomography3D()
        default: return
        }
    }

    private func tomography2D() throws {
        let side = int("img_size"), angles = int("num_angles"), operators = int("num_operators")
        guard side >= Self.minimumImageSide else {
            throw fail("img_size", "expected an image side ≥ \(Self.minimumImageSide) (the SSIM window needs it), got \(side)")
        }
        guard operators <= angles else {
            throw fail("num_operators", "\(operators) operators need at least \(operators) angles, got num_angles \(angles); expected num_operators ≤ num_angles")
        }
        let scan = try Tomography2D(imgSize: side, numOperators: operators, numAngles: angles, circle: values["circle"]?.value.boolValue ?? true)
        do {
            try scan.requireMemory(budget: memory)
        } catch let error as MemoryLimitError {
            let images = MemoryBudget.product(side, side) ?? .max, sinogram = MemoryBudget.product(angles, side) ?? .max
            throw fail(images >= sinogram ? "img_size" : "num_angles", "\(error); expected a smaller img_size or num_angles")
        }
    }

    private func tomography3D() throws {
        let sizes = values["img_size"]?.value.intList ?? [], projections = int("num_projections"), operators = int("num_operators")
        let shape = sizes.count == 1 ? Array(repeating: sizes[0], count: 3) : sizes
        guard shape.count == 3, shape[1] == shape[2], shape.allSatisfy({ $0 >= 8 }), shape[0] <= shape[1] else {
            throw fail("img_size", "expected N or [D, N, N] with 8 ≤ D ≤ N, got \(values["img_size"]?.value ?? .null)")
        }
        guard projections <= Tomography3D.fullScanViews else {
            throw fail("num_projections", "expected at most \(Tomography3D.fullScanViews) (the views of the full scan), got \(projections)")
        }
        guard operators <= projections else {
            throw fail("num_operators", "\(operators) operators need at least \(operators) projections, got num_projections \(projections); expected num_operators ≤ num_projections")
        }
        let scan = try Tomography3D(imgSize: shape, numOperators: operators, numProjections: projections)
        guard scan.walnut == nil else { return }  // the real data's size does not depend on img_size
        do {
            try scan.requireSyntheticMemory(budget: memory)
        } catch let error as MemoryLimitError {
            throw fail("img_size", "\(error); expected a smaller img_size")
        }
    }

    private func int(_ name: String) -> Int { values[name]?.value.intValue ?? 1 }

    /// An error about dataset parameter `parameter`, at the line that set it (else the dataset's line).
    private func fail(_ parameter: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: values[parameter]?.line ?? dataset.line, field: "dataset.\(dataset.name).\(parameter)", message)
    }
}
