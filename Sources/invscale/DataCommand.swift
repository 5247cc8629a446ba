import ArgumentParser
import Datasets

/// `invscale data …`: the real data sets the datasets can read.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Where to get the real data sets and where to put them.",
        subcommands: [DataFetch.self])
}

/// `invscale data fetch NAME`: prints the public sources and the expected layout; downloads nothing.
struct DataFetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Show where to download a data set (walnut, highres) and the layout the datasets expect; downloads nothing.")

    @Argument(help: "walnut (tomography_3d) or highres (highres_color_image).") var name: String
    @Option(help: "The data folder to check (default $INVSCALE_DATA).") var dataDir: String?

    func validate() throws {
        guard ["walnut", "highres"].contains(name) else { throw ValidationError("unknown data set '\(name)'; expected walnut or highres") }
    }

    func run() throws {
        if name == "highres" { return try highres() }
        print(DataFolder.instructions)
        print("""
            invscale does not download these files: the machines it is developed on have no network access,
            and the files are large. Fetch them by hand on a machine with network access, then copy them over.
            """)
        guard let folder = DataFolder.resolve(dataDir) else {
            print("No data folder given (--data-dir or \(DataFolder.environmentVariable)).")
            return
        }
        switch DataFolder.walnut(in: folder) {
        case .packed(let path): print("Found: \(path)")
        case .cwi(let walnut): print("Found: the CWI walnut folder \(walnut)")
        case nil: print("\(folder) holds no walnut data yet.")
        }
    }

    /// The photograph of `highres_color_image`: its source, and whether the data folder holds it.
    private func highres() throws {
        print(HighresColorImage.instructions)
        guard let folder = DataFolder.resolve(dataDir) else {
            return print("No data folder given (--data-dir or \(DataFolder.environmentVariable)).")
        }
        let dataset = try HighresColorImage(dataDirectory: folder)
        print(dataset.photograph.map { "Found: \($0)" } ?? "\(folder) holds no \(HighresColorImage.photographFile) yet.")
    }
}
