/// The parts every chart shares: the `<svg>` root, axes with ticks, grid and titles, the legend.
enum ChartFrame {
    struct Root {
        let width: Double, height: Double, title: String, seriesCount: Int
    }

    /// The opening `<svg …>` with a title and `data-series`.
    static func open(_ root: Root) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(SVGText.coordinate(root.width)) \(SVGText.coordinate(root.height))\" "
            + "data-series=\"\(root.seriesCount)\" role=\"img\" aria-label=\"\(SVGText.escape(root.title))\">\n"
            + "<text class=\"chart-title\" x=\"\(SVGText.coordinate(root.width / 2))\" y=\"18\" text-anchor=\"middle\">\(SVGText.escape(root.title))</text>\n"
    }

    /// Axis lines, ticks with labels, grid lines and axis titles (`x` horizontal, `y` vertical).
    static func axes(x: NiceScale, y: NiceScale, width: Double, xLabel: String, yLabel: String, height: Double,
                     legendHeight: Double, xTickLabels: [String]? = nil) -> String {
        let (left, right, bottom, top) = (x.start, x.end, y.start, y.end)
        var out = "<g class=\"axes\" font-size=\"11\">\n"
        for tick in y.ticks {
            let p = SVGText.coordinate(y.position(tick))
            out += "<line x1=\"\(SVGText.coordinate(left))\" x2=\"\(SVGText.coordinate(right))\" y1=\"\(p)\" y2=\"\(p)\" stroke=\"#e3e3e3\"/>"
                + "<text x=\"\(SVGText.coordinate(left - 6))\" y=\"\(p)\" dy=\"4\" text-anchor=\"end\">\(y.label(tick))</text>\n"
        }
        let xTicks = x.ticks
        for (index, tick) in xTicks.enumerated() {
            let p = SVGText.coordinate(x.position(tick))
            let text = xTickLabels.map { index < $0.count ? SVGText.escape($0[index]) : "" } ?? x.label(tick)
            out += "<line x1=\"\(p)\" x2=\"\(p)\" y1=\"\(SVGText.coordinate(bottom))\" y2=\"\(SVGText.coordinate(bottom + 4))\" stroke=\"#444\"/>"
                + "<text x=\"\(p)\" y=\"\(SVGText.coordinate(bottom + 16))\" text-anchor=\"middle\">\(text)</text>\n"
        }
        out += "<line x1=\"\(SVGText.coordinate(left))\" x2=\"\(SVGText.coordinate(right))\" y1=\"\(SVGText.coordinate(bottom))\" y2=\"\(SVGText.coordinate(bottom))\" stroke=\"#444\"/>"
        out += "<line x1=\"\(SVGText.coordinate(left))\" x2=\"\(SVGText.coordinate(left))\" y1=\"\(SVGText.coordinate(bottom))\" y2=\"\(SVGText.coordinate(top))\" stroke=\"#444\"/>\n"
        out += "<text class=\"axis-title\" x=\"\(SVGText.coordinate((left + right) / 2))\" y=\"\(SVGText.coordinate(bottom + 32))\" text-anchor=\"middle\">\(SVGText.escape(xLabel))</text>\n"
        out += "<text class=\"axis-title\" transform=\"translate(14 \(SVGText.coordinate((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVGText.escape(yLabel))</text>\n"
        return out + "</g>\n"
    }

    /// Legend entries (colour swatch and name, long names wrapped onto further lines), from `top`.
    static func legend(_ names: [String], width: Double, top: Double) -> String {
        var out = "<g class=\"legend\" font-size=\"11\">\n", y = top
        for (index, name) in names.enumerated() {
            let x = 16.0, lines = legendLines(name, width: width)
            out += "<rect x=\"\(SVGText.coordinate(x))\" y=\"\(SVGText.coordinate(y))\" width=\"10\" height=\"10\" fill=\"\(ChartPalette.colour(index))\"/>"
                + "<text x=\"\(SVGText.coordinate(x + 14))\" y=\"\(SVGText.coordinate(y + 9))\">"
                + lines.enumerated().map { line, text in
                    "<tspan x=\"\(SVGText.coordinate(x + 14))\" dy=\"\(line == 0 ? 0 : legendLineHeight)\">\(SVGText.escape(text))</tspan>"
                }.joined() + "</text>\n"
            y += legendEntryHeight(lines.count)
        }
        return out + "</g>\n"
    }

    /// Height of the legend block under the plot for `names` in a chart `width` pixels wide.
    static func legendHeight(_ names: [String], width: Double) -> Double {
        names.map { legendEntryHeight(legendLines($0, width: width).count) }.reduce(0, +)
    }

    /// `name` broken at spaces into lines that fit beside the swatch (11-pixel text is at most
    /// about 6.5 pixels per character); a single word longer than a line stays whole.
    static func legendLines(_ name: String, width: Double) -> [String] {
        let limit = max(12, Int((width - 40) / 6.5))
        var lines: [String] = [], line = ""
        for word in name.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty && line.count + 1 + word.count > limit {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + (line.isEmpty && !lines.isEmpty ? [] : [line])
    }

    private static let legendLineHeight = 13
    private static func legendEntryHeight(_ lines: Int) -> Double { Double(16 + (lines - 1) * legendLineHeight) }
}
