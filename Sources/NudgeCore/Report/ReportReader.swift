import Foundation

/// Reads what reports need from the store and builds them: `nudge report` and `GET /v1/reports` both come here.
public enum ReportReader {
    /// The report of `only`, or of every campaign that is loaded or has enrollments, in id order, counting the
    /// enrollments that started at or after `since`. Goal windows still open at `now` are flagged. Nil when `only`
    /// names a campaign that is neither loaded nor ever enrolled anyone.
    public static func report(
        campaigns: CampaignSet, only: String? = nil, since: Date?, now: Date, in store: any StoreReader
    ) throws -> CampaignsReport? {
        let known = Set(campaigns.campaigns.map(\.id) + (try store.enrolledCampaigns()))
        if let only, !known.contains(only) { return nil }
        let ids = only.map { [$0] } ?? known.sorted()
        let reports = try ids.map { id in
            let campaign = campaigns.campaign(id)
            let activity = try self.activity(campaign: id, goal: campaign?.goal, since: since, now: now, in: store)
            return CampaignReportBuilder.build(activity, campaign: campaign, now: now)
        }
        return CampaignsReport(since: since, campaigns: reports)
    }

    /// How many log rows to read at a time.
    static let page = 5_000

    static func activity(
        campaign: String, goal: Goal?, since: Date?, now: Date, in store: any StoreReader
    ) throws -> CampaignActivity {
        let enrollments = try store.enrollments(campaign: campaign, since: since)
        guard let first = enrollments.map(\.enrolledAt).min() else {
            return CampaignActivity(campaign: campaign, enrollments: [], log: [])
        }
        // Log times are kept to the millisecond: a row written as its enrollment started may read a little earlier.
        let filter = DispatchLogFilter(campaign: campaign, since: first - 0.001)
        var log: [DispatchLogEntry] = []
        while true {
            let rows = try store.dispatchLog(after: log.last?.seq ?? 0, filter: filter, limit: page)
            log += rows
            if rows.count < page { break }
        }

        var goalEvents: [String: [ReportEvent]] = [:]
        var purchases: [String: [ReportEvent]] = [:]
        var skus = Set<String>()
        if let goal {
            // Events come by customer: each customer's goal events and purchases are kept once the next begins.
            var current: (id: String, customer: Customer?, goals: [ReportEvent], purchases: [ReportEvent])?
            func flush() {
                guard let done = current, !done.goals.isEmpty else { return }
                goalEvents[done.id] = done.goals
                purchases[done.id] = done.purchases
                for event in done.goals + done.purchases { skus.formUnion(event.items.map(\.sku)) }
            }
            let types = Array(Set([goal.event, "purchase"])).sorted()
            try store.forEachEvent(ofCustomersIn: campaign, types: types, through: now) { event in
                if current?.id != event.customerID {
                    flush()
                    let customer = goal.conditions.conditions.isEmpty ? nil : try store.customer(event.customerID)
                    current = (event.customerID, customer, [], [])
                }
                let kept = ReportEvent(event)
                if event.type == "purchase" { current?.purchases.append(kept) }
                guard event.type == goal.event, event.timestamp >= first else { return }
                if !goal.conditions.conditions.isEmpty {
                    guard let customer = current?.customer,
                        goal.conditions.holds(
                            in: ConditionRoots.of(customer: customer, event: event), now: event.timestamp)
                    else { return }
                }
                current?.goals.append(kept)
            }
            flush()
        }

        var catalog: [String: Product] = [:]
        let sorted = skus.sorted()
        for start in stride(from: 0, to: sorted.count, by: 500) {
            for product in try store.products(skus: Array(sorted[start..<min(start + 500, sorted.count)])) {
                catalog[product.sku] = product
            }
        }
        return CampaignActivity(
            campaign: campaign, enrollments: enrollments, log: log,
            recommendedSKUs: try store.recommendedSKUs(campaign: campaign),
            goalEvents: goalEvents, purchases: purchases, catalog: catalog)
    }
}
