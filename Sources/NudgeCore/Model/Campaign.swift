import Foundation

/// What a campaign is for; cross-sell and upsell campaigns are expected to end on purchase.
public enum CampaignKind: String, Sendable, CaseIterable {
    case crossSell = "cross_sell", upsell, winback, promotion, notice
}

/// A campaign file (SPEC §6), loaded and checked.
public struct Campaign: Sendable {
    public var id: String
    public var name: String
    public var kind: CampaignKind
    public var enabled: Bool
    public var priority: Int
    public var trigger: Trigger
    public var audience: Audience
    public var reentry: Reentry
    /// Share of enrollments put in the control arm, 0 … 0.5.
    public var holdout: Double
    public var exits: [ExitRule]
    public var goal: Goal?
    public var steps: [Step]
    /// The file it came from.
    public var file: String
}

/// What enrolls a customer.
public enum Trigger: Sendable {
    /// An event of this type, when the conditions hold.
    case event(type: String, where: ConditionSet)
    /// The customer entered one of these stages.
    case stageEntered(stages: [String], where: ConditionSet)
    /// A dated send to the whole audience, once per customer.
    case schedule(ScheduleTrigger, where: ConditionSet)

    /// Whether an `event.*` is at hand when the trigger fires.
    public var providesEvent: Bool {
        if case .event = self { return true }
        return false
    }
}

/// `schedule: {at: "2026-11-27T09:00", local: true}`.
public struct ScheduleTrigger: Sendable, Hashable {
    /// The wall-clock date and time as written.
    public var at: DateComponents
    /// When true, `at` is read in each customer's zone; otherwise in the configured zone.
    public var local: Bool
}

/// Who may be (and stay) enrolled.
public struct Audience: Sendable {
    /// Empty means any stage.
    public var stages: [String]
    public var conditions: ConditionSet

    public static let everyone = Audience(stages: [], conditions: ConditionSet())
}

/// Whether a customer may enter the same campaign again.
public enum Reentry: Sendable, Hashable {
    case never
    case after(TimeInterval)
    case always
}

/// Ends an enrollment early.
public enum ExitRule: Sendable {
    case event(type: String, where: ConditionSet)
    case stage([String])
}

/// What counts as a conversion, and for how long after a message.
public struct Goal: Sendable {
    public var event: String
    public var conditions: ConditionSet
    public var within: TimeInterval
}

/// One message of a campaign.
public struct Step: Sendable {
    public var id: String
    public var channel: Channel
    /// Earliest, from the trigger time.
    public var after: TimeInterval
    /// Latest, from the trigger time; past it the step is skipped as `window_missed`.
    public var before: TimeInterval?
    /// Preferred local time of day.
    public var at: TimeOfDay?
    public var template: String
    public var recommend: Recommendation?
    public var variants: [Variant]
    public var offer: Offer?
    /// `quiet_hours: ignore` sends even in quiet hours (notices only).
    public var ignoresQuietHours: Bool
    /// `cap: exempt` is not counted against or held by frequency caps (notices only).
    public var capExempt: Bool

    /// Every template name the step can render (the step's and its variants').
    public var templates: [String] {
        var names = [template]
        for variant in variants where variant.template != nil && !names.contains(variant.template!) {
            names.append(variant.template!)
        }
        return names
    }
}

/// `recommend:` — which products to offer with a step.
public struct Recommendation: Sendable, Hashable {
    public enum Strategy: String, Sendable, CaseIterable {
        case alsoBought = "also_bought", sameCategory = "same_category", fixed
    }

    public var strategy: Strategy
    public var limit: Int
    public var categories: [String]
    /// SKUs for the `fixed` strategy.
    public var skus: [String]
    public var minConfidence: Double?
    public var minLift: Double?
    /// Lowest acceptable (price − cost) / price, 0 … 1.
    public var minMargin: Double?
    /// Highest price as a share of the trigger purchase total.
    public var maxPrice: Double?
    public var fallback: [String]
    public var require: Bool
}

/// An A/B variant: a share of treatment enrollments and, optionally, its own template.
public struct Variant: Sendable, Hashable {
    public var id: String
    public var weight: Int
    public var template: String?
}

/// A time-limited offer code.
public struct Offer: Sendable, Hashable {
    public var code: String
    public var validFor: TimeInterval
}
