/// The sizes a run's cost depends on, declared by its dataset (`DatasetRun.workload`): the image
/// or volume, the operators, and what the operators measure. The planner predicts memory and time
/// from it without building anything.
public struct Workload: Sendable, Equatable {
    /// The forward model.
    public enum Physics: Sendable, Equatable {
        /// 2-D parallel beam: angles over all operators, detector cells per angle.
        case parallelBeam(angles: Int, detectors: Int)
        /// 3-D cone (or parallel) beam: views over all operators, detector rows and columns.
        case coneBeam(views: Int, rows: Int, columns: Int)
        /// Circular blurs in the Fourier domain (each operator a kernel).
        case blur
    }

    /// `[C, H, W]` or `[C, D, H, W]`.
    public let imageShape: [Int]
    /// Operators the measurements are split into.
    public let operators: Int
    public let physics: Physics
    /// Whether every rank simulates all operators' measurements at set-up and keeps them (the
    /// 3-D scan's preview holds the whole problem), not only its own.
    public let keepsAllMeasurements: Bool

    public init(imageShape: [Int], operators: Int, physics: Physics, keepsAllMeasurements: Bool = false) {
        self.imageShape = imageShape
        self.operators = operators
        self.physics = physics
        self.keepsAllMeasurements = keepsAllMeasurements
    }

    /// Pixels (or voxels) of one channel.
    public var pixels: Int { imageShape.dropFirst().reduce(1, *) }
    /// Values of the image, all channels.
    public var values: Int { imageShape.reduce(1, *) }
    /// Whether the image is a volume.
    public var isVolume: Bool { imageShape.count == 4 }

    /// Measured values of all operators.
    public var measurementValues: Int {
        switch physics {
        case .parallelBeam(let angles, let detectors): angles * detectors * imageShape[0]
        case .coneBeam(let views, let rows, let columns): views * rows * columns * imageShape[0]
        case .blur: operators * values
        }
    }
}
