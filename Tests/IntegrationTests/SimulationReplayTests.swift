import Foundation
import Logging
import NudgeCore
import NudgeDelivery
import NudgeFiles
import NudgeServer
import NudgeStore
import NudgeTesting
import Testing

@testable import NudgeDaemon

/// `nudge simulate` against the daemon itself: the same shop, simulated by the real binary, then run by the
/// daemon's own services (scheduler, stage sweep, file transport, outcome recorder) with their clock advanced
/// through the same days. What the simulation says would be sent and suppressed is what the daemon did.
@Suite(.timeLimit(.minutes(10)))
struct SimulationReplayTests {
    /// Monday 2026-11-23 00:00 in Vietnam; Black Friday's 09:00 falls within the 35 days.
    static let start = Date(timeIntervalSince1970: 1_795_366_800)

    @Test func theSimulationOfTenThousandCustomersIsWhatTheDaemonDoesWithItsClockAdvanced() async throws {
        let workspace = try DaemonProcess(extraConfig: "timezone: Asia/Ho_Chi_Minh\n")
        let engine = try Self.engine(workspace)
        let data = workspace.directory.appendingPathComponent("var")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let databasePath = data.appendingPathComponent("nudge.sqlite").path
        try await onOwnThread {
            try SimulationDataset(customers: 10_000, seed: 2026, now: Self.start)
                .load(into: try SQLiteStore(path: databasePath), engine: engine)
        }
        let untouched = try Data(contentsOf: URL(fileURLWithPath: databasePath))

        let run = try await workspace.run(
            ["simulate", "--from", LogTime.format(Self.start), "--days", "35", "--format", "json"])
        #expect(run.status == 0, "\(run.output.prefix(2000))")
        #expect(try Data(contentsOf: URL(fileURLWithPath: databasePath)) == untouched, "simulate changed the database")
        let simulated = try JSONDecoder().decode(SimulatedRun.self, from: Data(run.output.utf8))

        let replayPath = workspace.directory.appendingPathComponent("replay.sqlite").path
        try FileManager.default.copyItem(atPath: databasePath, toPath: replayPath)
        let outbox = workspace.directory.appendingPathComponent("replay-outbox")
        let replayed = try await Self.runDaemonServices(
            engine: engine, databasePath: replayPath, outbox: outbox.path, from: Self.start,
            to: Self.start + 35 * 86_400)
        let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let daemon = SimulationSummary(replayed, zone: zone)

        // A shop this size gives every campaign something to do, and the holdouts something to hold out.
        #expect(simulated.total.sentTotal > 1_000, "\(simulated.total)")
        for campaign in ["black-friday", "phone-accessories", "plan-limit-push", "plan-upgrade-sms", "win-back"] {
            #expect(simulated.campaigns.contains { $0.campaign == campaign && $0.counts.sentTotal > 0 }, "\(campaign)")
        }
        #expect((simulated.total.suppressed["holdout"] ?? 0) > 0)
        #expect(simulated.campaigns == daemon.campaigns)
        #expect(simulated.days == daemon.days)
        #expect(simulated.total == daemon.total)
        // And what the daemon wrote for the gateway is every message it counted as sent.
        let files = ["email", "sms", "push"].map { channel in
            (try? FileManager.default.contentsOfDirectory(atPath: outbox.appendingPathComponent(channel).path))?
                .filter { !$0.hasPrefix(".") }.count ?? 0
        }
        #expect(files == [daemon.total.sent["email"] ?? 0, daemon.total.sent["sms"] ?? 0, daemon.total.sent["push"] ?? 0])
        try? FileManager.default.removeItem(at: workspace.directory)
    }

    /// The part of `nudge simulate --format json` compared here.
    struct SimulatedRun: Decodable {
        var campaigns: [SimulationSummary.CampaignTotal]
        var days: [SimulationSummary.Day]
        var total: SimulationSummary.Counts
    }

    /// The journey engine on the workspace's files, as the daemon loads them.
    static func engine(_ workspace: DaemonProcess) throws -> JourneyEngine {
        let reader = WorkspaceReader(workingDirectory: workspace.directory.path)
        guard case .loaded(let config, _) = reader.loadConfig(explicit: "nudge.yml") else {
            throw ReplayError.configuration
        }
        let (set, diagnostics) = CampaignSetLoader.load(reader.campaignFiles(config: config), config: config)
        guard let set else { throw ReplayError.campaigns("\(diagnostics.sorted)") }
        return JourneyEngine(campaigns: set, policy: JourneyPolicy(config: config), defaultLocale: config.locale)
    }

    enum ReplayError: Error { case configuration, campaigns(String) }

    /// The daemon's services on a manual clock: at each moment one of them would wake (a due step, a due
    /// message, a customer's stage check, a promotion's start), the stage sweep, the scheduler and delivery through
    /// the file transport run as they do in `nudge run`. Returns the dispatch log rows they wrote.
    static func runDaemonServices(
        engine: JourneyEngine, databasePath: String, outbox: String, from start: Date, to end: Date
    ) async throws -> [DispatchLogEntry] {
        let clock = ManualClock(start)
        let database = DatabaseQueue(store: try SQLiteStore(path: databasePath))
        let runtime = RuntimeState(
            engine: engine, report: RuntimeState.LoadReport(at: start, diagnostics: [], succeeded: true))
        let logger = Logger(label: "replay") { _ in SwiftLogNoOpLogHandler() }
        let now: @Sendable () -> Date = { clock.now }
        let scheduler = SchedulerService(
            database: database, runtime: runtime, wake: WakeSignal(), dispatcherWake: WakeSignal(), logger: logger,
            now: now)
        let sweep = StageSweepService(
            database: database, runtime: runtime, interval: 900, schedulerWake: WakeSignal(), logger: logger, now: now,
            wake: WakeSignal())
        let transport = FileMessageTransport(delivery: FileDelivery(directory: outbox, emailFrom: "nudge <nudge@localhost>"))
        let retry = RetrySettings(maxAttempts: 3, first: 30, max: 3600)
        let firstSeq = try await database.read { try $0.lastDispatchSeq() }

        var upcoming: Date? = start
        while let moment = upcoming, moment <= end {
            clock.set(moment)
            while try await sweep.pass(at: moment).more {}
            while try await scheduler.pass(at: moment) {}
            for channel in Channel.allCases {
                while true {
                    let claimed = try await database.write { tx in
                        try tx.claimMessages(channel: channel, now: moment, leaseUntil: moment + 60, limit: 500)
                    }
                    var results: [(OutboxMessage, DeliveryResult)] = []
                    for message in claimed { results.append((message, await transport.deliver(message, now: moment))) }
                    let outcomes = results
                    try await database.write { tx in
                        for (message, result) in outcomes {
                            _ = try DispatchRecorder.record(
                                result, of: message, latency: 0, retry: retry, now: moment, in: tx)
                        }
                    }
                    if claimed.count < 500 { break }
                }
            }
            let wakes = try await database.read { store in
                [try store.earliestEnrollmentDue(), try store.earliestMessageDue(), try store.earliestStageCheck()]
            } + [engine.nextScheduleStart(after: moment)]
            upcoming = wakes.compactMap { $0 }.min().map { max($0, moment + 1) }
        }
        return try await database.read { try $0.dispatchLog(after: firstSeq, filter: DispatchLogFilter(), limit: Int.max) }
    }
}
