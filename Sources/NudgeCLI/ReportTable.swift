import Foundation
import NudgeCore

/// `nudge report` for people: per campaign, the two arms side by side, the lift in words, the message counts, then
/// one line per step and per variant, then the warnings.
struct ReportTable {
    let report: CampaignsReport
    let zone: TimeZone

    func text() -> String {
        guard !report.campaigns.isEmpty else { return "No campaigns to report on.\n" }
        return report.campaigns.map(campaign).joined(separator: "\n")
    }

    private func campaign(_ c: CampaignReport) -> String {
        var out = c.campaign + (c.name.map { " — \($0)" } ?? "") + "\n"
        var scope = c.goal.map { "goal: \($0.event) within \(DurationText.format($0.within))" } ?? "goal: none"
        if let since = report.since { scope += " · enrollments since \(LogTime.format(since))" }
        out += scope + "\n\n"
        out += arms(c.total) + "\n"
        out += "lift: " + Self.lift(c.total) + "\n"
        out += "messages: " + Self.messages(c.total) + "\n"
        if c.total.recommendedItemOrders > 0 {
            out += "recommended items were bought in \(Self.grouped(Double(c.total.recommendedItemOrders))) treatment orders\n"
        }
        let rows =
            c.steps.map { ("step \($0.step)", $0.channel?.rawValue ?? "", $0.figures) }
            + c.variants.map { ("variant \($0.variant)", "", $0.figures) }
        if !rows.isEmpty {
            var table = [["", "channel", "sent", "customers T/H", "conv. T", "conv. H", "lift", "p"]]
            for (name, channel, f) in rows {
                let lift = f.lift
                table.append([
                    name, channel, Self.grouped(Double(f.sent)), Self.grouped(Double(f.treatment.customers)) + "/" + Self.grouped(Double(f.holdout.customers)),
                    Self.percent(f.treatment.conversionRate), Self.percent(f.holdout.conversionRate),
                    lift.map { Self.points($0.absoluteLift) } ?? "–", lift.map { Self.pValue($0.pValue) } ?? "–",
                ])
            }
            out += "\n" + TextColumns.align(table, numeric: 2...7)
        }
        for warning in c.warnings { out += "warning: \(warning)\n" }
        return out
    }

    private func arms(_ f: ReportFigures) -> String {
        let (t, h) = (f.treatment, f.holdout)
        var table = [["", "treatment", "holdout"]]
        if let enrolled = f.enrolled {
            table.append(["enrolled", Self.grouped(Double(enrolled.treatment)), Self.grouped(Double(enrolled.holdout))])
        }
        table += [
            ["customers measured", Self.grouped(Double(t.customers)), Self.grouped(Double(h.customers))],
            ["conversions", Self.conversions(t), Self.conversions(h)],
            ["orders", Self.grouped(Double(t.orders)), Self.grouped(Double(h.orders))],
            ["revenue", Self.grouped(t.revenue), Self.grouped(h.revenue)],
            ["margin", Self.margin(t), Self.margin(h)],
            ["AOV", Self.money(t.averageOrderValue), Self.money(h.averageOrderValue)],
            ["UPT", Self.decimal(t.unitsPerTransaction), Self.decimal(h.unitsPerTransaction)],
            ["revenue per recipient", Self.money(t.revenuePerCustomer), Self.money(h.revenuePerCustomer)],
            ["cross-sell rate", Self.percent(t.crossSellRate), Self.percent(h.crossSellRate)],
        ]
        return TextColumns.align(table, numeric: 1...2)
    }

    /// `+6.10 pp (95% CI +2.19 pp to +10.00 pp), relative +45.5% (95% CI +10.9% to +90.9%), p = 0.0053: significant at
    /// 95%`.
    static func lift(_ f: ReportFigures) -> String {
        guard let test = f.lift else {
            return f.holdout.customers == 0 ? "not measurable (no holdout customers measured)" : "not measurable"
        }
        var text = "\(points(test.absoluteLift)) (95% CI \(points(test.absoluteInterval.lowerBound)) to "
        text += "\(points(test.absoluteInterval.upperBound)))"
        if let relative = test.relativeLift {
            text += ", relative \(signedPercent(relative))"
            if let interval = test.relativeInterval {
                text += " (95% CI \(signedPercent(interval.lowerBound)) to \(signedPercent(interval.upperBound)))"
            }
        }
        let p = pValue(test.pValue)
        text += p.hasPrefix("<") ? ", p \(p): " : ", p = \(p): "
        text += test.isSignificant ? "significant at 95%" : "not significant"
        return text
    }

    static func messages(_ f: ReportFigures) -> String {
        var text = "\(grouped(Double(f.sent))) sent, \(grouped(Double(f.delivered))) delivered, "
        text += "\(grouped(Double(f.failed))) failed"
        if !f.suppressed.isEmpty {
            text += "; suppressed: " + f.suppressed.sorted { $0.key < $1.key }.map { "\($0.key) \(grouped(Double($0.value)))" }
                .joined(separator: ", ")
        }
        return text
    }

    private static func conversions(_ arm: ArmFigures) -> String {
        "\(grouped(Double(arm.conversions))) (\(percent(arm.conversionRate)))"
    }

    private static func margin(_ arm: ArmFigures) -> String {
        grouped(arm.margin) + (arm.itemsWithoutCost > 0 ? " (\(arm.itemsWithoutCost) items without cost)" : "")
    }

    /// Percentage points with a sign: `+6.10 pp`.
    static func points(_ share: Double) -> String {
        String(format: "%+.2f pp", share * 100)
    }

    static func signedPercent(_ share: Double) -> String {
        String(format: "%+.1f%%", share * 100)
    }

    static func percent(_ share: Double?) -> String {
        share.map { String(format: "%.2f%%", $0 * 100) } ?? "–"
    }

    static func pValue(_ p: Double) -> String {
        p < 0.0001 ? "< 0.0001" : String(format: "%.4f", p)
    }

    static func money(_ amount: Double?) -> String {
        amount.map(grouped) ?? "–"
    }

    static func decimal(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0) } ?? "–"
    }

    /// `1,234,567`, or `1,234.50` when there is a fraction.
    static func grouped(_ amount: Double) -> String {
        let whole = amount.rounded() == amount
        let text = whole ? String(format: "%.0f", abs(amount)) : String(format: "%.2f", abs(amount))
        let parts = text.split(separator: ".", maxSplits: 1)
        var digits = Array(parts[0])
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return (amount < 0 ? "-" : "") + String(digits) + (parts.count > 1 ? "." + parts[1] : "")
    }
}
