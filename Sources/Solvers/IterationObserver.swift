import Tensor

/// The steps of a solver's iteration, named so that an observer can time them apart: the data
/// step (a gradient step, or an inner solve) and the prior step (the denoiser).
public enum SolverStep: Sendable {
    case gradient, denoise
}

/// What watches a solver's iterations: the runner, which times each step, records a row after
/// each iteration and decides with the other ranks whether to go on. The solver owns its loop
/// and calls the observer; the observer never changes the iterate.
public protocol IterationObserver {
    /// Runs `body`, step `step` of iteration `iteration`, and measures it.
    mutating func run(_ step: SolverStep, iteration: Int, _ body: () throws -> Void) throws
    /// Called once iteration `iteration` is done, with the iterate; false stops the solver.
    mutating func shouldContinue(after iteration: Int, iterate: Tensor) throws -> Bool
}
