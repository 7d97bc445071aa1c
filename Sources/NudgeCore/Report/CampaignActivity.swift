import Foundation

/// Everything a report needs about one campaign, as read from the store (see `ReportReader`).
public struct CampaignActivity: Sendable {
    public var campaign: String
    /// The enrollments counted, oldest first.
    public var enrollments: [Enrollment]
    /// The campaign's dispatch log rows since the first of them, in `seq` order.
    public var log: [DispatchLogEntry]
    /// The SKUs recommended in each sent message, by message key.
    public var recommendedSKUs: [String: [String]]
    /// Per customer, the goal events (type and `where` matched), in time order.
    public var goalEvents: [String: [ReportEvent]]
    /// Per customer, their purchases up to their last goal event, in time order: which categories were new.
    public var purchases: [String: [ReportEvent]]
    /// The products the goal events and purchases name, for costs and categories their items leave out.
    public var catalog: [String: Product]

    public init(
        campaign: String, enrollments: [Enrollment], log: [DispatchLogEntry], recommendedSKUs: [String: [String]] = [:],
        goalEvents: [String: [ReportEvent]] = [:], purchases: [String: [ReportEvent]] = [:],
        catalog: [String: Product] = [:]
    ) {
        self.campaign = campaign
        self.enrollments = enrollments
        self.log = log
        self.recommendedSKUs = recommendedSKUs
        self.goalEvents = goalEvents
        self.purchases = purchases
        self.catalog = catalog
    }
}
