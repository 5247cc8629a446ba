/// Where a run stands, as `run.json` records it.
public enum RunStatus: String, Codable, Sendable {
    case running, finished, failed, interrupted
}
