/// The objectives, datasets and solvers that experiment files may name: the registry of their
/// declarations (each dataset and solver declares its parameters in its own file).
public enum ParameterCatalog {
    /// The objectives: only the reconstruction objective (PSNR, SSIM, MSE of each iterate).
    public static let objectives: [ComponentSpec] = [
        ComponentSpec("reconstruction_objective", .objective,
                      summary: "Scores each iterate against the ground truth (PSNR, SSIM, MSE).",
                      isBuilt: true, parameters: []),
    ]

    /// The datasets: one registration line each; the declaration is the dataset's own file.
    public static let datasetRuns: [any DatasetRun.Type] = [Tomography2DRun.self, Tomography3DRun.self, HighresColorImageRun.self]

    /// The datasets' declarations.
    public static let datasets: [ComponentSpec] = datasetRuns.map { $0.component }

    /// The solvers: one registration line each; the declaration is the solver's own file.
    public static let solverRuns: [any SolverRun.Type] = [
        PnPRun.self, PnPFISTARun.self, PnPHQSRun.self, DPIRRun.self, PnPADMMRun.self,
    ]

    /// The solvers' declarations.
    public static let solvers: [ComponentSpec] = solverRuns.map { $0.component }

    /// The declaration of the dataset called `name`, if any.
    public static func datasetRun(named name: String) -> (any DatasetRun.Type)? {
        datasetRuns.first { $0.component.name == name }
    }

    /// The declaration of the solver called `name`, if any.
    public static func solverRun(named name: String) -> (any SolverRun.Type)? {
        solverRuns.first { $0.component.name == name }
    }

    /// The components of `kind`.
    public static func components(_ kind: ComponentKind) -> [ComponentSpec] {
        switch kind {
        case .objective: objectives
        case .dataset: datasets
        case .solver: solvers
        }
    }

    /// The component of `kind` called `name`, if any.
    public static func component(_ kind: ComponentKind, named name: String) -> ComponentSpec? {
        components(kind).first { $0.name == name }
    }
}
