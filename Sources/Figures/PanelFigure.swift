import Tensor

/// One image of a figure, drawn under its title lines.
public struct FigurePanel: Sendable {
    public var title: [String]
    public var image: Tensor

    public init(title: [String], image: Tensor) { (self.title, self.image) = (title, image) }
}

/// Panels drawn on one colour scale, followed by that scale's colour bar: a vertical ramp with
/// tick marks and the labels in `ticks` (those outside the scale's range are dropped), under
/// `barTitle`.
public struct PanelGroup: Sendable {
    public var panels: [FigurePanel]
    public var scale: ColourScale
    public var barTitle: String
    public var ticks: [(value: Float, text: String)]

    public init(panels: [FigurePanel], scale: ColourScale, barTitle: String, ticks: [(value: Float, text: String)]) {
        (self.panels, self.scale, self.barTitle) = (panels, scale, barTitle)
        let slack = (scale.range.upperBound - scale.range.lowerBound) * 1e-4
        self.ticks = ticks.filter { $0.value >= scale.range.lowerBound - slack && $0.value <= scale.range.upperBound + slack }
    }
}

/// Lays out groups of panels left to right on a white canvas: titles above the images (centred
/// in columns as wide as the image or its longest title), a colour bar after each group. Images
/// shorter than `minimumImageHeight` are enlarged by a whole factor (nearest neighbour, at most
/// 8×), one zoom for the whole figure. Text is scaled with the shown images: font pixels of 1 up
/// to 128 pixels tall, 2 up to 256, at most 3.
public enum PanelFigure {
    public static func render(_ groups: [PanelGroup], minimumImageHeight: Int = 128) -> RasterCanvas {
        let tallest = groups.flatMap(\.panels).map { $0.image.shape[$0.image.rank - 2] }.max() ?? 0
        let zoom = tallest > 0 ? min(max((minimumImageHeight + tallest - 1) / tallest, 1), 8) : 1
        let imageHeight = tallest * zoom
        let size = min(max((imageHeight + 127) / 128, 1), 3)
        let line = (BitmapFont.cellHeight + 3) * size, margin = 6 * size, gap = 10 * size, groupGap = 16 * size
        let titleLines = max(1, groups.flatMap(\.panels).map(\.title.count).max() ?? 1)
        let imageTop = margin + titleLines * line + 2 * size
        let barWidth = 10 * size, tickLength = 3 * size

        func textWidth(_ text: String) -> Int { BitmapFont.width(of: text) * size }
        func barColumnWidth(_ group: PanelGroup) -> Int {
            max(barWidth + tickLength + 2 * size + (group.ticks.map { textWidth($0.text) }.max() ?? 0),
                textWidth(group.barTitle))
        }
        func columnWidth(_ panel: FigurePanel) -> Int {
            max(panel.image.shape[panel.image.rank - 1] * zoom, panel.title.map(textWidth).max() ?? 0)
        }
        let contentWidth = groups.map { group in
            group.panels.map { columnWidth($0) + gap }.reduce(0, +) + barColumnWidth(group)
        }.reduce(0, +) + groupGap * max(groups.count - 1, 0)
        var canvas = RasterCanvas(width: contentWidth + 2 * margin,
                                  height: imageTop + imageHeight + BitmapFont.cellHeight * size / 2 + margin)

        var x = margin
        for group in groups {
            var groupHeight = 0
            for panel in group.panels {
                let column = columnWidth(panel)
                let (h, w) = (panel.image.shape[panel.image.rank - 2] * zoom, panel.image.shape[panel.image.rank - 1] * zoom)
                for (index, title) in panel.title.enumerated() {
                    canvas.write(title, x: x + (column - textWidth(title)) / 2, y: margin + index * line, size: size)
                }
                canvas.draw(image: panel.image, x: x + (column - w) / 2, y: imageTop, scale: group.scale, zoom: zoom)
                groupHeight = max(groupHeight, h)
                x += column + gap
            }
            canvas.write(group.barTitle, x: x, y: margin + (titleLines - 1) * line, size: size)
            drawBar(group, into: &canvas, x: x, top: imageTop, height: groupHeight, width: barWidth,
                    tickLength: tickLength, size: size)
            x += barColumnWidth(group) + groupGap
        }
        return canvas
    }

    /// The colour ramp (top = upper end of the range) framed in the text colour, with ticks.
    private static func drawBar(_ group: PanelGroup, into canvas: inout RasterCanvas, x: Int, top: Int, height: Int,
                                width: Int, tickLength: Int, size: Int) {
        guard height > 1 else { return }
        let range = group.scale.range
        for row in 0..<height {
            let fraction = Float(height - 1 - row) / Float(height - 1)
            let value = range.lowerBound + fraction * (range.upperBound - range.lowerBound)
            canvas.fill(x: x, y: top + row, width: width, height: 1, with: group.scale.colour(of: value))
        }
        for (edgeX, edgeY, w, h) in [(x, top, width, 1), (x, top + height - 1, width, 1),
                                     (x, top, 1, height), (x + width - 1, top, 1, height)] {
            canvas.fill(x: edgeX, y: edgeY, width: w, height: h, with: .text)
        }
        for tick in group.ticks {
            let fraction = min(max((tick.value - range.lowerBound) / (range.upperBound - range.lowerBound), 0), 1)
            let y = top + Int((Float(height - 1) * (1 - fraction)).rounded())
            canvas.fill(x: x + width, y: y, width: tickLength, height: max(1, size / 2), with: .text)
            canvas.write(tick.text, x: x + width + tickLength + 2 * size, y: y - 3 * size, size: size)
        }
    }
}
