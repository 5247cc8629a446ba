import Results

extension RunResult {
    /// The run's dataset and its parameters as the report names them ("tomography_2d img_size 512"):
    /// runs with the same text solve the same problem.
    var datasetText: String {
        let parameters = record.spec.datasetParameters
        return record.spec.dataset + " " + parameters.keys.sorted().map { "\($0) \(parameters[$0]!.displayText)" }.joined(separator: ", ")
    }
}
