import Foundation
import Hummingbird
import Logging
import NIOCore
import NudgeCore
import NudgeDelivery
import NudgeFiles
import NudgeServer
import NudgeStore
import ServiceLifecycle

/// `nudge run`: API, scheduler, dispatcher, reloader (and the systemd watchdog) as one ServiceGroup.
public enum Daemon {
    /// Exit status of a daemon whose configuration or campaign files cannot be loaded (EX_CONFIG).
    public static let configErrorStatus: Int32 = 78

    /// Runs until SIGTERM or SIGINT; returns the exit status.
    public static func run(
        configPath: String?, reader: WorkspaceReader, version: String, print: @escaping @Sendable (String) -> Void
    ) async -> Int32 {
        let workspace = Workspace(reader: reader, configPath: configPath)
        let loaded: Workspace.Loaded
        switch workspace.load() {
        case .failure(let failure):
            for diagnostic in failure.diagnostics { print(diagnostic.description) }
            print("nudge: cannot start: the files above have errors (run `nudge check` for details)")
            return configErrorStatus
        case .success(let value):
            loaded = value
        }
        let config = loaded.config
        var logger = Logger(label: "nudge") { label in
            LineLogHandler(label: label, format: config.logFormat, level: .info)
        }
        logger.logLevel = ProcessInfo.processInfo.environment["NUDGE_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        for diagnostic in loaded.diagnostics {
            logger.warning("campaign files", metadata: ["diagnostic": "\(diagnostic.description)"])
        }

        // One libcurl multi loop for every network transport; shut down last, once the dispatcher has finished.
        let curl = CurlMultiLoop()
        let status = await serve(
            config: config, loaded: loaded, workspace: workspace, curl: curl, logger: logger, version: version,
            print: print)
        await curl.shutdown()
        return status
    }

