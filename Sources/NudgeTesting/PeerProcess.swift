import Foundation

/// A real gateway peer from `Tests/Peers/`, started on free loopback ports in a folder of its own, for tests
/// that talk to real servers. `PeerProcess.with(…)` stops it when the test body ends, failed or not.
public final class PeerProcess: Sendable {
    /// The peers the project's tests use, each a launcher script in `Tests/Peers/`.
    public enum Kind: String, Sendable, CaseIterable {
        /// aiosmtpd: readable SMTP sink with STARTTLS, implicit TLS and AUTH (`DIR/mail/NNNNNN.{eml,json}`).
        case aiosmtpd = "aiosmtpd.sh"
        /// Postfix `smtp-sink`: fast SMTP sink with fault flags (one file per message in `DIR/mail`).
        case smtpSink = "smtp-sink.sh"
        /// Kannel with a fake SMS centre: sendsms on `port`, admin `port+1`, box `port+2`, SMSC `port+3`.
        case kannel = "kannel.sh"
        /// nginx HTTP sink (`DIR/requests.jsonl`, faults by `DIR/fault.*` files).
        case nginx = "nginx-sink.sh"
        /// Python recording HTTP sink with scripted faults (`/__sink/*`).
        case httpSink = "http-sink.sh"

        /// How many consecutive ports the peer listens on.
        var ports: Int { self == .kannel ? 4 : 1 }
        /// Whether the launcher takes extra flags after `--`.
        var takesFlags: Bool { self == .aiosmtpd || self == .smtpSink || self == .httpSink }
    }

    /// The project's `Tests/Peers` folder.
    public static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tests/Peers")

    public let kind: Kind
    /// The (first) port it listens on, on 127.0.0.1.
    public let port: Int
    /// Its folder: configuration, logs, pid file and what it received.
    public let directory: URL

    private init(kind: Kind, port: Int, directory: URL) {
        self.kind = kind
        self.port = port
        self.directory = directory
    }

    /// Starts a peer (`flags` go to the peer after `--`; `environment` adds variables such as nginx's `RATE`),
    /// runs `body` with it and stops it, whether `body` returns or throws. Its folder is removed unless `body`
    /// threw.
    public static func with<T: Sendable>(
        _ kind: Kind, flags: [String] = [], environment: [String: String] = [:],
        _ body: (PeerProcess) async throws -> T
    ) async throws -> T {
        let peer = try await start(kind, flags: flags, environment: environment)
        do {
            let result = try await body(peer)
            try await peer.stop()
            // Kept when the body threw, for its logs.
            try? FileManager.default.removeItem(at: peer.directory)
            return result
        } catch {
            try? await peer.stop()
            throw error
        }
    }

    /// Starts a peer on free ports; the caller must `stop()` it. Tries new ports when the chosen ones were taken
    /// meanwhile.
    public static func start(
        _ kind: Kind, flags: [String] = [], environment: [String: String] = [:]
    ) async throws -> PeerProcess {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("nudge-peer-\(kind.rawValue.prefix { $0 != "." })-\(UUID().uuidString)")
        var lastFailure = ""
        for _ in 0..<3 {
            let port = try FreePort.find(consecutive: kind.ports)
            let peer = PeerProcess(kind: kind, port: port, directory: directory)
            var arguments = ["start", String(port), directory.path]
            if kind.takesFlags, !flags.isEmpty { arguments += ["--"] + flags }
            let run = try await peer.script(arguments, environment: environment)
            if run.status == 0 { return peer }
            lastFailure = run.output
            _ = try? await peer.script(["stop", directory.path])
        }
        throw PeerError("\(kind.rawValue) did not start:\n\(lastFailure)")
    }

    /// Stops the peer and waits until it has exited.
    public func stop() async throws {
        let run = try await script(["stop", directory.path])
        guard run.status == 0 else { throw PeerError("\(kind.rawValue) stop failed:\n\(run.output)") }
    }

    /// Runs one of the launcher's other commands on this peer (`kannel.sh smsc-down DIR`); returns its output.
    @discardableResult
    public func command(_ name: String) async throws -> String {
        let run = try await script([name, directory.path])
        guard run.status == 0 else { throw PeerError("\(kind.rawValue) \(name) failed:\n\(run.output)") }
        return run.output
    }

    /// A file in the peer's folder.
    public func file(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    /// The names of the files in a folder of the peer's (`mail`), sorted; none when it does not exist.
    public func files(in relativePath: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: file(relativePath).path)) ?? []).sorted()
    }

    /// Runs the launcher script with `bash`.
    private func script(
        _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try await ChildProcess.run(
            "/bin/bash", [Self.scripts.appendingPathComponent(kind.rawValue).path] + arguments,
            environment: environment)
    }
}
