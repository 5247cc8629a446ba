import Tensor

extension ExperimentFile {
    /// Every run of the file, after checking its size (`GridSize`) and each grid point's
    /// parameters together (`GridPointCheck`): at most `maxProcesses` processes per run, and a
    /// dataset that fits in `memory` (default: this machine's, `MemoryBudget.current()`).
    ///
    /// The grid of an item is the Cartesian product of its axes in file order, the last axis
    /// varying fastest; a zipped key is one axis. Runs come in benchopt's order: for each dataset
    /// item, each of its grid points, each objective, each solver item, each of its grid points,
    /// then the repetitions, so consecutive runs share their dataset. Their number is
    /// Σ over dataset and solver items of (dataset grid × solver grid) × objectives × n-repetitions.
    /// `firstIndex` numbers the runs after those of earlier documents of the same file.
    public func expand(maxProcesses: Int = RunSpec.defaultMaxProcesses, memory: MemoryBudget? = nil,
                       firstIndex: Int = 0) throws -> [RunSpec] {
        try GridSize.check(self)
        let budget = try memory ?? MemoryBudget.current()
        var runs = [RunSpec]()
        for dataset in datasets {
            for datasetPoint in dataset.gridPoints() {
                for objective in objectives {
                    for solver in solvers {
                        for solverPoint in solver.gridPoints() {
                            let first = RunSpec(index: firstIndex + runs.count, repetition: 0, objective: objective.name,
                                                dataset: dataset.name, datasetParameters: datasetPoint.mapValues(\.value),
                                                solver: solver.name, solverParameters: solverPoint.mapValues(\.value),
                                                maxIterations: maxRuns)
                            try GridPointCheck(file: path, dataset: dataset, datasetValues: datasetPoint, solver: solver,
                                               solverValues: solverPoint, run: first, maxProcesses: maxProcesses,
                                               memory: budget).check()
                            for repetition in 0..<nRepetitions {
                                runs.append(RunSpec(index: firstIndex + runs.count, repetition: repetition, objective: first.objective,
                                                    dataset: first.dataset, datasetParameters: first.datasetParameters,
                                                    solver: first.solver, solverParameters: first.solverParameters,
                                                    maxIterations: maxRuns))
                            }
                        }
                    }
                }
            }
        }
        return runs
    }
}

extension ExperimentItem {
    /// The item's grid points in order (last axis fastest), each holding every parameter of the
    /// catalog entry.
    func gridPoints() -> [[String: SourcedValue]] {
        let defaults = spec.defaults.mapValues { SourcedValue(value: $0, line: nil) }
        return axes.reduce([defaults]) { points, axis in
            points.flatMap { point in
                zip(axis.rows, axis.rowLines).map { row, line in
                    var next = point
                    for (name, value) in zip(axis.names, row) {
                        next[name] = SourcedValue(value: value, line: line)
                    }
                    return next
                }
            }
        }
    }
}
