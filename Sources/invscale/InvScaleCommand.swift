import ArgumentParser
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The `invscale` command-line tool.
@main
struct InvScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invscale",
        abstract: "Reconstruct and benchmark large-scale imaging inverse problems (CT) with plug-and-play solvers.",
        subcommands: [RunCommand.self, ReportCommand.self, WorkerCommand.self, DatasetCommand.self, DataCommand.self, OperatorCommand.self, FBPCommand.self, MetricsCommand.self, DenoiseCommand.self, WeightsCommand.self, BenchCommand.self, CalibrateCommand.self, DatasetsCatalogCommand.self, SolversCatalogCommand.self, VersionCommand.self])

    /// Standard output is line-buffered even into a pipe or a file, so progress shows as it
    /// happens and a killed run's log keeps every line printed before. A reader that goes away
    /// (`invscale run … | head`) does not kill a run with SIGPIPE: the lost lines are only lost
    /// output, the results are still written.
    static func main() {
        setvbuf(stdout, nil, _IOLBF, 0)
        signal(SIGPIPE, SIG_IGN)
        main(nil)
    }
}
