/// The names the report's charts give the parts of an iteration.
enum StepLabel {
    static let total = "total"
    static let gradient = "gradient"
    static let denoiser = "denoiser"
    static let communication = "communication"
    static let other = "other"
}