    /// Opens the database and runs the services until shutdown; returns the exit status.
    private static func serve(
        config: Config, loaded: Workspace.Loaded, workspace: Workspace, curl: CurlMultiLoop, logger: Logger,
        version: String, print: @escaping @Sendable (String) -> Void
    ) async -> Int32 {
        do {
            try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
            let directoryLock = try DataDirectoryLock(directory: config.dataDirectory)
            defer { withExtendedLifetime(directoryLock) {} }
            let databasePath = (config.dataDirectory as NSString).appendingPathComponent("nudge.sqlite")
            let store = try SQLiteStore(path: databasePath)
            try requeueInterruptedSends(store: store, logger: logger)
            let token = try StoredSecret.apiToken(configured: config.apiToken, dataDirectory: config.dataDirectory)
            let unsubscribeSecret = try StoredSecret.unsubscribeSecret(
                configured: config.unsubscribe.secret, dataDirectory: config.dataDirectory
            ).token
            let outbox = (config.dataDirectory as NSString).appendingPathComponent("outbox")
            for warning in Transports.insecureTLSWarnings(config: config) { logger.warning("\(warning)") }
            let now: @Sendable () -> Date = { Date() }

            let database = DatabaseQueue(store: store)
            let runtime = RuntimeState(
                engine: JourneyEngine(loaded, unsubscribeSecret: unsubscribeSecret),
                report: .init(at: now(), diagnostics: loaded.diagnostics.map(\.description), succeeded: true))
            let receiptSecret = token.token
            let transports = try LiveTransports(config: config) { config in
                try Transports.make(
                    config: config, outbox: outbox, curl: curl, receiptSecret: receiptSecret,
                    templates: { runtime.engine.campaigns.templates })
            }
            let schedulerWake = WakeSignal()
            let stageWake = WakeSignal()
            let dispatcherWake = WakeSignal()
            let notifier = SystemdNotifier()

            var api = API(
                database: database, runtime: runtime, token: token.token, unsubscribeSecret: unsubscribeSecret,
                maxBodyBytes: config.maxBodyBytes, now: now,
                newWork: {
                    schedulerWake.signal()
                    stageWake.signal()
                })
            api.eventsStored = { DaemonMetrics.shared.eventsIngested($0) }
            api.logged = { DaemonMetrics.shared.dispatched($0) }
            api.reportDatabase = ReadQueue(store: try SQLiteReader(path: databasePath))
            let metricChannels = Array(config.channels.keys)
            api.metrics = {
                let snapshot = try await database.read { reader in
                    try DaemonMetrics.snapshot(reader, channels: metricChannels, databasePath: databasePath, now: now())
                }
                return DaemonMetrics.shared.exposition(snapshot)
            }
            let listen = config.listen
            let readyLogger = logger
            let app = Application(
                router: api.router(),
                configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "nudge"),
                onServerRunning: { _ in
                    notifier.notify("READY=1\nSTATUS=listening on \(listen)")
                    readyLogger.info("ready", metadata: ["listen": "\(listen)"])
                },
                logger: logger)

            // ServiceGroup stops services in reverse order: first the marker (the API refuses new work), then the
            // API, the reloader and the scheduler; the dispatcher last, so in-flight sends finish and are recorded.
            var services: [any Service] = [
                DispatcherService(
                    database: database, transports: transports.transports, settings: config.channels, retry: config.retry,
                    wake: dispatcherWake,
                    logger: logger, now: now),
                SchedulerService(
                    database: database, runtime: runtime, wake: schedulerWake, dispatcherWake: dispatcherWake,
                    logger: logger, now: now),
                StageSweepService(
                    database: database, runtime: runtime, interval: config.stageSweep, schedulerWake: schedulerWake,
                    logger: logger, now: now, wake: stageWake),
                ReloaderService(
                    workspace: workspace, runtime: runtime, startup: config, unsubscribeSecret: unsubscribeSecret,
                    transports: transports, schedulerWake: schedulerWake, stageWake: stageWake,
                    logger: logger, now: now),
                app,
            ]
            if let interval = notifier.watchdogInterval {
                services.insert(WatchdogService(notifier: notifier, interval: interval), at: 0)
            }
            services.append(ShutdownMarker(runtime: runtime, notifier: notifier))

            print("nudge \(version) starting: API on http://\(listen)")
            print("  database   \(databasePath)")
            print("  api token  \(token.file.map { "\($0)\(token.generated ? " (generated)" : "")" } ?? "from the configuration")")
            for channel in Channel.allCases {
                guard let settings = config.channels[channel] else { continue }
                if case .file(let file) = settings.transport {
                    print("  outbox     \(channel.rawValue): \((file.directory ?? outbox) + "/" + channel.rawValue)/")
                } else if let destination = Transports.destination(of: settings) {
                    let name = settings.transport.name.padding(toLength: 10, withPad: " ", startingAt: 0)
                    print("  \(name) \(channel.rawValue): \(destination)")
                }
            }
            for warning in Transports.insecureTLSWarnings(config: config) { print("  WARNING    \(warning)") }
            print("  campaigns  \(loaded.campaigns.campaigns.map(\.id).joined(separator: ", "))")

            let group = ServiceGroup(
                configuration: .init(
                    services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
            logger.info("stopped")
            return 0
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            let message = "cannot listen on \(config.listen): the address is in use (is another nudge running?)"
            logger.critical("nudge stopped", metadata: ["error": "\(message)"])
            print("nudge: \(message)")
            return 1
        } catch {
            logger.critical("nudge stopped on an error", metadata: ["error": "\(error)"])
            print("nudge: \(error)")
            return 1
        }
    }
}

extension Daemon {
    /// Messages left `sending` were in flight when the previous daemon on this database died (the data directory
    /// lock says no other process holds them): they go back to the queue now instead of after their lease, and
    /// may reach their recipients twice (SPEC §9: only messages in flight at a crash).
    static func requeueInterruptedSends(store: any Store, logger: Logger) throws {
        let released = try store.write { try $0.releaseAllLeases() }
        guard !released.isEmpty else { return }
        logger.warning(
            "messages in flight when nudge last stopped go out again; they may arrive twice",
            metadata: ["count": "\(released.count)"])
        for message in released {
            logger.info("message returned to the queue after a crash", metadata: ["message.key": "\(message.key)"])
        }
    }
}

/// Last in the group, so the first told about shutdown: it makes the API refuse new work and tells systemd.
struct ShutdownMarker: Service {
    let runtime: RuntimeState
    let notifier: SystemdNotifier

    func run() async throws {
        try await gracefulShutdown()
        runtime.isStopping = true
        notifier.notify("STOPPING=1")
    }
}
