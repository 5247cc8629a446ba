import Foundation
import Testing

@Suite("invscale weights (no network used)")
struct WeightsTests {
    @Test("without a downloader the fetch fails with instructions naming the URL and the cache path")
    func offline() throws {
        let cache = try CLI.temporaryFolder()
        let result = try CLI.run(["weights", "fetch", "drunet-gray"], environment: ["INVSCALE_CACHE": cache, "PATH": cache])
        #expect(result.status == 2)
        #expect(result.output.contains("drunet_deepinv_gray_finetune_26k.pth"))
        #expect(result.output.contains("\(cache)/drunet_deepinv_gray_finetune_26k.pth"))
        #expect(result.output.contains("neither curl nor wget"))
        #expect(!FileManager.default.fileExists(atPath: "\(cache)/drunet_deepinv_gray_finetune_26k.pth"))
    }

    @Test("a complete file in the cache is found; a truncated one is not")
    func cached() throws {
        let cache = try CLI.temporaryFolder()
        let path = "\(cache)/drunet_deepinv_color_finetune_22k.pth"
        FileManager.default.createFile(atPath: path, contents: Data(count: 1000))
        var result = try CLI.run(["weights", "where"], environment: ["INVSCALE_CACHE": cache])
        #expect(result.output.contains("drunet-color: absent"))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 32_640_960 * 4)
        try handle.close()
        result = try CLI.run(["weights", "fetch", "drunet-color"], environment: ["INVSCALE_CACHE": cache, "PATH": cache])
        #expect(result.status == 0)
        #expect(result.output.contains("already in the cache"))
    }

    @Test("unknown weights names list the known ones")
    func unknown() throws {
        let result = try CLI.run(["weights", "fetch", "drunet-blue"])
        #expect(result.status != 0)
        #expect(result.error.contains("drunet-gray") && result.error.contains("drunet-color"))
    }
}
