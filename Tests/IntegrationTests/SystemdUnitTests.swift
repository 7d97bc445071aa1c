import Foundation
import NudgeTesting
import Testing

/// The shipped unit file, as systemd itself reads it.
@Suite struct SystemdUnitTests {
    @Test func theUnitFileVerifiesCleanlyAndKeepsEveryDispatchLine() async throws {
        let unit = try String(
            contentsOf: DaemonProcess.repository.appendingPathComponent("systemd/nudge.service"), encoding: .utf8)
        #expect(unit.contains("\nType=notify\n"))
        // One journal line per dispatch (SPEC §13) must survive a busy campaign: no per-service rate limit.
        #expect(unit.contains("\nLogRateLimitIntervalSec=0\n"))

        // `systemd-analyze verify` also checks that the program exists: the copy runs the binary just built.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-unit-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("nudge.service")
        try unit.replacingOccurrences(of: "/usr/local/bin/nudge", with: DaemonProcess.binary.path)
            .write(to: copy, atomically: true, encoding: .utf8)
        let (status, output) = try await ChildProcess.run("/usr/bin/systemd-analyze", ["verify", copy.path])
        #expect(status == 0, "\(output)")
        #expect(output.isEmpty, "systemd-analyze warned: \(output)")
    }
}
