import FoundationEssentials

/// What the report needs of one run folder: its `run.json` (the fields below, the rest ignored)
/// and the rows of every rank's `metrics_rank<r>.csv`.
public struct RunResult: Sendable {
    /// The part of `run.json` the report reads.
    public struct Record: Decodable, Sendable {
        public struct Spec: Decodable, Sendable {
            public let index: Int?
            public let dataset: String
            public let solver: String
            public let dataset_parameters: [String: JSONScalar]
            public let solver_parameters: [String: JSONScalar]
            public let max_iterations: Int
        }
        public struct Machine: Decodable, Sendable {
            public let cpu: String
            public let cores: Int
            public let memory_gib: Double?
            public let host: String
            /// The BLAS and its kernel (absent in older records).
            public let blas: String?
        }
        public let spec: Spec
        public let label: String?
        public let status: String
        public let error: String?
        public let started: String
        public let finished: String?
        public let iterations: Int
        public let denoiser: String?
        /// Windows of the tiled denoiser per call over all ranks (absent in older records).
        public let tile_windows: Int?
        public let initial_psnr: Double?
        public let final_psnr: Double?
        public let final_ssim: Double?
        public let solver_seconds: Double
        public let peak_rss_mb: Double?
        public let peak_rss_mb_max_rank: Double?
        public let processes: Int?
        public let threads: Int?
        public let launcher: String?
        public let machine: Machine
        public let versions: [String: String]
    }

    /// The run's folder.
    public let folder: String
    public let record: Record
    /// Rows of each rank's CSV, by rank.
    public let ranks: [[MetricsRow]]

    /// Reads the run in `folder`; nil when it has no `run.json` (not a run folder); throws a
    /// `ReportError` naming the file when its `run.json` cannot be read or is not a run record.
    public static func load(folder: String) throws -> RunResult? {
        let path = folder + "/run.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            throw ReportError("\(path): cannot read the run record")
        }
        let record: Record
        do { record = try JSONDecoder().decode(Record.self, from: data) } catch {
            throw ReportError("\(path): not a run record (\(ReportError.describe(error)))")
        }
        var ranks: [[MetricsRow]] = []
        while let text = try? String(contentsOfFile: folder + "/metrics_rank\(ranks.count).csv", encoding: .utf8) {
            ranks.append(MetricsRow.parse(csv: text))
        }
        return RunResult(folder: folder, record: record, ranks: ranks)
    }

    /// Every run under `path` (one folder per run), in the experiment's order.
    public static func loadAll(in path: String) -> [RunResult] { scan(path).runs }

    /// The runs under `path`, in the experiment's order, and the run folders whose `run.json`
    /// could not be read (their errors, in folder order).
    public static func scan(_ path: String) -> (runs: [RunResult], unreadable: [ReportError]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        var runs: [RunResult] = [], unreadable: [ReportError] = []
        for name in names {
            do {
                if let run = try load(folder: path + "/" + name) { runs.append(run) }
            } catch let error as ReportError {
                unreadable.append(error)
            } catch {
                unreadable.append(ReportError("\(path)/\(name): \(error)"))
            }
        }
        let ordered = runs.sorted { ($0.record.spec.index ?? 0, $0.folder) < ($1.record.spec.index ?? 0, $1.folder) }
        return (ordered, unreadable)
    }

    /// The label the runner gave the run, else dataset and solver.
    public var label: String { record.label ?? "\(record.spec.solver) · \(record.spec.dataset)" }
    /// Processes of the run.
    public var processes: Int { record.processes ?? ranks.count }
    /// Rank 0's rows.
    public var rows: [MetricsRow] { ranks.first ?? [] }

    /// The image side (`img_size`, or `image_size` for the longest side), when the dataset has one.
    public var imageSide: Double? {
        (record.spec.dataset_parameters["img_size"] ?? record.spec.dataset_parameters["image_size"])?.number
    }

    /// Whether the denoiser ran in tiles (`distribute_denoiser` with a patch size).
    public var isTiled: Bool {
        guard case .flag(true) = record.spec.solver_parameters["distribute_denoiser"] else { return false }
        return record.spec.solver_parameters["patch_size"]?.numbers?.allSatisfy { $0 > 0 } ?? false
    }

    /// Tiles of the denoiser per iteration over all ranks (1 when it is not tiled): as the run
    /// recorded it, else (older records) ⌈D/p⌉ windows along each side D > p of a square image.
    public var windows: Int {
        if let recorded = record.tile_windows { return recorded }
        guard isTiled, let patch = record.spec.solver_parameters["patch_size"]?.number,
              let side = imageSide, side > patch else { return 1 }
        let perSide = Int((side / patch).rounded(.up))
        return perSide * perSide
    }

    /// Mean of `column` over rank 0's iterations (nil without rows).
    public func mean(_ column: String, rank: Int = 0) -> Double? {
        let values = (rank < ranks.count ? ranks[rank] : []).compactMap { $0[column] }
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Largest value of `column` over the iterations of `rank`, or of all ranks when nil.
    public func maximum(_ column: String, rank: Int? = nil) -> Double? {
        let rows = rank.map { $0 < ranks.count ? ranks[$0] : [] } ?? ranks.flatMap { $0 }
        return rows.compactMap { $0[column] }.max()
    }
}

/// A number, string, bool or list from a JSON parameter map (the report only displays them).
public enum JSONScalar: Decodable, Sendable, CustomStringConvertible {
    case number(Double), text(String), flag(Bool), list([JSONScalar]), null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .flag(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .text(value) }
        else { self = .list(try container.decode([JSONScalar].self)) }
    }

    public var description: String {
        switch self {
        case let .number(value): NiceScale.format(value)
        case let .text(value): value
        case let .flag(value): "\(value)"
        case let .list(values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .null: "null"
        }
    }

    /// The value as a number, when it is one.
    public var number: Double? { if case let .number(value) = self { value } else { nil } }

    /// A number as one value, a list of numbers as its values (per-axis tile sizes); else nil.
    public var numbers: [Double]? {
        switch self {
        case let .number(value): [value]
        case let .list(values): values.allSatisfy { $0.number != nil } && !values.isEmpty ? values.compactMap(\.number) : nil
        default: nil
        }
    }

    /// `8×256×256` for a list, the value itself otherwise.
    public var sizes: String {
        guard case let .list(values) = self else { return description }
        return values.map(\.description).joined(separator: "×")
    }
}

/// One CSV row: its numeric fields by column name (empty fields absent).
public struct MetricsRow: Sendable {
    public let values: [String: Double]

    public subscript(column: String) -> Double? { values[column] }

    /// The rows of a CSV text with a header line.
    public static func parse(csv: String) -> [MetricsRow] {
        let lines = csv.split(whereSeparator: \.isNewline)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            var values: [String: Double] = [:]
            for (name, field) in zip(header, fields) { if let value = Double(field) { values[name] = value } }
            return MetricsRow(values: values)
        }
    }
}
