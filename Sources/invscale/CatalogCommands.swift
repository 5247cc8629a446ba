import ArgumentParser
import Experiment

/// `invscale datasets`: the datasets experiment files can name, with their parameters.
struct DatasetsCatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "List the datasets of experiment files: built or not, each parameter's type, default and meaning.")

    @Flag(help: "Print one JSON array instead of text.") var json = false

    func run() throws {
        try CatalogListing.print(ParameterCatalog.datasets, json: json)
    }
}

/// `invscale solvers`: the solvers experiment files can name, with their parameters.
struct SolversCatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solvers",
        abstract: "List the solvers of experiment files: built or not, each parameter's type, default and meaning.")

    @Flag(help: "Print one JSON array instead of text.") var json = false

    func run() throws {
        try CatalogListing.print(ParameterCatalog.solvers, json: json)
    }
}

/// The text (or JSON) listing of catalog entries.
enum CatalogListing {
    /// Prints `components` as JSON, or as one block per component:
    /// ```
    /// tomography_2d (built): Modified Shepp–Logan phantom, …
    ///   img_size       int     512   image side N in pixels (N × N); > 0
    /// ```
    static func print(_ components: [ComponentSpec], json: Bool) throws {
        guard !json else {
            Swift.print(try JSONOutput.string(components))
            return
        }
        for (position, component) in components.enumerated() {
            if position > 0 { Swift.print("") }
            Swift.print("\(component.name) (\(component.status)): \(component.summary)")
            let rows = component.parameters.map { parameter in
                [parameter.name, parameter.type.rawValue, parameter.defaultValue.description, meaning(parameter)]
            }
            let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let padded = (0..<3).map { row[$0] + String(repeating: " ", count: widths[$0] - row[$0].count) }
                Swift.print("  " + (padded + [row[3]]).joined(separator: "  "))
            }
        }
    }

    /// The meaning followed by the accepted choices or bound: "beam geometry (conebeam | parallel3d)".
    private static func meaning(_ parameter: ParameterSpec) -> String {
        if !parameter.choices.isEmpty { return "\(parameter.meaning) (\(parameter.choices.joined(separator: " | ")))" }
        return parameter.bound == .none ? parameter.meaning : "\(parameter.meaning); \(parameter.bound.rawValue)"
    }
}
