import Foundation
import NudgeCore

/// What `nudge simulate` prints: the run's span, counts per campaign and per day, and one customer's schedule when
/// asked for, as a table or as JSON. Everything is in a fixed order, so the same run prints the same bytes.
struct SimulationReport {
    let from: Date
    let to: Date
    let zone: TimeZone
    let summary: SimulationSummary
    /// The dispatch log rows of the customer asked for, in order.
    let schedule: [DispatchLogEntry]?

    func table() -> String {
        var out = "simulated \(localTime(from)) → \(localTime(to)) (\(zone.identifier)); nothing was sent\n"
        out += "\nper campaign\n"
        var rows = [["campaign", "sent", "email", "sms", "push", "suppressed", "deferred"]]
        for total in summary.campaigns { rows.append(campaignRow(total.campaign, total.counts)) }
        rows.append(campaignRow("total", summary.total))
        out += TextColumns.align(rows, numeric: 1...6)

        let reasons = summary.campaigns.flatMap { total in
            total.counts.suppressed.sorted { $0.key < $1.key }.map { [total.campaign, "suppressed", $0.key, "\($0.value)"] }
                + total.counts.deferred.sorted { $0.key < $1.key }.map {
                    [total.campaign, "deferred", $0.key, "\($0.value)"]
                }
        }
        if !reasons.isEmpty {
            out += "\nsuppressed and deferred, by reason\n"
            out += TextColumns.align([["campaign", "decision", "reason", "count"]] + reasons, numeric: 3...3)
        }

        out += "\nper day\n"
        if summary.days.isEmpty {
            out += "nothing is due in this period\n"
        } else {
            var dayRows = [["date", "campaign", "sent", "suppressed", "deferred"]]
            for day in summary.days {
                dayRows.append([
                    day.date, day.campaign, "\(day.counts.sentTotal)", Self.byReason(day.counts.suppressed),
                    Self.byReason(day.counts.deferred),
                ])
            }
            out += TextColumns.align(dayRows, numeric: 2...2)
        }

        if let schedule {
            out += "\nschedule of this customer\n"
            if schedule.isEmpty {
                out += "nothing for this customer in this period\n"
            } else {
                var scheduleRows = [["at", "campaign", "step", "variant", "channel", "status", "reason"]]
                for entry in schedule {
                    scheduleRows.append([
                        localTime(entry.at), entry.campaign, entry.step, entry.variant ?? "-", entry.channel.rawValue,
                        entry.status.rawValue, entry.reason ?? "",
                    ])
                }
                out += TextColumns.align(scheduleRows, numeric: nil)
            }
        }
        return out
    }

    func json() throws -> String {
        struct Scheduled: Encodable {
            var at: String
            var campaign: String
            var step: String
            var variant: String?
            var channel: String
            var status: String
            var reason: String?
        }
        struct Document: Encodable {
            var from: String
            var to: String
            var zone: String
            var campaigns: [SimulationSummary.CampaignTotal]
            var days: [SimulationSummary.Day]
            var total: SimulationSummary.Counts
            var schedule: [Scheduled]?
        }
        let document = Document(
            from: LogTime.format(from), to: LogTime.format(to), zone: zone.identifier, campaigns: summary.campaigns,
            days: summary.days, total: summary.total,
            schedule: schedule?.map {
                Scheduled(
                    at: LogTime.format($0.at), campaign: $0.campaign, step: $0.step, variant: $0.variant,
                    channel: $0.channel.rawValue, status: $0.status.rawValue, reason: $0.reason)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    private func campaignRow(_ name: String, _ counts: SimulationSummary.Counts) -> [String] {
        [
            name, "\(counts.sentTotal)", "\(counts.sent["email"] ?? 0)", "\(counts.sent["sms"] ?? 0)",
            "\(counts.sent["push"] ?? 0)", "\(counts.suppressedTotal)", "\(counts.deferredTotal)",
        ]
    }

    /// `holdout 2, cap 1`, reasons in name order.
    private static func byReason(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    /// `2026-11-24 10:00:00` on the configured zone's clocks.
    private func localTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0)
    }
}
