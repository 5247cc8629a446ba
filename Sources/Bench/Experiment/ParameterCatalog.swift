/// The objectives, datasets and solvers that experiment files may name, with every parameter's
/// type, default and meaning (the reference benchmark's parameters plus InvScale's own).
public enum ParameterCatalog {
    /// The objectives: only the reconstruction objective (PSNR, SSIM, MSE of each iterate).
    public static let objectives: [ComponentSpec] = [
        ComponentSpec("reconstruction_objective", .objective,
                      summary: "Scores each iterate against the ground truth (PSNR, SSIM, MSE).",
                      isBuilt: true, parameters: []),
    ]

    /// The datasets.
    public static let datasets: [ComponentSpec] = [tomography2D, tomography3D, highresColorImage]

    /// The solvers.
    public static let solvers: [ComponentSpec] = [pnp]

    /// The components of `kind`.
    public static func components(_ kind: ComponentKind) -> [ComponentSpec] {
        switch kind {
        case .objective: objectives
        case .dataset: datasets
        case .solver: solvers
        }
    }

    /// The component of `kind` called `name`, if any.
    public static func component(_ kind: ComponentKind, named name: String) -> ComponentSpec? {
        components(kind).first { $0.name == name }
    }

    static let tomography2D = ComponentSpec(
        "tomography_2d", .dataset,
        summary: "Modified Shepp–Logan phantom, 2-D parallel-beam CT split into operators, Gaussian noise.",
        isBuilt: true, imageSizeParameter: "img_size", dimensions: 2, parameters: [
            ParameterSpec("img_size", .int, .int(512), "image side N in pixels (N × N)", bound: .positive),
            ParameterSpec("num_operators", .int, .int(1), "operators, each a contiguous block of angles", bound: .positive),
            ParameterSpec("num_angles", .int, .int(100), "projection angles, uniform in [0°, 180°)", bound: .positive),
            ParameterSpec("noise_level", .float, .double(0.01), "standard deviation of the Gaussian noise on the sinogram",
                          bound: .nonNegative),
            ParameterSpec("seed", .int, .int(42), "seed of the noise generator (the reference's 42)", bound: .nonNegative),
            ParameterSpec("circle", .bool, .bool(true), "detector covers the inscribed circle only (else ceil(√2·N) cells)"),
        ])

    static let tomography3D = ComponentSpec(
        "tomography_3d", .dataset,
        summary: "3-D CT (cone-beam or parallel) of the walnut when its files are in the data folder, else a synthetic Shepp–Logan-type volume on a walnut-like orbit; views split into operators.",
        isBuilt: true, imageSizeParameter: "img_size", dimensions: 3, parameters: [
            ParameterSpec("num_operators", .int, .int(1), "operators, each a block of projections", bound: .positive),
            ParameterSpec("num_projections", .int, .int(50), "projection views, picked by linspace(0, total − 1, n) from the full scan",
                          bound: .positive),
            ParameterSpec("geometry_type", .string, .string("conebeam"), "beam geometry",
                          choices: ["conebeam", "parallel3d"]),
            ParameterSpec("use_dataset_sinogram", .bool, .bool(true), "use the dataset's sinogram (measured, or the synthetic phantom's exact line integrals) instead of A x"),
            ParameterSpec("img_size", .intOrIntList, .int(512),
                          "synthetic volume: side N (N × N × N) or [D, H, W], voxels of 50.1/H mm (the walnut's field of view); the reference fixes 512; real data keep their size",
                          bound: .positive),
            ParameterSpec("seed", .int, .int(0), "the reference's seed; no part of this dataset is random", bound: .nonNegative),
        ])

    static let highresColorImage = ComponentSpec(
        "highres_color_image", .dataset,
        summary: "Colour photograph resized to image_size, blurred by anisotropic Gaussian kernels, noisy.",
        isBuilt: false, imageSizeParameter: "image_size", dimensions: 2, parameters: [
            ParameterSpec("image_size", .int, .int(2048), "longest image side in pixels", bound: .positive),
            ParameterSpec("num_operators", .int, .int(1), "blur operators, kernels at angles spread over 180°", bound: .positive),
            ParameterSpec("noise_level", .float, .double(0.01), "standard deviation of the Gaussian noise",
                          bound: .nonNegative),
            ParameterSpec("seed", .int, .int(0), "seed of the noise generator (operator i uses seed + i)", bound: .nonNegative),
        ])

