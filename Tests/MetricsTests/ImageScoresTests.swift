import Metrics
import Testing

@Suite("Image scores")
struct ImageScoresTests {
    @Test("image scores: means, and per-item lists only for several items")
    func scores() {
        let single = ImageScores(psnr: [30], ssim: [0.9], mse: [0.001])
        #expect(single.perItem == nil && single.psnr == 30)
        let batch = ImageScores(psnr: [30, 20], ssim: [0.9, 0.5], mse: [0.001, 0.003])
        #expect(batch.psnr == 25 && batch.ssim == 0.7 && batch.perItem?.mse == [0.001, 0.003])
    }
}
