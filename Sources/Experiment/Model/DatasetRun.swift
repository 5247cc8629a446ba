import Communication

/// A dataset that experiment files may name, declared once in its own file (`Datasets/`): its
/// parameters (types, defaults, meaning), the checks of its values taken together, its typed
/// values, and how it builds one rank's part of the problem. Registered in `ParameterCatalog`.
public protocol DatasetRun: Sendable {
    /// The name, summary and parameters, as `invscale datasets` prints them.
    static var component: ComponentSpec { get }
    /// The typed values of a run's dataset parameters.
    init(_ parameters: ParameterSet) throws
    /// The size part of a run's label: "2048²", "40×272×272", "2048 px".
    var sizeLabel: String { get }
    /// How many operators the data are split into.
    var operatorCount: Int { get }
    /// The sizes the planner predicts the run's memory and time from.
    var workload: Workload { get throws }
    /// Checks a grid point's values together (image sides, operators against views, memory), so
    /// that `--plan` refuses what the run would refuse.
    static func check(_ point: DatasetPoint) throws
    /// The image's spatial sides for the values of its size parameter (one value: every side),
    /// so that tiles can be checked against them before a run starts.
    static func imageSides(sizeValues: [Int], dimensions: Int) -> [Int]
    /// This rank's part: every operator, or with `distributePhysics` only this rank's share.
    func makeData(communicator: any Communicator, distributePhysics: Bool) throws -> RunData
}

extension DatasetRun {
    /// A dataset that InvScale does not build yet.
    public func makeData(communicator: any Communicator, distributePhysics: Bool) throws -> RunData {
        throw RunModelError.notBuilt("dataset \(Self.component.name)")
    }

    /// One value for every side, or one value per side.
    public static func imageSides(sizeValues: [Int], dimensions: Int) -> [Int] {
        sizeValues.count == 1 ? Array(repeating: sizeValues[0], count: dimensions) : sizeValues
    }

    /// No checks beyond each parameter's own.
    public static func check(_ point: DatasetPoint) throws {}
}
