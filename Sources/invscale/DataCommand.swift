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
        abstract: "Show where to download a data set (walnut) and the file layout tomography_3d expects; downloads nothing.")

    @Argument(help: "walnut.") var name: String
    @Option(help: "The data folder to check (default $INVSCALE_DATA).") var dataDir: String?

    func validate() throws {
        guard name == "walnut" else { throw ValidationError("unknown data set '\(name)'; expected walnut") }
    }

    func run() throws {
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
}
