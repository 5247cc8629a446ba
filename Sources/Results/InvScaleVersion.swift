/// The program's version, written into every result.
public enum InvScaleVersion {
    public static let current = "0.4.0-dev"
}
