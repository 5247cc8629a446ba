/// Parameter names that several declarations use, each for a parameter of its own (its type,
/// default and meaning stay in the declaring file): the reference gives its datasets the same
/// `num_operators`, `noise_level` and `seed`, two of them `img_size`, and its solver a `seed`
/// too. Written here once, so that every parameter name appears in one file.
enum SharedParameterName {
    static let imgSize = "img_size"
    static let numOperators = "num_operators"
    static let noiseLevel = "noise_level"
    static let seed = "seed"
}
