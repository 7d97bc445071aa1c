import Foundation

/// The measurement of campaigns against their holdouts (SPEC §10), as `nudge report` and `GET /v1/reports` show it.
public struct CampaignsReport: Sendable, Equatable {
    /// Only enrollments that started at or after this moment are counted; nil counts all.
    public var since: Date?
    public var campaigns: [CampaignReport]

    public init(since: Date?, campaigns: [CampaignReport]) {
        self.since = since
        self.campaigns = campaigns
    }
}

/// One campaign: its totals, then the same figures per step and per A/B variant.
public struct CampaignReport: Sendable, Equatable {
    public var campaign: String
    /// The campaign's `name`; nil when its file is no longer loaded.
    public var name: String?
    public var goal: GoalSummary?
    public var total: ReportFigures
    /// In the campaign's order; steps removed since appear after, by id.
    public var steps: [StepFigures]
    /// Each variant's treatment customers against the campaign's whole holdout.
    public var variants: [VariantFigures]
    /// Customers measured whose goal window is still open: they may still convert.
    public var openWindows: Int
    public var warnings: [String]
}

public struct GoalSummary: Sendable, Equatable {
    public var event: String
    public var within: TimeInterval
}

public struct StepFigures: Sendable, Equatable {
    public var step: String
    /// Nil for a step no longer in the campaign.
    public var channel: Channel?
    public var figures: ReportFigures
}

public struct VariantFigures: Sendable, Equatable {
    public var variant: String
    public var figures: ReportFigures
}

/// A count per arm.
public struct ArmCounts: Sendable, Equatable {
    public var treatment = 0
    public var holdout = 0

    public init(treatment: Int = 0, holdout: Int = 0) {
        self.treatment = treatment
        self.holdout = holdout
    }
}

/// The figures of one row of a report: one campaign, one of its steps or one of its variants.
public struct ReportFigures: Sendable, Equatable {
    /// Enrollments per arm (nil on step rows, which count customers reached).
    public var enrolled: ArmCounts?
    public var treatment = ArmFigures()
    public var holdout = ArmFigures()
    /// Messages handed to a gateway.
    public var sent = 0
    /// Messages a delivery receipt confirmed.
    public var delivered = 0
    /// Messages that failed for good (given up, dead, or reported undelivered).
    public var failed = 0
    /// Step decisions that sent nothing, by reason (including `holdout`).
    public var suppressed: [String: Int] = [:]
    /// Treatment orders that contained an item recommended in a message the customer was sent before.
    public var recommendedItemOrders = 0

    public init(enrolled: ArmCounts? = nil) {
        self.enrolled = enrolled
    }

    /// Treatment against holdout; nil when an arm has no customer measured.
    public var lift: TwoProportionTest? {
        TwoProportionTest(
            treatment: (treatment.conversions, treatment.customers), holdout: (holdout.conversions, holdout.customers))
    }
}

/// What one arm did after the campaign reached it.
///
/// `customers` counts the enrollments measured: a treatment customer from the moment a step's message was sent
/// (or, when a step sent nothing — no consent, a cap, a failure — from the moment it was decided, so that both arms
/// hold the same kind of customers), a holdout customer from each step's due time. A conversion is a goal event
/// within the goal's `within` after the customer's latest such moment in the campaign (last touch).
public struct ArmFigures: Sendable, Equatable {
    public var customers = 0
    /// Customers with at least one goal event attributed.
    public var conversions = 0
    /// Goal events attributed.
    public var orders = 0
    public var revenue = 0.0
    public var margin = 0.0
    public var units = 0.0
    /// Items bought without a known cost: `margin` leaves them out.
    public var itemsWithoutCost = 0
    /// Customers who bought a category they had not bought before, in an attributed order.
    public var crossSellCustomers = 0

    public init() {}

    public var conversionRate: Double? { ratio(Double(conversions), customers) }
    /// Average order value.
    public var averageOrderValue: Double? { ratio(revenue, orders) }
    /// Units per transaction.
    public var unitsPerTransaction: Double? { ratio(units, orders) }
    public var revenuePerCustomer: Double? { ratio(revenue, customers) }
    public var crossSellRate: Double? { ratio(Double(crossSellCustomers), customers) }

    private func ratio(_ amount: Double, _ count: Int) -> Double? {
        count > 0 ? amount / Double(count) : nil
    }
}
