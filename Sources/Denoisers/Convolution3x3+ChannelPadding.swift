/// Zero channels that let a network's head and tail run by Winograd: the head's input (the image
/// channels and σ) and the tail's output (the image channels) are rarely multiples of 8, and
/// their im2col with 27 taps costs several times a Winograd layer of the same size.
extension Convolution3x3 {
    /// Which channel count to pad.
    enum Side {
        case input
        case output
    }

    /// This layer by Winograd, the channel count of `side` rounded up to a multiple of 8 with zero
    /// weights: extra input channels are ignored, extra output channels come out zero. `self` when
    /// the other count is not a multiple of 8.
    func paddedForWinograd(_ side: Side) -> Convolution3x3 {
        func padded(_ count: Int, _ pad: Bool) -> Int { pad ? (count + 7) / 8 * 8 : count }
        let cin = padded(inputChannels, side == .input), cout = padded(outputChannels, side == .output)
        guard WinogradConvolution3x3.supports(inputChannels: cin, outputChannels: cout) else { return self }
        var matrix = [Float](repeating: 0, count: kernelDepth * 9 * cin * cout)
        for tap in 0..<(kernelDepth * 9) {
            for ci in 0..<inputChannels {
                for co in 0..<outputChannels {
                    matrix[(tap * cin + ci) * cout + co] = self.matrix[(tap * inputChannels + ci) * outputChannels + co]
                }
            }
        }
        return Convolution3x3(inputChannels: cin, outputChannels: cout, kernelDepth: kernelDepth, matrix: matrix,
                              algorithm: .winograd)
    }
}

extension DRUNetLayers {
    /// These layers with the head's input and the tail's output padded for Winograd
    /// (`paddedForWinograd`): the input map then needs `head.inputChannels` channels (zeros after
    /// σ), and only the first channels of the result are the image.
    func paddedForWinograd() -> DRUNetLayers {
        DRUNetLayers(head: head.paddedForWinograd(.input), down: down, body: body, up: up, tail: tail.paddedForWinograd(.output))
    }
}
