extension String {
    /// The text with every control character (ESC, line breaks, NUL, …) written as `\u{1B}`, so
    /// that a message quoting input text stays on one line and cannot drive the terminal.
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return self }
        return unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control
                ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
        }.joined()
    }
}
