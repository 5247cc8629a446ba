import Tensor

/// A solver the runner can run and record without knowing which one it is: built by its
/// declaration (`PnPRun.makeSolver`), it gives its first iterate and runs its own iterations,
/// reporting each step and each iteration to an `IterationObserver`.
public protocol IterativeSolver {
    /// The gradient step γ in use.
    var step: Double { get }
    /// ‖A‖² behind the step (nil with a fixed step).
    var normSquared: Double? { get }
    /// The iterations the method itself is made of (DPIR's schedule), after which it stops
    /// whatever the run asks; nil for a method that goes on as long as it is asked.
    var iterationLimit: Int? { get }
    /// The first iterate; `fbp` gives the filtered back-projection for `.fbp`.
    func initialImage(_ start: PnPInitialisation, fbp: (() throws -> Tensor)?) throws -> Tensor
    /// Runs iterations on `x` until `maxIterations` (at least one) or until `observer` says
    /// stop; returns the number done.
    @discardableResult
    func solve<Observer: IterationObserver>(_ x: inout Tensor, maxIterations: Int, observer: inout Observer) throws -> Int
}

extension IterativeSolver {
    public var iterationLimit: Int? { nil }
}
