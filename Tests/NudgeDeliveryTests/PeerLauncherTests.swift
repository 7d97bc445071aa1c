import Foundation
import NudgeTesting
import Testing

/// Tests running side by side each start their own peers: a peer must never take another test's for its own.
@Suite("Peer launchers", .timeLimit(.minutes(1)))
struct PeerLauncherTests {
    /// The running peer answers on its port. The new one either cannot bind it, or (smtp-sink, which binds with
    /// SO_REUSEPORT) would listen beside it and take half its connections: either way it must not start.
    @Test(arguments: [PeerProcess.Kind.httpSink, .smtpSink, .nginx, .kannel])
    func aPeerWhosePortIsTakenDoesNotStart(kind: PeerProcess.Kind) async throws {
        try await PeerProcess.with(kind) { running in
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("nudge-peer-taken-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let launcher = PeerProcess.scripts.appendingPathComponent(kind.rawValue).path
            let start = try await ChildProcess.run(
                "/bin/bash", [launcher, "start", String(running.port), directory.path])
            _ = try await ChildProcess.run("/bin/bash", [launcher, "stop", directory.path])
            #expect(start.status != 0, "\(start.output)")
        }
    }
}
