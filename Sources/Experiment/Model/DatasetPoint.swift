import Tensor

/// One grid point's dataset parameters as the experiment file set them (with their lines), for
/// a dataset's `check`: typed reads by declaration, and errors that point at the line.
public struct DatasetPoint {
    /// The experiment file (for errors).
    let file: String
    /// The dataset item.
    let dataset: ExperimentItem
    /// Its parameters at this grid point.
    let values: [String: SourcedValue]
    /// The memory the machine has for the run.
    public let memory: MemoryBudget

    /// The value of `parameter` at this point (its default when the file does not set it).
    public func value(_ parameter: ParameterSpec) -> ParameterValue {
        values[parameter.name]?.value ?? parameter.defaultValue
    }

    /// An int parameter (1 when it is not an int: its own check has refused that already).
    public func int(_ parameter: ParameterSpec) -> Int { value(parameter).intValue ?? 1 }

    /// An error about `parameter`, at the line that set it (else the dataset's line).
    public func fail(_ parameter: ParameterSpec, _ message: String) -> ConfigError {
        ConfigError(file: file, line: values[parameter.name]?.line ?? dataset.line,
                    field: "dataset.\(dataset.name).\(parameter.name)", message)
    }
}
