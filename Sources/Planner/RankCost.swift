/// The predicted cost of one rank of a run: its memory in each phase and its time per iteration.
public struct RankCost: Sendable, Equatable {
    public var rank: Int
    /// Peak resident bytes during set-up, the gradient step and the denoiser step.
    public var setupBytes: Double
    public var gradientBytes: Double
    public var denoiseBytes: Double
    /// Compute seconds of the gradient and denoiser steps, and collective transfer seconds.
    public var gradientS: Double
    public var denoiseS: Double
    public var gradientCommS: Double
    public var denoiseCommS: Double
    /// Bytes of the buffers this rank passes to collectives per iteration (all-reduced, or
    /// all-gathered in full).
    public var commBytes: Double
    /// The denoiser's windows on this rank and the windows of each call (empty when untiled).
    public var windows: Int = 0
    public var calls: [Int] = []

    /// The whole run's peak resident bytes.
    public var peakBytes: Double { max(setupBytes, gradientBytes, denoiseBytes) }
    /// Compute seconds per iteration.
    public var computeS: Double { gradientS + denoiseS }
}
