import Foundation
import NudgeCore

/// `nudge report --format csv`: one row per campaign total, step and variant (the `level` column says which), with
/// every figure in its own column, for spreadsheets. Fields are quoted as RFC 4180 says; empty means not computable.
enum ReportCSV {
    static let header = [
        "campaign", "level", "step", "variant", "channel", "enrolled_treatment", "enrolled_holdout",
        "customers_treatment", "customers_holdout", "sent", "delivered", "failed", "suppressed",
        "conversions_treatment", "conversions_holdout", "conversion_rate_treatment", "conversion_rate_holdout",
        "lift_absolute", "lift_absolute_ci95_low", "lift_absolute_ci95_high", "lift_relative",
        "lift_relative_ci95_low", "lift_relative_ci95_high", "p_value", "significant", "orders_treatment",
        "orders_holdout", "revenue_treatment", "revenue_holdout", "margin_treatment", "margin_holdout",
        "aov_treatment", "aov_holdout", "upt_treatment", "upt_holdout", "revenue_per_recipient_treatment",
        "revenue_per_recipient_holdout", "cross_sell_rate_treatment", "cross_sell_rate_holdout",
        "recommended_item_orders",
    ]

    static func text(_ report: CampaignsReport) -> String {
        var rows = [header]
        for campaign in report.campaigns {
            rows.append(row(campaign.campaign, "campaign", step: nil, variant: nil, channel: nil, campaign.total))
            for step in campaign.steps {
                rows.append(row(campaign.campaign, "step", step: step.step, variant: nil, channel: step.channel, step.figures))
            }
            for variant in campaign.variants {
                rows.append(row(campaign.campaign, "variant", step: nil, variant: variant.variant, channel: nil, variant.figures))
            }
        }
        return rows.map { $0.map(quoted).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    private static func row(
        _ campaign: String, _ level: String, step: String?, variant: String?, channel: Channel?, _ f: ReportFigures
    ) -> [String] {
        let lift = f.lift
        let (t, h) = (f.treatment, f.holdout)
        return [
            campaign, level, step ?? "", variant ?? "", channel?.rawValue ?? "",
            f.enrolled.map { "\($0.treatment)" } ?? "", f.enrolled.map { "\($0.holdout)" } ?? "",
            "\(t.customers)", "\(h.customers)", "\(f.sent)", "\(f.delivered)", "\(f.failed)",
            f.suppressed.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";"),
            "\(t.conversions)", "\(h.conversions)", number(t.conversionRate), number(h.conversionRate),
            number(lift?.absoluteLift), number(lift?.absoluteInterval.lowerBound),
            number(lift?.absoluteInterval.upperBound), number(lift?.relativeLift),
            number(lift?.relativeInterval?.lowerBound), number(lift?.relativeInterval?.upperBound),
            number(lift?.pValue), lift.map { $0.isSignificant ? "true" : "false" } ?? "",
            "\(t.orders)", "\(h.orders)", number(t.revenue), number(h.revenue), number(t.margin), number(h.margin),
            number(t.averageOrderValue), number(h.averageOrderValue), number(t.unitsPerTransaction),
            number(h.unitsPerTransaction), number(t.revenuePerCustomer), number(h.revenuePerCustomer),
            number(t.crossSellRate), number(h.crossSellRate), "\(f.recommendedItemOrders)",
        ]
    }

    private static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return NumberText.format(value)
    }

    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
