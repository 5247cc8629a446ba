/// How a line of `invscale run`'s output is meant: progress that may be overwritten on a
/// terminal, a lasting line, or a failure (which also goes to standard error).
public enum LogKind: Sendable, Equatable {
    case transient, info, failure
}
