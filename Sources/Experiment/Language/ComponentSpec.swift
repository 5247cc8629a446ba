/// What an experiment-file item names: an objective, a dataset or a solver.
public enum ComponentKind: String, Sendable, Codable {
    /// An entry of `objective:`.
    case objective
    /// An entry of `dataset:`.
    case dataset
    /// An entry of `solver:`.
    case solver
}

/// A dataset, solver or objective that experiment files can name, with its parameters.
public struct ComponentSpec: Sendable, Equatable, Codable {
    /// The name used in experiment files (`tomography_2d`, `PnP`).
    public let name: String
    /// Objective, dataset or solver.
    public let kind: ComponentKind
    /// One line saying what it is.
    public let summary: String
    /// Whether InvScale implements it; runs of components that are not built can be planned only.
    public let isBuilt: Bool
    /// Why it is not built yet (e.g. "issue 7"); empty when built.
    public let notBuiltReason: String
    /// Its parameters in the order they are documented.
    public let parameters: [ParameterSpec]
    /// For a dataset: the parameter holding the image side that tiles must stay below; nil when
    /// the size comes from the data (or for solvers and objectives).
    public let imageSizeParameter: String?
    /// For a dataset: the number of image dimensions that `patch_size` and `overlap` lists cover.
    public let dimensions: Int?

    /// A component; datasets give `imageSizeParameter` and `dimensions`.
    public init(_ name: String, _ kind: ComponentKind, summary: String, isBuilt: Bool, notBuiltReason: String = "",
                imageSizeParameter: String? = nil, dimensions: Int? = nil, parameters: [ParameterSpec]) {
        self.name = name
        self.kind = kind
        self.summary = summary
        self.isBuilt = isBuilt
        self.notBuiltReason = notBuiltReason
        self.parameters = parameters
        self.imageSizeParameter = imageSizeParameter
        self.dimensions = dimensions
    }

    /// The parameter called `name`, if any.
    public func parameter(named name: String) -> ParameterSpec? {
        parameters.first { $0.name == name }
    }

    /// Every parameter at its default value.
    public var defaults: [String: ParameterValue] {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.defaultValue) })
    }

    /// "built", "not built yet" or "not built yet, issue 7".
    public var status: String {
        isBuilt ? "built" : notBuiltReason.isEmpty ? "not built yet" : "not built yet, \(notBuiltReason)"
    }

    private enum CodingKeys: String, CodingKey {
        case name, kind, summary, parameters, dimensions
        case isBuilt = "is_built", notBuiltReason = "not_built_reason", imageSizeParameter = "image_size_parameter"
    }
}
