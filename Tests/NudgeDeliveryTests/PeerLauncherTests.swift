import Foundation
import NudgeTesting
import Testing

/// Tests running side by side each start their own peers: a peer must never take another test's for its own.
@Suite("Peer launchers", .timeLimit(.minutes(1)))
struct PeerLauncherTests {
    @Test func anHTTPSinkWhosePortIsTakenDoesNotStart() async throws {
        try await PeerProcess.with(.httpSink) { running in
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("nudge-peer-http-sink-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let launcher = PeerProcess.scripts.appendingPathComponent("http-sink.sh").path
            // The running sink answers its health check on this port; the new one cannot bind it and must say so.
            let start = try await ChildProcess.run(
                "/bin/bash", [launcher, "start", String(running.port), directory.path])
            _ = try await ChildProcess.run("/bin/bash", [launcher, "stop", directory.path])
            #expect(start.status != 0, "\(start.output)")
        }
    }
}
