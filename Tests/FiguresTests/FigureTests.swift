import Figures
import Formats
import Tensor
import Testing

@Suite("Figures")
struct FigureTests {
    @Test("glyphs: '1' has its stem in the middle column, a missing character is a hollow box, widths add up")
    func glyphs() {
        #expect((0..<7).allSatisfy { BitmapFont.ink("1", row: $0, column: 2) })
        #expect(!BitmapFont.ink("1", row: 0, column: 0))
        #expect(BitmapFont.ink("g", row: 8, column: 2), "descender below the baseline")
        #expect(!BitmapFont.ink(" ", row: 3, column: 2))
        let box = (0..<7).map { row in (0..<5).map { BitmapFont.ink("€", row: row, column: $0) } }
        #expect(box[0].allSatisfy { $0 } && box[6].allSatisfy { $0 } && box[3] == [true, false, false, false, true])
        #expect(BitmapFont.width(of: "") == 0 && BitmapFont.width(of: "ab") == 11)
    }

    @Test("every character of the labels we write has its own glyph, 5 columns wide")
    func labelsCovered() {
        let box = (0..<7).map { row in (0..<5).map { BitmapFont.ink("€", row: row, column: $0) } }
        for character in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:-+=()[]<>/|%_?!*#'\"·×²³σλ" {
            let glyph = (0..<7).map { row in (0..<5).map { BitmapFont.ink(character, row: row, column: $0) } }
            #expect(glyph != box, "\(character) falls back to the box")
        }
    }

    @Test("text at size 2 sets 2×2 squares where the glyph has ink")
    func textScaling() {
        var canvas = RasterCanvas(width: 20, height: 20)
        canvas.write("1", x: 3, y: 1, size: 2, colour: .black)
        for row in 0..<9 {
            for column in 0..<5 {
                let ink = BitmapFont.ink("1", row: row, column: column)
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    #expect((canvas[3 + 2 * column + dx, 1 + 2 * row + dy] == .black) == ink)
                }
            }
        }
        #expect(canvas[0, 0] == .white && canvas[19, 19] == .white)
    }

    @Test("colour maps: grey ends, magma anchors and midpoints, clamping, NaN")
    func colourMaps() {
        #expect(ColourMap.grey.colour(at: 0) == .black && ColourMap.grey.colour(at: 1) == .white)
        #expect(ColourMap.grey.colour(at: 0.5) == RGB(128, 128, 128))
        #expect(ColourMap.magma.colour(at: 0) == RGB(0, 0, 4) && ColourMap.magma.colour(at: 1) == RGB(252, 253, 191))
        #expect(ColourMap.magma.colour(at: 0.5) == RGB(183, 55, 121))
        #expect(ColourMap.magma.colour(at: 0.125) == RGB(41, 9, 64))
        #expect(ColourMap.magma.colour(at: 7) == RGB(252, 253, 191) && ColourMap.grey.colour(at: -1) == .black)
        #expect(ColourMap.grey.colour(at: .nan) == .black)
        let scale = ColourScale(range: 2...4)
        #expect(scale.colour(of: 3) == RGB(128, 128, 128) && scale.colour(of: 5) == .white)
        #expect(ColourScale(range: 1...1).colour(of: 1) == .black, "an empty range does not divide by zero")
    }

    @Test("panel figure: images drawn pixel for pixel, a bar running from the top of the range down, ticks labelled")
    func panelLayout() throws {
        let ramp = Tensor(shape: [1, 1, 16, 12], values: (0..<192).map { Float($0 % 12) / 11 })
        let group = PanelGroup(panels: [FigurePanel(title: ["ramp"], image: ramp)], scale: ColourScale(range: 0...1),
                               barTitle: "v", ticks: [(0, "0"), (1, "1"), (2, "outside")])
        let canvas = PanelFigure.render([group], minimumImageHeight: 0)
        // Size 1 text: margin 6, one title line of 12 rows, 2 rows of space → image top 20.
        let column = max(12, BitmapFont.width(of: "ramp")), left = 6 + (column - 12) / 2
        for j in 0..<12 { #expect(canvas[left + j, 20 + 5] == ColourMap.grey.colour(at: Float(j) / 11)) }
        let barX = 6 + column + 10
        #expect(canvas[barX + 5, 21] == ColourMap.grey.colour(at: 14.0 / 15) && canvas[barX + 5, 34] == ColourMap.grey.colour(at: 1.0 / 15))
        #expect(canvas[barX, 25] == .text, "bar frame")
        #expect(canvas.width == 6 + column + 10 + 10 + 3 + 2 + BitmapFont.width(of: "1") + 6)
        let labelInk = (0..<canvas.height).contains { canvas[barX + 15 + 2, $0] == .text }
        #expect(labelInk, "tick labels beside the bar")
        let zoomed = PanelFigure.render([group])
        // 16 rows shown 8× reach 128: still size-1 text, image top 20, a 96-pixel-wide column.
        #expect(zoomed.height == 20 + 128 + 4 + 6)
        for j in 0..<12 {
            #expect(zoomed[6 + 8 * j, 20] == ColourMap.grey.colour(at: Float(j) / 11))
            #expect(zoomed[6 + 8 * j + 7, 20 + 127] == ColourMap.grey.colour(at: Float(j) / 11))
        }
        #expect(zoomed[6 + 96, 20] == .white, "the gap after the column")
        let decoded = try PNG.decode(try canvas.png(), name: "figure")
        #expect(decoded.shape == [1, 3, canvas.height, canvas.width])
        let pixels = canvas.height * canvas.width
        decoded.withUnsafeBufferPointer { values in
            for (index, pixel) in [(0, canvas[0, 0]), (20 * canvas.width + left + 11, canvas[left + 11, 20])] {
                #expect(UInt8((values[index] * 255).rounded()) == pixel.red)
                #expect(UInt8((values[2 * pixels + index] * 255).rounded()) == pixel.blue)
            }
        }
    }
}