    static let pnp = ComponentSpec(
        "PnP", .solver,
        summary: "Plug-and-play proximal gradient: a gradient step on ½‖Ax − y‖², then a denoiser.",
        isBuilt: true, parameters: [
            ParameterSpec("denoiser", .string, .string("drunet"), "denoiser used as the prior", choices: ["drunet", "tv"]),
            ParameterSpec("denoiser_sigma", .float, .double(0.05), "noise level given to the denoiser (normalised image)",
                          bound: .positive),
            ParameterSpec("denoiser_lambda_relaxation", .floatOrNull, .null,
                          "λ: mix input and denoised image with α = step·λ/(1 + step·λ); null = no relaxation",
                          bound: .positive),
            ParameterSpec("step_size", .floatOrNull, .null, "gradient step; null = step_size_scale / ‖A‖²", bound: .positive),
            ParameterSpec("step_size_scale", .float, .double(0.99), "factor on 1/‖A‖² when step_size is null",
                          bound: .positive),
            ParameterSpec("distribute_physics", .bool, .bool(false), "split the operators across the processes"),
            ParameterSpec("distribute_denoiser", .bool, .bool(false), "split the denoiser into tiles across the processes"),
            ParameterSpec("patch_size", .intOrIntList, .int(128), "tile side, or one per dimension; 0 = whole image",
                          bound: .nonNegative),
            ParameterSpec("overlap", .intOrIntList, .int(32), "tile overlap, or one per dimension", bound: .nonNegative),
            ParameterSpec("max_batch_size", .int, .int(0), "tiles denoised per batch; 0 = all at once", bound: .nonNegative),
            ParameterSpec("tile_gather", .string, .string("crops"),
                          "how ranks share denoised tiles: crops (all-gather of the kept parts) or all_reduce (the reference's)",
                          choices: ["crops", "all_reduce"]),
            ParameterSpec("init_method", .string, .string("pseudo_inverse"),
                          "first iterate; pseudo_inverse is Aᵀy, as in the reference",
                          choices: ["zeros", "pseudo_inverse", "fbp"]),
            ParameterSpec("slurm_nodes", .int, .int(1), "SLURM nodes", bound: .positive, maximum: RunSpec.maxParameterProcesses),
            ParameterSpec("slurm_ntasks_per_node", .int, .int(1), "processes per node", bound: .positive,
                          maximum: RunSpec.maxParameterProcesses),
            ParameterSpec("slurm_gres", .string, .string("gpu:1"),
                          "SLURM generic resources; gpu:N or gpu:TYPE:N needs slurm_ntasks_per_node = N"),
            ParameterSpec("torchrun_nproc_per_node", .int, .int(1), "processes started by torchrun (used when > 1)",
                          bound: .positive, maximum: RunSpec.maxParameterProcesses),
            ParameterSpec("name_prefix", .string, .string("pnp"), "prefix of the run name"),
            ParameterSpec("denoiser_weights", .string, .string("drunet"),
                          "DRUNet weights: a file, official, bundled, random, or drunet (official if cached, else bundled)"),
            ParameterSpec("device", .string, .string("cpu"), "where to compute", choices: ["cpu", "cuda"]),
            ParameterSpec("stop_psnr_target", .floatOrNull, .null, "stop once the PSNR reaches this many dB; null = off"),
            ParameterSpec("stop_patience", .int, .int(0), "stop after this many iterations without PSNR gain; 0 = off",
                          bound: .nonNegative),
            ParameterSpec("tv_iterations", .int, .int(50), "inner iterations of the TV denoiser", bound: .positive),
            ParameterSpec("seed", .int, .int(0), "seed of random weights and other random choices", bound: .nonNegative),
        ])
}
