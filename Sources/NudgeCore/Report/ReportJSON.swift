import Foundation

/// A report as JSON (SPEC §10): `nudge report --format json` and `GET /v1/reports` print exactly this text.
/// Rates and shares are fractions (0.125 is 12.5%); money is in the shop's currency units; a figure that cannot be
/// computed (a rate of no customers, lift without a holdout) is null.
public enum ReportJSON {
    public static func text(_ report: CampaignsReport) -> String {
        var out = ""
        StoredJSON.write(value(report), to: &out, times: .plain)
        return out + "\n"
    }

    public static func value(_ report: CampaignsReport) -> Value {
        .map([
            "since": report.since.map(Value.time) ?? .null,
            "campaigns": .list(report.campaigns.map(campaign)),
        ])
    }

    static func campaign(_ report: CampaignReport) -> Value {
        .map([
            "campaign": .string(report.campaign),
            "name": report.name.map(Value.string) ?? .null,
            "goal": report.goal.map { .map(["event": .string($0.event), "within": .string(DurationText.format($0.within))]) }
                ?? .null,
            "open_windows": count(report.openWindows),
            "warnings": .list(report.warnings.map(Value.string)),
            "total": .map(figures(report.total)),
            "steps": .list(
                report.steps.map { step in
                    var fields = figures(step.figures)
                    fields["step"] = .string(step.step)
                    fields["channel"] = step.channel.map { .string($0.rawValue) } ?? .null
                    return .map(fields)
                }),
            "variants": .list(
                report.variants.map { variant in
                    var fields = figures(variant.figures)
                    fields["variant"] = .string(variant.variant)
                    return .map(fields)
                }),
        ])
    }

    static func figures(_ figures: ReportFigures) -> [String: Value] {
        var fields: [String: Value] = [
            "sent": count(figures.sent),
            "delivered": count(figures.delivered),
            "failed": count(figures.failed),
            "suppressed": .map(figures.suppressed.mapValues(count)),
            "treatment": arm(figures.treatment),
            "holdout": arm(figures.holdout),
            "lift": figures.lift.map(lift) ?? .null,
            "recommended_item_orders": count(figures.recommendedItemOrders),
        ]
        if let enrolled = figures.enrolled {
            fields["enrolled"] = .map(["treatment": count(enrolled.treatment), "holdout": count(enrolled.holdout)])
        }
        return fields
    }

    static func arm(_ arm: ArmFigures) -> Value {
        .map([
            "customers": count(arm.customers),
            "conversions": count(arm.conversions),
            "conversion_rate": number(arm.conversionRate),
            "orders": count(arm.orders),
            "revenue": .number(arm.revenue),
            "margin": .number(arm.margin),
            "items_without_cost": count(arm.itemsWithoutCost),
            "units": .number(arm.units),
            "aov": number(arm.averageOrderValue),
            "upt": number(arm.unitsPerTransaction),
            "revenue_per_recipient": number(arm.revenuePerCustomer),
            "cross_sell_customers": count(arm.crossSellCustomers),
            "cross_sell_rate": number(arm.crossSellRate),
        ])
    }

    static func lift(_ test: TwoProportionTest) -> Value {
        .map([
            "absolute": .number(test.absoluteLift),
            "absolute_ci95": interval(test.absoluteInterval),
            "relative": number(test.relativeLift),
            "relative_ci95": test.relativeInterval.map(interval) ?? .null,
            "z": .number(test.z),
            "p_value": .number(test.pValue),
            "significant": .bool(test.isSignificant),
        ])
    }

    private static func interval(_ range: ClosedRange<Double>) -> Value {
        .list([.number(range.lowerBound), .number(range.upperBound)])
    }

    private static func count(_ n: Int) -> Value { .number(Double(n)) }
    private static func number(_ n: Double?) -> Value { n.map(Value.number) ?? .null }
}
