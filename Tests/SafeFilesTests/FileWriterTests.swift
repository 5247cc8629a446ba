import Glibc
import SafeFiles
import Testing

/// The writer never replaces what is at the path: regular files atomically, links followed,
/// devices and FIFOs written through or refused, failures named.
@Suite struct FileWriterTests {
    let folder: String

    init() throws {
        var template = Array("/tmp/invscale-writer-XXXXXX".utf8CString)
        folder = String(cString: try #require(mkdtemp(&template)))
    }

    func kind(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    func contents(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        while case let byte = fgetc(file), byte != EOF { bytes.append(UInt8(byte)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func entries() -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    @Test func replacesARegularFileAndKeepsItsMode() throws {
        let path = folder + "/a.txt"
        try FileWriter.write(text: "old", to: path)
        chmod(path, 0o600)
        try FileWriter.write(text: "new contents", to: path)
        #expect(contents(path) == "new contents")
        var status = stat()
        stat(path, &status)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(entries() == ["a.txt"])
    }

    @Test func writesThroughASymbolicLink() throws {
        try FileWriter.write(text: "target", to: folder + "/target.txt")
        symlink("target.txt", folder + "/link.txt")
        try FileWriter.write(text: "through the link", to: folder + "/link.txt")
        #expect(kind(folder + "/link.txt") == S_IFLNK)
        #expect(contents(folder + "/target.txt") == "through the link")
    }

    @Test func aDeviceStaysADeviceAndAFullDiskIsReported() throws {
        // mknod needs root (the CI runs as root); dev_t 0x103 is /dev/null (1, 3), 0x107 /dev/full (1, 7).
        guard geteuid() == 0 else { return }
        let null = folder + "/null", full = folder + "/full"
        try #require(mknod(null, S_IFCHR | 0o666, 0x103) == 0)
        try #require(mknod(full, S_IFCHR | 0o666, 0x107) == 0)
        try FileWriter.write(text: "discarded", to: null)
        #expect(kind(null) == S_IFCHR)
        let error = #expect(throws: FileWriteError.self) { try FileWriter.write(text: "no room", to: full) }
        #expect(error?.description == full + ": cannot write (No space left on device)")
        #expect(kind(full) == S_IFCHR)
    }

    @Test func aFIFOWithoutReaderIsRefusedAtOnce() throws {
        let fifo = folder + "/pipe"
        try #require(mkfifo(fifo, 0o644) == 0)
        let error = #expect(throws: FileWriteError.self) { try FileWriter.write(text: "x", to: fifo) }
        #expect(error?.problem.contains("FIFO that nobody reads") == true)
        #expect(kind(fifo) == S_IFIFO)
    }

    @Test func aFolderOrAMissingFolderIsAnError() throws {
        let folderError = #expect(throws: FileWriteError.self) { try FileWriter.write(text: "x", to: folder) }
        #expect(folderError?.description == folder + ": is a folder, expected a file name")
        let missing = folder + "/no/such/file.txt"
        let missingError = #expect(throws: FileWriteError.self) { try FileWriter.write(text: "x", to: missing) }
        #expect(missingError?.description == missing + ": cannot create a file in its folder (No such file or directory)")
        #expect(entries().isEmpty)
    }
}

/// Whether this process can mount a tmpfs (tried once on a scratch folder).
private let tmpfsMountable: Bool = {
    guard geteuid() == 0, let point = try? FullDiskTests.scratch() else { return false }
    defer { rmdir(point) }
    guard mount("tmpfs", point, "tmpfs", 0, "size=64k") == 0 else { return false }
    umount(point)
    return true
}()

/// A full file system, for real: a 64 KiB tmpfs mounted for the test (root only).
@Suite(.enabled(if: tmpfsMountable, "mounting a tmpfs needs root and CAP_SYS_ADMIN"))
struct FullDiskTests {
    static func scratch() throws -> String {
        var template = Array("/tmp/invscale-full-XXXXXX".utf8CString)
        guard let path = mkdtemp(&template) else { throw FileWriteError(path: "/tmp", "mkdtemp failed") }
        return String(cString: path)
    }

    @Test("on a full disk the write fails naming the path, the previous file is intact and no temporary is left")
    func previousFileSurvives() throws {
        let point = try Self.scratch()
        try #require(mount("tmpfs", point, "tmpfs", 0, "size=64k") == 0)
        defer { umount(point); rmdir(point) }
        let path = point + "/report.html", good = String(repeating: "good ", count: 2_000)
        try FileWriter.write(text: good, to: path)
        let error = #expect(throws: FileWriteError.self) { try FileWriter.write(text: String(repeating: "x", count: 200_000), to: path) }
        #expect(error?.description == path + ": cannot write (No space left on device)")
        let file = try #require(fopen(path, "r"))
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 20_000)
        #expect(fread(&buffer, 1, buffer.count, file) == good.utf8.count)
        #expect(String(decoding: buffer.prefix(good.utf8.count), as: UTF8.self) == good)
        #expect(opendir(point).map { directory in
            defer { closedir(directory) }
            var names = 0
            while let entry = readdir(directory) { if entry.pointee.d_name.0 != 46 { names += 1 } }
            return names
        } == 1, "only report.html remains (no temporary file)")
    }
}
