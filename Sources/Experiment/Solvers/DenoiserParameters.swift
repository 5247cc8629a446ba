import Communication
import Denoisers
import Tensor

/// The parameters of the plug-and-play prior, shared by the PnP solvers: which denoiser, its
/// noise level and weights, and the TV denoiser's inner iterations. Builds the denoiser a run
/// uses, tiled and spread over ranks as `ExecutionParameters` say.
public struct DenoiserParameters: Sendable {
    /// The denoisers `denoiser` names.
    public enum Kind: String, Sendable, CaseIterable {
        case drunet, tv
    }

    static let denoiser = ParameterSpec("denoiser", .string, .string(Kind.drunet.rawValue), "denoiser used as the prior",
                                        choices: Kind.allCases.map(\.rawValue))
    static let sigma = ParameterSpec("denoiser_sigma", .float, .double(0.05),
                                     "noise level given to the denoiser (normalised image)", bound: .positive)
    static let weights = ParameterSpec("denoiser_weights", .string, .string("drunet"),
                                       "DRUNet weights: a file, official, bundled, random, or drunet (official if cached, else bundled)")
    static let tvIterations = ParameterSpec("tv_iterations", .int, .int(50), "inner iterations of the TV denoiser", bound: .positive)

    public let kind: Kind
    public let sigma: Double
    /// `denoiser_weights` as given.
    public let weights: String
    public let tvIterations: Int

    public init(_ parameters: ParameterSet) throws(RunModelError) {
        kind = try parameters.choice(Self.denoiser, as: Kind.self)
        sigma = try parameters.double(Self.sigma)
        weights = try parameters.string(Self.weights)
        tvIterations = try parameters.int(Self.tvIterations)
    }

    /// The label part: "drunet σ 0.05", with ", weights bundled" when not the default weights.
    var label: String {
        let weightsPart = kind == .drunet && weights != Self.weights.defaultValue.stringValue ? ", weights \(weights)" : ""
        return "\(kind.rawValue) σ \(ParameterValue.double(sigma))\(weightsPart)"
    }

    /// The denoiser of a run on images of `shape` (rank 5: volumes), on `communicator`'s rank:
    /// tiled when `execution` says so, its tiles spread over the processes when there are
    /// several; with a sentence saying which denoiser runs and, when tiled, the windows per call.
    public func make(shape: [Int], execution: ExecutionParameters, communicator: any Communicator) throws
        -> (denoiser: any Denoiser, description: String, windows: Int?) {
        var base: any Denoiser, description: String
        switch kind {
        case .tv:
            base = try TotalVariationDenoiser(iterations: tvIterations)
            description = "TV proximal denoiser, \(tvIterations) dual iterations"
        case .drunet where shape.count == 5:
            (base, description) = try DenoiserCatalog.resolveVolume(runWeights: weights, channels: shape[1])
        case .drunet:
            let choice = try DenoiserCatalog.resolve(runWeights: weights, channels: shape[1])
            (base, description) = (choice.model, choice.source)
        }
        let (patch, overlap) = (execution.patchSize, execution.overlap)
        guard execution.distributeDenoiser, patch.allSatisfy({ $0 > 0 }) else { return (base, description, nil) }
        guard let batch = execution.maxBatchSize else {
            throw RunModelError.parameter(ExecutionParameters.maxBatchSizeName,
                                          "an int (invscale run resolves auto before a run starts)", .string(ParameterType.auto))
        }
        let windows = try Tiling(shape: shape, patchSize: patch, overlap: overlap).patches.count
        description += ", tiles \(RunSpec.sizes(patch)) overlap \(RunSpec.sizes(overlap)) batch \(batch)"
        if communicator.size > 1 {
            base = DistributedTiledDenoiser(inner: base, patchSize: patch, overlap: overlap, maxBatchSize: batch,
                                            communicator: communicator, gather: execution.tileGather)
            description += ", tiles spread over \(communicator.size) processes (\(execution.tileGather.rawValue))"
        } else {
            base = TiledDenoiser(inner: base, patchSize: patch, overlap: overlap, maxBatchSize: batch)
        }
        return (base, description, windows)
    }
}
