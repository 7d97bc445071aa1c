import Foundation

/// Turns one campaign's activity into its report (SPEC §10): what each step did to each enrollment, when each
/// enrollment was reached, which goal events are attributed to which step, and the totals per campaign, step and
/// variant.
public enum CampaignReportBuilder {
    /// An arm with fewer customers measured than this gets a warning: its rate is too noisy to judge lift by.
    public static let smallArm = 100

    public static func build(_ activity: CampaignActivity, campaign: Campaign?, now: Date) -> CampaignReport {
        var state = Tallying(activity: activity)
        state.readLog()
        let exposures = state.tallyTracks()
        var openWindows = 0
        if let goal = campaign?.goal {
            state.attribute(goal: goal, exposures: exposures)
            openWindows = exposures.values.reduce(0) { count, list in
                count + Set(list.filter { $0.at + goal.within > now }.map(\.enrollment)).count
            }
        }

        let total = state.figures(.total)
        let steps = stepIDs(campaign: campaign, seen: state.stepsSeen).map { id in
            StepFigures(
                step: id, channel: campaign?.steps.first { $0.id == id }?.channel ?? state.stepChannels[id],
                figures: state.figures(.step(id)))
        }
        let variants = variantIDs(campaign: campaign, seen: state.variantsSeen).map { id in
            var figures = state.figures(.variant(id))
            figures.holdout = total.holdout
            figures.enrolled?.holdout = total.enrolled?.holdout ?? 0
            return VariantFigures(variant: id, figures: figures)
        }
        return CampaignReport(
            campaign: activity.campaign, name: campaign?.name,
            goal: campaign?.goal.map { GoalSummary(event: $0.event, within: $0.within) }, total: total, steps: steps,
            variants: variants, openWindows: openWindows,
            warnings: warnings(campaign: campaign, total: total, openWindows: openWindows))
    }

    static func warnings(campaign: Campaign?, total: ReportFigures, openWindows: Int) -> [String] {
        var warnings: [String] = []
        if campaign == nil {
            warnings.append("the campaign's file is no longer loaded: without its goal, conversions are not counted")
        } else if campaign?.goal == nil {
            warnings.append("the campaign has no goal: conversions are not counted")
        }
        let (treated, held) = (total.treatment.customers, total.holdout.customers)
        if treated + held > 0 {
            if held == 0 {
                warnings.append("no holdout customers measured: lift cannot be computed")
            } else {
                for (arm, count) in [("treatment", treated), ("holdout", held)] where count < smallArm {
                    warnings.append(
                        "only \(count) customers measured in the \(arm) arm (fewer than \(smallArm)): "
                            + "the lift is too uncertain to act on")
                }
            }
        }
        if openWindows > 0 {
            warnings.append("\(openWindows) customers are still inside their goal window: conversions may still come")
        }
        return warnings
    }

    private static func stepIDs(campaign: Campaign?, seen: Set<String>) -> [String] {
        let declared = campaign?.steps.map(\.id) ?? []
        return declared + seen.subtracting(declared).sorted()
    }

    private static func variantIDs(campaign: Campaign?, seen: Set<String>) -> [String] {
        var declared: [String] = []
        for variant in campaign?.steps.flatMap(\.variants) ?? [] where !declared.contains(variant.id) {
            declared.append(variant.id)
        }
        return declared + seen.subtracting(declared).sorted()
    }
}
