import CoreMetrics
import Foundation
import NudgeCore
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics (`GET /metrics`, SPEC §11): counters and latency histograms recorded through
/// swift-metrics as work happens, gauges read from the store when scraped.
///
/// The metrics are made with this instance's own factory rather than the process-wide `MetricsSystem`, so that a
/// test can hold an instance of its own; the daemon uses `shared`.
public final class DaemonMetrics: Sendable {
    /// The daemon's metrics: one set per process, like the process it describes.
    public static let shared = DaemonMetrics()

    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// The series each kind of dispatch row updates, made on first use: a busy channel updates them for every
    /// message, without looking them up in the registry each time.
    private let dispatchSeries = Mutex<[DispatchKind: DispatchSeries]>([:])

    private struct DispatchKind: Hashable {
        var channel: Channel
        var status: DispatchStatus
    }

    private struct DispatchSeries: @unchecked Sendable {
        var messages: CoreMetrics.Counter
        /// Retries or dead letters, for those statuses.
        var outcome: CoreMetrics.Counter?
        /// Made once a row of this kind carries a send latency.
        var latency: CoreMetrics.Timer?
    }

    /// Send latency buckets, in seconds: from a local file write to a slow gateway.
    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30),
    ]

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = ["nudge_send_latency_seconds": Self.latencyBuckets]
        self.factory = factory
        // Zero series exist from the start, so a scrape shows them before the first event or reload.
        _ = Counter(label: "nudge_events_ingested_total", factory: factory)
        _ = Counter(label: "nudge_reload_failures_total", factory: factory)
    }

    /// Events stored by `POST /v1/events` (duplicates not counted).
    public func eventsIngested(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "nudge_events_ingested_total", factory: factory).increment(by: count)
    }

    /// One dispatch log row: a decision or a delivery attempt.
    public func dispatched(_ entry: DispatchLogEntry) {
        let latency = entry.attempt > 0 ? entry.latencyMilliseconds : nil
        let series = dispatchSeries.withLock { made in
            let kind = DispatchKind(channel: entry.channel, status: entry.status)
            if let series = made[kind], latency == nil || series.latency != nil { return series }
            var series = made[kind] ?? makeSeries(kind)
            if latency != nil {
                series.latency = CoreMetrics.Timer(
                    label: "nudge_send_latency_seconds", dimensions: [("channel", kind.channel.rawValue)],
                    factory: factory)
            }
            made[kind] = series
            return series
        }
        series.messages.increment()
        series.outcome?.increment()
        if let latency { series.latency?.recordMilliseconds(latency) }
    }

    private func makeSeries(_ kind: DispatchKind) -> DispatchSeries {
        let channel = kind.channel.rawValue
        let outcome: CoreMetrics.Counter? =
            switch kind.status {
            case .retrying: Counter(label: "nudge_retries_total", dimensions: [("channel", channel)], factory: factory)
            case .dead: Counter(label: "nudge_dead_letters_total", dimensions: [("channel", channel)], factory: factory)
            default: nil
            }
        let messages = Counter(
            label: "nudge_messages_total", dimensions: [("channel", channel), ("status", kind.status.rawValue)],
            factory: factory)
        return DispatchSeries(messages: messages, outcome: outcome, latency: nil)
    }

    /// A reload (SIGHUP) whose files were rejected.
    public func reloadFailed() {
        Counter(label: "nudge_reload_failures_total", factory: factory).increment()
    }

    /// What the store and the data directory look like at scrape time.
    public struct Snapshot: Sendable, Equatable {
        /// Messages queued (waiting for their first or next attempt), per channel.
        public var queueDepth: [Channel: Int] = [:]
        /// How long the most overdue queued message of each channel has been due, in seconds (0 when none is due).
        public var oldestDueAge: [Channel: Double] = [:]
        /// `nudge.sqlite` plus its write-ahead log, in bytes.
        public var databaseBytes: Int = 0

        public init() {}
    }

    /// The Prometheus text exposition, with the gauges set from `snapshot`.
    public func exposition(_ snapshot: Snapshot) -> String {
        for channel in Channel.allCases {
            let dimensions = [("channel", channel.rawValue)]
            Gauge(label: "nudge_queue_depth", dimensions: dimensions, factory: factory)
                .record(snapshot.queueDepth[channel] ?? 0)
            Gauge(label: "nudge_oldest_due_age_seconds", dimensions: dimensions, factory: factory)
                .record(snapshot.oldestDueAge[channel] ?? 0)
        }
        Gauge(label: "nudge_database_bytes", factory: factory).record(snapshot.databaseBytes)
        return registry.emitToString()
    }

    /// Reads the snapshot: queue gauges from the store, the database size from its files.
    public static func snapshot(
        _ reader: any StoreReader, channels: [Channel], databasePath: String, now: Date
    ) throws -> Snapshot {
        var snapshot = Snapshot()
        for channel in channels {
            snapshot.queueDepth[channel] = try reader.queuedMessageCount(channel: channel)
            if let due = try reader.earliestMessageDue(channel: channel) {
                snapshot.oldestDueAge[channel] = max(0, now.timeIntervalSince(due))
            }
        }
        for suffix in ["", "-wal"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: databasePath + suffix))?[.size] as? Int
            snapshot.databaseBytes += size ?? 0
        }
        return snapshot
    }
}
