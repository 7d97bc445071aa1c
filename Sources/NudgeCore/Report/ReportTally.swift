import Foundation

/// A moment a campaign reached an enrollment: a step's message sent, or a step decided without one.
struct Exposure {
    var at: Date
    var enrollment: Int64
    var step: String
}

/// The running counts of one campaign's report: the log read into what each step did for each enrollment, the
/// customers each reached, and the goal events attributed.
struct Tallying {
    enum Group: Hashable {
        case total, step(String), variant(String)
    }

    /// What one step did for one enrollment.
    struct Track {
        var enrollment: Enrollment
        var step: String
        var sentAt: Date?
        var decidedAt: Date?
        var messageKey: String?
        var delivered = false
        var failed = false

        /// When the step reached the customer: its message sent, else its decision (not an exit).
        var exposure: Date? { sentAt ?? decidedAt }
    }

    struct Tally {
        var figures = ReportFigures()
        var reached: [Arm: Set<Int64>] = [:]
        var converted: [Arm: Set<Int64>] = [:]
        var crossSold: [Arm: Set<Int64>] = [:]
    }

    let activity: CampaignActivity
    let enrollments: [Int64: Enrollment]
    let enrollmentsByCustomer: [String: [Enrollment]]
    var tracks: [String: Track] = [:]
    var trackOrder: [String] = []
    var tracksByEnrollment: [Int64: [String]] = [:]
    var tallies: [Group: Tally] = [:]
    var stepsSeen = Set<String>()
    var stepChannels: [String: Channel] = [:]
    var variantsSeen = Set<String>()

