/// A parameter's value at one grid point and the line that set it (nil for a catalog default).
struct SourcedValue {
    /// The canonical value.
    let value: ParameterValue
    /// The file line, or nil for a default.
    let line: Int?
}
