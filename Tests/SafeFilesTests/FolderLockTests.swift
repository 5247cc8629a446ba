import Glibc
import SafeFiles
import Testing

/// One owner per output folder: a second holder is refused with the first one's name, a dead
/// holder's lock is taken over, and waiting can be stopped.
@Suite struct FolderLockTests {
    let folder: String

    init() throws {
        var template = Array("/tmp/invscale-lock-XXXXXX".utf8CString)
        folder = String(cString: try #require(mkdtemp(&template))) + "/results"
    }

    @Test func aSecondHolderIsRefusedNamingTheFirst() throws {
        var first: FolderLock? = try FolderLock(folder: folder, command: "invscale run a.yml")
        #expect(first?.takenOverFrom == nil)
        let error = #expect(throws: FolderLockError.self) { try FolderLock(folder: folder, command: "invscale run b.yml") }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("\(folder) is in use by invscale pid \(getpid()) on \(FolderLock.hostName()) since "))
        #expect(message.contains(": invscale run a.yml; wait for it to end, pass --wait, or choose another --output"))
        first = nil
        let second = try FolderLock(folder: folder, command: "invscale run b.yml")
        #expect(second.takenOverFrom == nil)
    }

    @Test func theLockOfAProcessThatDiedIsTakenOver() throws {
        try FileWriter.createFolder(folder)
        let line = "invscale pid 999999 on elsewhere since 2026-01-01T00:00:00Z: invscale run old.yml"
        try FileWriter.write(text: line + "\n", to: folder + "/" + FolderLock.fileName)
        let lock = try FolderLock(folder: folder, command: "invscale run new.yml")
        #expect(lock.takenOverFrom == line)
    }

    @Test func waitingCallsBackOnceAndCanBeStopped() throws {
        let held = try FolderLock(folder: folder, command: "holder")
        var announcements: [String] = [], polls = 0
        let error = #expect(throws: FolderLockError.self) {
            try FolderLock(folder: folder, command: "waiter", wait: true, waiting: { announcements.append($0) },
                           shouldStop: { polls += 1; return polls > 2 })
        }
        #expect(announcements.count == 1)
        #expect(announcements.first?.hasSuffix(": holder") == true)
        #expect(error?.description.contains("stopped while waiting") == true)
        withExtendedLifetime(held) {}
    }

    @Test func aFileWhereTheFolderShouldBeIsAnError() throws {
        try FileWriter.createFolder(folder)
        try FileWriter.write(text: "x", to: folder + "/file")
        let error = #expect(throws: FolderLockError.self) { try FolderLock(folder: folder + "/file/sub", command: "c") }
        #expect(error?.description == folder + "/file: exists and is not a folder")
    }
}
