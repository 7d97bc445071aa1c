import Foundation
import NudgeTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real `nudge` binary running as a daemon on a temporary workspace, and an HTTP client for its API.
final class DaemonProcess: @unchecked Sendable {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("nudge")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return repository.appendingPathComponent(".build/debug/nudge")
    }

    let directory: URL
    let port: Int
    let token: String
    /// The current run of the daemon; each `start()` begins a new one on the same workspace.
    private(set) var process = Process()
    let logFile: URL
    /// Variables given to the daemon (secrets for `${…}` in the configuration); other commands get them too.
    private(set) var environment: [String: String] = [:]

    /// A workspace with the shipped campaigns and templates and a `nudge.yml` (extra lines appended).
    init(extraConfig: String = "", token: String = "e2e-test-token-0123456789", port: Int? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-e2e-\(UUID().uuidString)")
        let files = FileManager.default
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        for folder in ["campaigns", "templates"] {
            try files.copyItem(
                at: Self.repository.appendingPathComponent(folder), to: directory.appendingPathComponent(folder))
        }
        self.port = try port ?? FreePort.find()
        self.token = token
        let config = """
            data_dir: ./var
            campaigns_dir: ./campaigns
            templates_dir: ./templates
            listen: 127.0.0.1:\(self.port)
            api_token: \(token)

            """ + extraConfig
        try config.write(to: directory.appendingPathComponent("nudge.yml"), atomically: true, encoding: .utf8)
        logFile = directory.appendingPathComponent("daemon.log")
    }

    /// Starts the daemon; after it has exited (`crash()`, `stop()`), starts it again on the same workspace, its
    /// output appended to the same log.
    func start(environment: [String: String] = [:]) throws {
        self.environment = environment
        if process.processIdentifier != 0 {
            precondition(!process.isRunning, "the daemon is still running")
            process = Process()
        }
        if !files.fileExists(atPath: logFile.path) { _ = files.createFile(atPath: logFile.path, contents: nil) }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        process.executableURL = Self.binary
        process.arguments = ["run", "--config", directory.appendingPathComponent("nudge.yml").path]
        process.currentDirectoryURL = directory
        process.environment = Self.baseEnvironment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    private var files: FileManager { .default }

    static let baseEnvironment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]

    var output: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Polls `condition` until it holds or `seconds` pass (real processes need real time; nothing sleeps blindly).
    func waitUntil(
        _ seconds: Double = 20, _ what: String, every interval: Double = 0.05, _ condition: () async throws -> Bool
    ) async throws {
        let deadline = Date() + seconds
        while Date() < deadline {
            if try await condition() { return }
            guard process.isRunning else {
                Issue.record("the daemon exited (\(process.terminationStatus)) while waiting for \(what):\n\(output)")
                throw DaemonTestError.exited
            }
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
        Issue.record("timed out waiting for \(what); daemon output:\n\(output)")
        throw DaemonTestError.timeout(what)
    }

    func waitUntilReady() async throws {
        try await waitUntil(30, "the daemon to be ready") {
            (try? await self.request("GET", "/readyz").status) == 200
        }
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Sends SIGTERM and waits for the exit status.
    func stop() async throws -> Int32 {
        signal(SIGTERM)
        try await waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: the daemon dies at once, whatever it was doing; returns when it has exited.
    func crash() async throws {
        signal(SIGKILL)
        try await waitUntilExit()
    }

    func waitUntilExit() async throws {
        let deadline = Date() + 20
        while process.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        if process.isRunning {
            process.terminate()
            throw DaemonTestError.timeout("exit")
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    struct Reply {
        var status: Int
        var body: Data
        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    @discardableResult
    func request(
        _ method: String, _ path: String, body: String? = nil, contentType: String = "application/json",
        token: String? = nil
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("Bearer \(token ?? self.token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    /// Runs another nudge command in the workspace (e.g. `tail`), with the daemon's environment and `extra`.
    func command(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (
        status: Int32, output: String
    ) {
        let other = Process()
        other.executableURL = Self.binary
        other.arguments = arguments + ["--config", directory.appendingPathComponent("nudge.yml").path]
        other.currentDirectoryURL = directory
        other.environment = Self.baseEnvironment.merging(environment) { $1 }.merging(extra) { $1 }
        let pipe = Pipe()
        other.standardOutput = pipe
        other.standardError = pipe
        try other.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        other.waitUntilExit()
        return (other.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs another nudge command to its end without holding a thread of the cooperative pool: for commands that
    /// take long (`simulate`), which would otherwise stall the tests running beside them.
    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> (
        status: Int32, output: String
    ) {
        try await ChildProcess.run(
            "/bin/sh",
            ["-c", #"cd "$0" && exec "$@""#, directory.path, Self.binary.path] + arguments
                + ["--config", directory.appendingPathComponent("nudge.yml").path],
            environment: Self.baseEnvironment.merging(environment) { $1 }.merging(extra) { $1 })
    }

    /// Starts another nudge command that keeps running (`tail -f`); its output collects in a file.
    func startCommand(_ arguments: [String]) throws -> RunningCommand {
        try RunningCommand(
            arguments: arguments + ["--config", directory.appendingPathComponent("nudge.yml").path], in: directory,
            environment: environment)
    }

    /// Waits until the dispatch log has at least `count` rows; returns how many it has.
    func waitForLog(atLeast count: Int) async throws -> Int {
        var rows = 0
        try await waitUntil(20, "\(count) dispatch log rows") {
            rows = try command(["tail", "--json", "--lines", "100000"]).output.split(separator: "\n").count
            return rows >= count
        }
        return rows
    }

    func outbox(_ channel: String) -> [URL] {
        let folder = directory.appendingPathComponent("var/outbox/\(channel)")
        return ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }
}

/// A nudge command running beside the daemon.
final class RunningCommand: @unchecked Sendable {
    let process = Process()
    let file: URL

    init(arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        file = directory.appendingPathComponent("command-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        process.executableURL = DaemonProcess.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = DaemonProcess.baseEnvironment.merging(environment) { $1 }
        let handle = try FileHandle(forWritingTo: file)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var output: String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// The socket systemd listens on for sd_notify messages.
final class NotifySocket: @unchecked Sendable {
    let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw DaemonTestError.timeout("binding \(path)") }
        _ = fcntl(fd, F_SETFL, O_NONBLOCK)
    }

    /// Every message received so far.
    func drain() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return messages }
            messages.append(String(decoding: buffer[0..<n], as: UTF8.self))
        }
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

enum DaemonTestError: Error {
    case exited
    case timeout(String)
}