    init(activity: CampaignActivity) {
        self.activity = activity
        enrollments = Dictionary(activity.enrollments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        enrollmentsByCustomer = Dictionary(grouping: activity.enrollments, by: \.customerID)
            .mapValues { $0.sorted { ($0.enrolledAt, $0.id) < ($1.enrolledAt, $1.id) } }
        var total = Tally()
        total.figures.enrolled = ArmCounts()
        for enrollment in activity.enrollments {
            Self.count(enrollment, in: &total.figures.enrolled!)
            if enrollment.arm == .treatment, let variant = enrollment.variant {
                variantsSeen.insert(variant)
                tallies[.variant(variant), default: Tally(figures: ReportFigures(enrolled: ArmCounts()))]
                    .figures.enrolled!.treatment += 1
            }
        }
        tallies[.total] = total
    }

    private static func count(_ enrollment: Enrollment, in counts: inout ArmCounts) {
        switch enrollment.arm {
        case .treatment: counts.treatment += 1
        case .holdout: counts.holdout += 1
        }
    }

    /// Changes one group's tally in place (a copy would copy its sets on every insertion).
    mutating func update(_ group: Group, _ change: (inout Tally) -> Void) {
        change(&tallies[group, default: Tally()])
    }

    func groups(_ enrollment: Enrollment, step: String) -> [Group] {
        var groups: [Group] = [.total, .step(step)]
        if enrollment.arm == .treatment, let variant = enrollment.variant { groups.append(.variant(variant)) }
        return groups
    }

    /// The enrollment a log row belongs to: the one its message key names, else the customer's latest enrollment
    /// that had started when the row was written. Nil for rows of enrollments the report does not count.
    func enrollment(of row: DispatchLogEntry) -> Enrollment? {
        if let key = row.messageKey {
            guard let slash = key.lastIndex(of: "/"), let id = Int64(key[key.index(after: slash)...]) else {
                return nil
            }
            return enrollments[id]
        }
        // Log times are kept to the millisecond; enrollment times are not.
        return enrollmentsByCustomer[row.customerID]?.last { $0.enrolledAt <= row.at + 0.001 }
    }

    mutating func readLog() {
        for row in activity.log {
            guard let enrollment = enrollment(of: row) else { continue }
            let key = "\(enrollment.id)/\(row.step)"
            var track = tracks[key] ?? {
                trackOrder.append(key)
                tracksByEnrollment[enrollment.id, default: []].append(key)
                return Track(enrollment: enrollment, step: row.step)
            }()
            stepsSeen.insert(row.step)
            stepChannels[row.step] = stepChannels[row.step] ?? row.channel
            switch row.status {
            case .sent:
                track.sentAt = track.sentAt ?? row.at
                track.messageKey = row.messageKey
            case .delivered:
                track.delivered = true
            case .failed, .dead:
                track.failed = true
                track.decidedAt = track.decidedAt ?? row.at
            case .suppressed:
                let reason = row.reason ?? "unknown"
                if reason != SuppressionReason.exited.rawValue { track.decidedAt = track.decidedAt ?? row.at }
                for group in groups(enrollment, step: row.step) {
                    update(group) { $0.figures.suppressed[reason, default: 0] += 1 }
                }
            case .queued, .deferred, .retrying:
                break
            }
            tracks[key] = track
        }
    }

    /// Counts messages and customers reached; returns each customer's exposures, earliest first.
    mutating func tallyTracks() -> [String: [Exposure]] {
        var exposures: [String: [Exposure]] = [:]
        for key in trackOrder {
            guard let track = tracks[key] else { continue }
            let enrollment = track.enrollment
            for group in groups(enrollment, step: track.step) {
                update(group) { tally in
                    if track.sentAt != nil { tally.figures.sent += 1 }
                    if track.delivered { tally.figures.delivered += 1 }
                    if track.failed { tally.figures.failed += 1 }
                    if track.exposure != nil { tally.reached[enrollment.arm, default: []].insert(enrollment.id) }
                }
            }
            if let at = track.exposure {
                exposures[enrollment.customerID, default: []].append(
                    Exposure(at: at, enrollment: enrollment.id, step: track.step))
            }
        }
        return exposures.mapValues { $0.sorted { ($0.at, $0.enrollment) < ($1.at, $1.enrollment) } }
    }

    /// Gives each goal event to the customer's latest exposure before it, when the event falls within the goal's
    /// window after it: `at < event ≤ at + within`.
    mutating func attribute(goal: Goal, exposures: [String: [Exposure]]) {
        for (customer, events) in activity.goalEvents {
            guard let reached = exposures[customer] else { continue }
            let purchases = activity.purchases[customer] ?? []
            for event in events {
                guard let last = reached.last(where: { $0.at < event.timestamp }),
                    event.timestamp.timeIntervalSince(last.at) <= goal.within,
                    let enrollment = enrollments[last.enrollment]
                else { continue }
                let order = GoalOrder(event, catalog: activity.catalog)
                let known = purchases.lazy.filter { $0.timestamp < event.timestamp }
                    .reduce(into: Set<String>()) { $0.formUnion($1.categories(catalog: activity.catalog)) }
                let crossSell = !order.categories.subtracting(known).isEmpty
                let recommended =
                    enrollment.arm == .treatment
                    && !recommendedSKUs(of: enrollment.id, before: event.timestamp).isDisjoint(with: order.skus)
                for group in groups(enrollment, step: last.step) {
                    update(group) { tally in
                        tally.add(order, arm: enrollment.arm, enrollment: enrollment.id, crossSell: crossSell)
                        if recommended { tally.figures.recommendedItemOrders += 1 }
                    }
                }
            }
        }
    }

    /// The SKUs recommended in the enrollment's messages sent before `moment`.
    func recommendedSKUs(of enrollment: Int64, before moment: Date) -> Set<String> {
        var skus = Set<String>()
        for key in tracksByEnrollment[enrollment] ?? [] {
            guard let track = tracks[key], let sentAt = track.sentAt, sentAt < moment, let key = track.messageKey else { continue }
            skus.formUnion(activity.recommendedSKUs[key] ?? [])
        }
        return skus
    }

    func figures(_ group: Group) -> ReportFigures {
        let tally = tallies[group] ?? Tally()
        var figures = tally.figures
        figures.treatment.customers = tally.reached[.treatment]?.count ?? 0
        figures.holdout.customers = tally.reached[.holdout]?.count ?? 0
        figures.treatment.conversions = tally.converted[.treatment]?.count ?? 0
        figures.holdout.conversions = tally.converted[.holdout]?.count ?? 0
        figures.treatment.crossSellCustomers = tally.crossSold[.treatment]?.count ?? 0
        figures.holdout.crossSellCustomers = tally.crossSold[.holdout]?.count ?? 0
        return figures
    }
}

extension Tallying.Tally {
    mutating func add(_ order: GoalOrder, arm: Arm, enrollment: Int64, crossSell: Bool) {
        converted[arm, default: []].insert(enrollment)
        if crossSell { crossSold[arm, default: []].insert(enrollment) }
        switch arm {
        case .treatment: figures.treatment.add(order)
        case .holdout: figures.holdout.add(order)
        }
    }
}

extension ArmFigures {
    mutating func add(_ order: GoalOrder) {
        orders += 1
        revenue += order.revenue
        margin += order.margin
        units += order.units
        itemsWithoutCost += order.itemsWithoutCost
    }
}
