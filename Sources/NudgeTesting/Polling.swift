import Foundation

/// Waiting for something a real process does, with a deadline: the condition is checked every 20 ms and the
/// wait fails with `what` when the deadline passes. Never a blind sleep.
public enum Polling {
    public static func until(
        _ seconds: TimeInterval, _ what: String, _ condition: () async throws -> Bool
    ) async throws {
        let deadline = Date() + seconds
        while true {
            if try await condition() { return }
            guard Date() < deadline else { throw PeerError("timed out after \(seconds) s waiting for \(what)") }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}
