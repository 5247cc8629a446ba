/// The comparison sections of the report, each shown only when the runs vary along its axis:
/// memory per step, strong scaling (process count), batch size and image size.
struct ReportSections {
    let runs: [RunResult]

    /// Peak RSS of the gradient and denoiser steps, rank 0 and the largest rank.
    func memory() -> [String] {
        let shown = runs.filter { !$0.rows.isEmpty }
        guard !shown.isEmpty else { return [] }
        func peak(_ column: String, rank0: Bool) -> [Double] {
            shown.map { $0.maximum(column, rank: rank0 ? 0 : nil) ?? .nan }
        }
        return [GroupedBarChart(title: "Peak memory per step", yLabel: "peak RSS (MiB)", categories: shown.indices.map { "run \($0 + 1)" },
                               series: [("gradient, rank 0", peak("gradient_rss_peak_mb", rank0: true)),
                                        ("denoiser, rank 0", peak("denoise_rss_peak_mb", rank0: true)),
                                        ("gradient, largest rank", peak("gradient_rss_peak_mb", rank0: false)),
                                        ("denoiser, largest rank", peak("denoise_rss_peak_mb", rank0: false))]).svg()]
    }

    /// Speedup and parallel efficiency (total, gradient, denoiser) against the smallest process
    /// count. The runs compared differ only in how they are spread over processes (the family
    /// with the most process counts, first finished run of each count); when no two runs are
    /// alike in the rest, the first finished run of each count, and the titles say the runs differ
    /// in more. Nothing is drawn with fewer than two process counts.
    func scaling() -> [String] {
        let finished = runs.enumerated().filter { $0.element.record.status == "finished" && !$0.element.rows.isEmpty }
        func firstOfEachCount(_ members: [(offset: Int, element: RunResult)]) -> [Int: (offset: Int, element: RunResult)] {
            var byCount: [Int: (offset: Int, element: RunResult)] = [:]
            for member in members where byCount[member.element.processes] == nil { byCount[member.element.processes] = member }
            return byCount
        }
        let families = Dictionary(grouping: finished) { Self.family(of: $0.element) }.values.map(firstOfEachCount)
        let alike = families.max { $0.count < $1.count }.flatMap { $0.count >= 2 ? $0 : nil }
        let chosen = alike ?? firstOfEachCount(finished)
        let counts = chosen.keys.sorted()
        guard counts.count >= 2, let base = chosen[counts[0]]?.element else { return [] }
        let byCount = chosen.mapValues(\.element)
        let which = " (runs " + counts.map { "\(chosen[$0]!.offset + 1)" }.joined(separator: ", ")
            + (alike == nil ? ", which also differ in other settings)" : ")")
        let columns = [("total", "iteration_time_sec"), ("gradient", "gradient_time_sec"), ("denoiser", "denoise_time_sec")]
        func speedups(_ column: String) -> [(x: Double, y: Double)] {
            counts.map { count in (Double(count), (base.mean(column) ?? .nan) / (byCount[count]!.mean(column) ?? .nan)) }
        }
        let ideal = ChartSeries(name: "ideal", points: counts.map { (Double($0), Double($0) / Double(counts[0])) })
        var speedup = LineChart(title: "Strong scaling: speedup" + which, xLabel: "processes", yLabel: "speedup", series: columns.map {
            ChartSeries(name: $0.0, points: speedups($0.1))
        }, references: [ideal])
        var efficiency = LineChart(title: "Parallel efficiency" + which, xLabel: "processes", yLabel: "efficiency (%)", series: columns.map { column in
            ChartSeries(name: column.0, points: speedups(column.1).map { ($0.x, 100 * $0.y * Double(counts[0]) / $0.x) })
        }, references: [ChartSeries(name: "ideal", points: counts.map { (Double($0), 100) })])
        speedup.xTicks = counts.map(Double.init)
        efficiency.xTicks = speedup.xTicks
        return [speedup.svg(), efficiency.svg()]
    }

    /// Settings that spread a run over processes without changing its mathematics.
    static let processKeys: Set<String> = ["slurm_ntasks_per_node", "slurm_nodes", "slurm_gres", "slurm_ntasks",
                                           "slurm_cpus_per_task", "distribute_physics", "distribute_denoiser"]

    /// The run's dataset, solver and parameters apart from `processKeys`, as one comparable text.
    static func family(of run: RunResult) -> String {
        let spec = run.record.spec
        let solver = spec.solver_parameters.filter { !processKeys.contains($0.key) }
        return ([spec.dataset, spec.solver] + (spec.dataset_parameters.merging(solver) { a, _ in a })
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: ";")
    }

    /// Peak memory and throughput (windows per second in the denoiser) against `max_batch_size`,
    /// when tiled runs differ in it (0, all windows at once, is drawn at the rank's window count).
    func batchSize() -> [String] {
        let tiled = runs.filter { !$0.rows.isEmpty && $0.record.spec.solver_parameters["max_batch_size"]?.number != nil }
        let batches = Set(tiled.compactMap { $0.record.spec.solver_parameters["max_batch_size"]?.number })
        guard batches.count >= 2 else { return [] }
        let points = tiled.map { run -> (batch: Double, memory: Double, rate: Double) in
            let batch = run.record.spec.solver_parameters["max_batch_size"]?.number ?? 0
            let windows = run.windows
            let perSecond = Double(windows) / (run.mean("denoise_time_sec") ?? .nan)
            let perRank = (windows + max(1, run.record.processes ?? 1) - 1) / max(1, run.record.processes ?? 1)
            return (batch == 0 ? Double(perRank) : batch, run.maximum("denoise_rss_peak_mb") ?? .nan, perSecond)
        }.sorted { $0.batch < $1.batch }
        var memory = LineChart(title: "Batch size vs peak memory", xLabel: "windows per batch", yLabel: "denoiser peak RSS (MiB)",
                               series: [ChartSeries(name: "peak RSS", points: points.map { ($0.batch, $0.memory) })])
        var throughput = LineChart(title: "Batch size vs throughput", xLabel: "windows per batch", yLabel: "windows per second",
                                   series: [ChartSeries(name: "throughput", points: points.map { ($0.batch, $0.rate) })])
        memory.xTicks = Array(Set(points.map(\.batch))).sorted()
        throughput.xTicks = memory.xTicks
        return [memory.svg(), throughput.svg()]
    }

    /// Peak memory and time per iteration against the image side, when runs differ in it.
    func imageSize() -> [String] {
        let sized = runs.filter { !$0.rows.isEmpty && $0.imageSide != nil }
        guard Set(sized.compactMap(\.imageSide)).count >= 2 else { return [] }
        let points = sized.map { ($0.imageSide!, $0.record.peak_rss_mb_max_rank ?? $0.record.peak_rss_mb ?? .nan, $0.mean("iteration_time_sec") ?? .nan) }
            .sorted { $0.0 < $1.0 }
        return [LineChart(title: "Image size vs peak memory", xLabel: "image side (pixels)", yLabel: "peak RSS (MiB)",
                          series: [ChartSeries(name: "peak RSS", points: points.map { ($0.0, $0.1) })]).svg(),
                LineChart(title: "Image size vs time", xLabel: "image side (pixels)", yLabel: "seconds per iteration",
                          series: [ChartSeries(name: "time", points: points.map { ($0.0, $0.2) })]).svg()]
    }
}
