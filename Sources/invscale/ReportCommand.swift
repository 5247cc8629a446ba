import ArgumentParser
import Report

/// `invscale report`: the HTML dashboard and summary.csv of a results folder.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write the HTML report (report.html) and summary.csv of a results folder.",
        discussion: "The page is self-contained (inline SVG charts and images, no network); `invscale run` writes it after every experiment.")

    @Argument(help: "The results folder (the --output of invscale run).") var results: String
    @Option(help: "HTML file to write (default: RESULTS/report.html).") var output: String?
    @Option(help: "Title of the page.") var title: String?

    func run() throws {
        let written = try ReportWriter.write(results: results, output: output, title: title)
        for problem in written.unreadable { printError("warning: left out of the report: \(problem)") }
        print("report: \(written.html)")
        print("summary: \(written.csv)")
    }
}
