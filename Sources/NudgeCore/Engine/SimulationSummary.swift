import Foundation

/// What a simulation would do, counted per local day and campaign and per campaign: messages sent (by channel),
/// suppressions and deferrals (by reason). Built from the dispatch log rows the simulation wrote; the same rows
/// always give the same summary, in the same order.
public struct SimulationSummary: Sendable, Equatable, Codable {
    /// Counts of one day or one campaign.
    public struct Counts: Sendable, Equatable, Codable {
        /// Messages sent, by channel.
        public var sent: [String: Int] = [:]
        /// Steps suppressed, by reason (holdout, cap, window_missed, …).
        public var suppressed: [String: Int] = [:]
        /// Deferrals, by reason (a step may be deferred more than once).
        public var deferred: [String: Int] = [:]

        public init() {}

        public var sentTotal: Int { sent.values.reduce(0, +) }
        public var suppressedTotal: Int { suppressed.values.reduce(0, +) }
        public var deferredTotal: Int { deferred.values.reduce(0, +) }

        mutating func add(_ entry: DispatchLogEntry) {
            switch entry.status {
            case .sent: sent[entry.channel.rawValue, default: 0] += 1
            case .suppressed: suppressed[entry.reason ?? "unknown", default: 0] += 1
            case .deferred: deferred[entry.reason ?? "unknown", default: 0] += 1
            case .queued, .delivered, .failed, .retrying, .dead: break
            }
        }

        var isEmpty: Bool { sent.isEmpty && suppressed.isEmpty && deferred.isEmpty }
    }

    /// One campaign's counts on one local day.
    public struct Day: Sendable, Equatable, Codable {
        /// `YYYY-MM-DD` in the configured zone.
        public var date: String
        public var campaign: String
        public var counts: Counts
    }

    /// One campaign's counts over the whole run.
    public struct CampaignTotal: Sendable, Equatable, Codable {
        public var campaign: String
        public var counts: Counts
    }

    /// Day by day, campaigns in name order within a day.
    public var days: [Day]
    /// Per campaign, in name order.
    public var campaigns: [CampaignTotal]
    public var total: Counts

    public init(_ entries: [DispatchLogEntry], zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var perDay: [DayKey: Counts] = [:]
        var perCampaign: [String: Counts] = [:]
        var total = Counts()
        for entry in entries {
            var counts = Counts()
            counts.add(entry)
            guard !counts.isEmpty else { continue }
            perDay[DayKey(date: Self.localDate(entry.at, calendar: calendar), campaign: entry.campaign), default: Counts()]
                .add(entry)
            perCampaign[entry.campaign, default: Counts()].add(entry)
            total.add(entry)
        }
        days = perDay.keys.sorted().map { Day(date: $0.date, campaign: $0.campaign, counts: perDay[$0]!) }
        campaigns = perCampaign.keys.sorted().map { CampaignTotal(campaign: $0, counts: perCampaign[$0]!) }
        self.total = total
    }

    /// `YYYY-MM-DD` of `date` on the clocks of `calendar`'s zone.
    static func localDate(_ date: Date, calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    private struct DayKey: Hashable, Comparable {
        var date: String
        var campaign: String

        static func < (a: DayKey, b: DayKey) -> Bool { (a.date, a.campaign) < (b.date, b.campaign) }
    }
}
