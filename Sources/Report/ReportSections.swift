import Experiment
import Figures
import Results

/// The comparison sections of the report, each shown only when the runs vary along its axis:
/// memory per step, strong scaling (process count), batch size and image size.
struct ReportSections {
    let runs: [RunResult]

    /// Peak RSS of the gradient and denoiser steps, rank 0 and the largest rank.
    func memory() -> [String] {
        let shown = runs.filter { !$0.rows.isEmpty }
        guard !shown.isEmpty else { return [] }
        func peak(_ column: MetricsColumn, rank0: Bool) -> [Double] {
            shown.map { $0.maximum(column, rank: rank0 ? 0 : nil) ?? .nan }
        }
        return [GroupedBarChart(title: "Peak memory per step", yLabel: "peak RSS (MiB)", categories: shown.indices.map { "run \($0 + 1)" },
                               series: [("gradient, rank 0", peak(.gradientRSSPeakMB, rank0: true)),
                                        ("denoiser, rank 0", peak(.denoiseRSSPeakMB, rank0: true)),
                                        ("gradient, largest rank", peak(.gradientRSSPeakMB, rank0: false)),
                                        ("denoiser, largest rank", peak(.denoiseRSSPeakMB, rank0: false))]).svg()]
    }

    /// Speedup and parallel efficiency (total, gradient, denoiser) against the smallest process
    /// count. The runs compared differ only in how they are spread over processes (the family
    /// with the most process counts, first finished run of each count); when no two runs are
    /// alike in the rest, the first finished run of each count, and the titles say the runs differ
    /// in more. Nothing is drawn with fewer than two process counts.
    func scaling() -> [String] {
        let finished = runs.enumerated().filter { $0.element.record.status == .finished && !$0.element.rows.isEmpty }
        func firstOfEachCount(_ members: [(offset: Int, element: RunResult)]) -> [Int: (offset: Int, element: RunResult)] {
            var byCount: [Int: (offset: Int, element: RunResult)] = [:]
            for member in members where byCount[member.element.processes] == nil { byCount[member.element.processes] = member }
            return byCount
        }
        let families = Dictionary(grouping: finished) { $0.element.family }.values.map(firstOfEachCount)
        let alike = families.max { $0.count < $1.count }.flatMap { $0.count >= 2 ? $0 : nil }
        let chosen = alike ?? firstOfEachCount(finished)
        let counts = chosen.keys.sorted()
        guard counts.count >= 2, let base = chosen[counts[0]]?.element else { return [] }
        let byCount = chosen.mapValues(\.element)
        let which = " (runs " + counts.map { "\(chosen[$0]!.offset + 1)" }.joined(separator: ", ")
            + (alike == nil ? ", which also differ in other settings)" : ")")
        let columns: [(String, MetricsColumn)] = [(StepLabel.total, .iterationTime), (StepLabel.gradient, .gradientTime), (StepLabel.denoiser, .denoiseTime)]
        func speedups(_ column: MetricsColumn) -> [(x: Double, y: Double)] {
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

    /// Peak memory (the whole run, largest rank) and throughput (windows per second in the
    /// denoiser) against `max_batch_size`, when tiled runs differ in it (0, all windows at once,
    /// is drawn at the rank's window count), with the planner's curve over every batch size
    /// (dashed) when the runs carry it.
    func batchSize() -> [String] {
        let tiled = runs.filter { !$0.rows.isEmpty && $0.isTiled }
        let batches = Set(tiled.map(\.batchSize))
        guard batches.count >= 2 else { return [] }
        let points = tiled.map { run -> (batch: Double, memory: Double, rate: Double) in
            let batch = Double(run.batchSize)
            let perSecond = Double(run.windows) / (run.mean(.denoiseTime) ?? .nan)
            return (batch == 0 ? Double(run.windowsPerRank) : batch, run.record.peakRSSMBMaxRank ?? run.record.peakRSSMB ?? .nan, perSecond)
        }.sorted { $0.batch < $1.batch }
        var memory = LineChart(title: "Batch size vs peak memory", xLabel: "windows per batch", yLabel: "peak RSS, largest rank (MiB)",
                               series: [ChartSeries(name: "measured", points: points.map { ($0.batch, $0.memory) })])
        var throughput = LineChart(title: "Batch size vs throughput", xLabel: "windows per batch", yLabel: "windows per second",
                                   series: [ChartSeries(name: "measured", points: points.map { ($0.batch, $0.rate) })])
        if let run = tiled.first(where: { !($0.record.prediction?.batchCurve.isEmpty ?? true) }), let curve = run.record.prediction?.batchCurve {
            memory.references = [ChartSeries(name: "model", points: curve.map { (Double($0.maxBatchSize), $0.peakRSSMB) })]
            throughput.references = [ChartSeries(name: "model", points: curve.map { (Double($0.maxBatchSize), Double(run.windows) / $0.denoiseS) })]
        }
        memory.xTicks = Array(Set(points.map(\.batch))).sorted()
        throughput.xTicks = memory.xTicks
        return [memory.svg(), throughput.svg()]
    }

    /// Peak memory and time per iteration against the image side, when runs differ in it.
    func imageSize() -> [String] {
        let sized = runs.filter { !$0.rows.isEmpty && $0.record.spec.imageSide != nil }
        guard Set(sized.compactMap(\.record.spec.imageSide)).count >= 2 else { return [] }
        let points = sized.map { (Double($0.record.spec.imageSide!), $0.record.peakRSSMBMaxRank ?? $0.record.peakRSSMB ?? .nan, $0.mean(.iterationTime) ?? .nan) }
            .sorted { $0.0 < $1.0 }
        return [LineChart(title: "Image size vs peak memory", xLabel: "image side (pixels)", yLabel: "peak RSS (MiB)",
                          series: [ChartSeries(name: "peak RSS", points: points.map { ($0.0, $0.1) })]).svg(),
                LineChart(title: "Image size vs time", xLabel: "image side (pixels)", yLabel: "seconds per iteration",
                          series: [ChartSeries(name: "time", points: points.map { ($0.0, $0.2) })]).svg()]
    }
}
