import Figures
import Results

/// The report's "Time to target" section: for each group of runs that solve the same problem
/// (`TimeToTarget.groups`) with a PSNR, a grouped bar chart (runs × levels, bar = solver seconds
/// to the level's first iteration; a level a run never reached draws no bar and is named under the
/// chart), a caption that says how the levels were set, and a table of times and iterations.
struct TimeToTargetSection {
    let runs: [RunResult]
    /// The runs' names, in run order (what tells them apart).
    let labels: [String]

    /// The section's content; empty when no run has a PSNR.
    func html() -> String {
        let groups = TimeToTarget.groups(runs)
        return groups.compactMap { figure($0, named: groups.count > 1) }.joined()
    }

    /// The chart, its caption and the table of one group (its dataset in the title when `named`);
    /// nil when none of its runs has a PSNR.
    private func figure(_ group: (dataset: String, members: [Int], numbers: TimeToTarget), named: Bool) -> String? {
        let (members, numbers) = (group.members, group.numbers)
        guard let levels = numbers.levels, let best = numbers.best else { return nil }
        let margins = TimeToTarget.margins.map(NiceScale.format)
        let names = zip(margins, levels).map { "−\($0) dB (\(NumberText.fixed($1, digits: 2)) dB)" }
        let chart = GroupedBarChart(title: "Time to target" + (named ? ": " + group.dataset : ""), yLabel: "solver time (s)",
                                    categories: members.map { "run \($0 + 1)" },
                                    series: names.indices.map { level in
                                        (names[level], numbers.reached.map { $0[level]?.seconds ?? .nan })
                                    }).svg()
        let caption = "Levels: the best final PSNR of these runs, \(NumberText.fixed(best.psnr, digits: 2)) dB (run \(members[best.run] + 1)), minus "
            + margins.dropLast().joined(separator: ", ") + " and \(margins.last!) dB: "
            + levels.map { NumberText.fixed($0, digits: 2) }.joined(separator: ", ") + " dB. A bar is the solver time "
            + "(evaluation excluded) up to the first iteration whose PSNR is at or above the level."
        let missing = zip(members, numbers.reached).compactMap { run, reached -> String? in
            let levelNames = reached.indices.filter { reached[$0] == nil }.map { "−\(margins[$0]) dB" }
            return levelNames.isEmpty ? nil : "run \(run + 1) (" + levelNames.joined(separator: ", ") + ")"
        }
        let note = missing.isEmpty ? "" : " Not reached, so not drawn: " + missing.joined(separator: "; ") + "."
        return "<figure class=\"chart-box\">\(chart)<figcaption>\(SVGText.escape(caption + note))</figcaption></figure>\n"
            + table(members, numbers, names: names)
    }

    /// One row per run: its number and name, then for each level the time and iteration or "not reached".
    private func table(_ members: [Int], _ numbers: TimeToTarget, names: [String]) -> String {
        let rows = zip(members, numbers.reached).map { run, reached in
            "<tr><td title=\"\(SVGText.escape(runs[run].label))\">\(run + 1). \(SVGText.escape(labels[run]))</td>"
                + reached.map { reach in
                    "<td>" + (reach.map { "\(NumberText.fixed($0.seconds, digits: 2)) s, iteration \($0.iteration)" } ?? "not reached") + "</td>"
                }.joined() + "</tr>\n"
        }
        return "<div class=\"table-wrap\"><table><thead><tr><th>run</th>" + names.map { "<th>\(SVGText.escape($0))</th>" }.joined()
            + "</tr></thead><tbody>\n" + rows.joined() + "</tbody></table></div>\n"
    }
}
