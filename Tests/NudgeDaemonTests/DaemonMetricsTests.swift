import Foundation
import NudgeCore
import Testing

@testable import NudgeDaemon

@Suite struct DaemonMetricsTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func entry(_ status: DispatchStatus, channel: Channel = .email, latency: Int? = nil, attempt: Int = 1)
        -> DispatchLogEntry
    {
        DispatchLogEntry(
            at: t0, campaign: "c", step: "s", variant: nil, customerID: "lan", channel: channel, status: status,
            attempt: attempt, messageKey: "k", latencyMilliseconds: latency)
    }

    /// Every sample line of a text exposition: `name{labels} value`.
    static var sampleLine: Regex<(Substring, Substring?, Substring?)> { #/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*\})? -?[0-9.e+Inf-]+$/# }

    @Test func theExpositionCountsDispatchOutcomesAndCarriesTheGauges() throws {
        let metrics = DaemonMetrics()
        metrics.eventsIngested(3)
        metrics.eventsIngested(0)
        metrics.dispatched(Self.entry(.queued, attempt: 0))
        metrics.dispatched(Self.entry(.sent, latency: 12))
        // The same series again: counted on the series made for the first.
        metrics.dispatched(Self.entry(.sent, latency: 20))
        metrics.dispatched(Self.entry(.retrying, channel: .sms, latency: 3000))
        metrics.dispatched(Self.entry(.dead, channel: .sms, latency: 40))
        metrics.reloadFailed()
        var snapshot = DaemonMetrics.Snapshot()
        snapshot.queueDepth = [.email: 4]
        snapshot.oldestDueAge = [.email: 90]
        snapshot.databaseBytes = 8192
        let text = metrics.exposition(snapshot)

        let lines = text.split(separator: "\n").map(String.init)
        for line in lines where !line.hasPrefix("#") {
            #expect(line.wholeMatch(of: Self.sampleLine) != nil, "not a sample line: \(line)")
        }
        for expected in [
            "nudge_events_ingested_total 3",
            #"nudge_messages_total{channel="email",status="queued"} 1"#,
            #"nudge_messages_total{channel="email",status="sent"} 2"#,
            #"nudge_messages_total{channel="sms",status="retrying"} 1"#,
            #"nudge_retries_total{channel="sms"} 1"#,
            #"nudge_dead_letters_total{channel="sms"} 1"#,
            "nudge_reload_failures_total 1",
            #"nudge_queue_depth{channel="email"} 4.0"#,
            #"nudge_queue_depth{channel="push"} 0.0"#,
            #"nudge_oldest_due_age_seconds{channel="email"} 90.0"#,
            "nudge_database_bytes 8192.0",
            #"nudge_send_latency_seconds_bucket{channel="email",le="0.01"} 0"#,
            #"nudge_send_latency_seconds_bucket{channel="email",le="0.025"} 2"#,
            #"nudge_send_latency_seconds_bucket{channel="sms",le="5.0"} 2"#,
            #"nudge_send_latency_seconds_count{channel="sms"} 2"#,
        ] {
            #expect(lines.contains(expected), "missing \(expected) in:\n\(text)")
        }
        #expect(text.contains("# TYPE nudge_send_latency_seconds histogram"))
        // The queued decision has no attempt: no latency sample for it.
        #expect(lines.contains(#"nudge_send_latency_seconds_count{channel="email"} 2"#), "\(text)")
    }

    @Test func aFreshDaemonShowsZeroCounters() {
        let text = DaemonMetrics().exposition(.init())
        #expect(text.contains("nudge_events_ingested_total 0"))
        #expect(text.contains("nudge_reload_failures_total 0"))
    }
}
