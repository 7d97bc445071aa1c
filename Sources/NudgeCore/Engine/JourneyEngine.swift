import Foundation

/// The journey rules applied to stored data: what an event changes (facts, stage, enrollments, exits) and what a
/// due step becomes (a message in the outbox, a deferral or a suppression). Every effect goes through a
/// `StoreTransaction`, inside the caller's transaction, so an event and its consequences commit together.
public struct JourneyEngine: Sendable {
    public var campaigns: CampaignSet
    public var policy: JourneyPolicy
    /// The locale of customers without one (`locale:` in nudge.yml).
    public var defaultLocale: String
    /// The signed one-click unsubscribe links of marketing messages (`List-Unsubscribe`, `{{unsubscribe_url}}`);
    /// nil renders none.
    public var unsubscribeLinks: UnsubscribeLinks?

    public init(
        campaigns: CampaignSet, policy: JourneyPolicy, defaultLocale: String, unsubscribeLinks: UnsubscribeLinks? = nil
    ) {
        self.campaigns = campaigns
        self.policy = policy
        self.defaultLocale = defaultLocale
        self.unsubscribeLinks = unsubscribeLinks
    }

    /// What one ingest did.
    public struct IngestSummary: Sendable, Equatable {
        /// Events stored (duplicates by id are not counted).
        public var stored = 0
        public var duplicates = 0
        public var enrollments = 0
        public var stageChanges = 0
        public var exits = 0

        public init() {}
    }

    /// Stores events (in the order given) with everything they cause. Customers are created on first sight.
    /// A customer is written once per call, and only when something about them changed; so are the co-purchase
    /// statistics, with what every purchase of the call added.
    public func ingest(_ events: [Event], into tx: any StoreTransaction, now: Date) throws -> IngestSummary {
        try ingest(events.map(EncodedEvent.init), into: tx, now: now)
    }

    /// Stores events already encoded for storage (see `EncodedEvent`), with everything they cause.
    public func ingest(_ events: [EncodedEvent], into tx: any StoreTransaction, now: Date) throws -> IngestSummary {
        var summary = IngestSummary()
        var customers: [String: Customer] = [:]
        var stored: [String: Customer?] = [:]
        var coPurchases = CoPurchaseCounts()
        for encoded in events {
            let event = encoded.event
            var customer: Customer
            if let seen = customers[event.customerID] {
                customer = seen
            } else {
                let existing = try tx.customer(event.customerID)
                stored[event.customerID] = existing
                customer = existing ?? Customer(id: event.customerID, createdAt: now)
            }
            guard try tx.insertEvent(encoded) else {
                summary.duplicates += 1
                customers[customer.id] = customer
                continue
            }
            summary.stored += 1
            let ownedBefore = customer.facts.ownedSKUs
            FactsUpdater.apply(event, to: &customer.facts)
            if event.type == "purchase" {
                try recordPurchase(event, ownedBefore: ownedBefore, coPurchases: &coPurchases, in: tx)
            }
            try react(to: event, customer: &customer, in: tx, now: now, summary: &summary)
            customers[customer.id] = customer
        }
        if !coPurchases.isEmpty { try tx.addCoPurchases(coPurchases) }
        for customer in customers.values {
            let previous = stored[customer.id] ?? nil
            if previous != customer { try tx.saveCustomer(customer, previous: previous) }
        }
        return summary
    }

    /// Re-evaluates the stage of a customer whose profile changed (no event), with its consequences.
    public func refresh(_ customer: inout Customer, in tx: any StoreTransaction, now: Date) throws {
        var summary = IngestSummary()
        try react(to: nil, customer: &customer, in: tx, now: now, summary: &summary)
        try tx.saveCustomer(customer)
    }

    /// Stage, exits, then enrollments, for one customer after `event` (or a profile change).
    func react(
        to event: Event?, customer: inout Customer, in tx: any StoreTransaction, now: Date,
        summary: inout IngestSummary
    ) throws {
        let enteredStage = try updateStage(of: &customer, in: tx, now: now)
        if enteredStage != nil { summary.stageChanges += 1 }
        if mayExit(customer, after: event) {
            summary.exits += try applyExits(for: customer, event: event, in: tx, now: now)
        }

        // Campaigns are looked at in place: only one whose trigger fires is copied out.
        for index in campaigns.campaigns.indices where campaigns.campaigns[index].enabled {
            let fires: Bool
            var trigger: Event?
            if let event,
                EnrollmentDecider.triggerMatches(
                    campaigns.campaigns[index].trigger, event: event, customer: customer, now: now)
            {
                fires = true
                trigger = event
            } else if let enteredStage,
                EnrollmentDecider.stageTriggerMatches(
                    campaigns.campaigns[index].trigger, newStage: enteredStage, customer: customer, now: now)
            {
                fires = true
            } else {
                fires = false
            }
            guard fires else { continue }
            let campaign = campaigns.campaigns[index]
            let previous = try tx.latestEnrollment(campaign: campaign.id, customerID: customer.id)
            guard
                EnrollmentDecider.shouldEnroll(
                    campaign: campaign, customer: customer, event: trigger, previous: previous, now: now)
            else { continue }
            let enrollment = EnrollmentDecider.newEnrollment(
                campaign: campaign, customer: customer, event: trigger, triggeredAt: trigger?.timestamp ?? now,
                policy: schedulingPolicy, now: now)
            _ = try tx.insertEnrollment(enrollment)
            summary.enrollments += 1
        }
    }

    /// Steps are scheduled without quiet hours: the decision at due time defers them, so the dispatch log shows
    /// `deferred quiet_hours` and operators can see why a message waits.
    var schedulingPolicy: JourneyPolicy {
        var scheduling = policy
        scheduling.quietHours = nil
        return scheduling
    }

    /// Evaluates the stage rules; on a change, records it and returns the new stage.
    @discardableResult
    public func updateStage(of customer: inout Customer, in tx: any StoreTransaction, now: Date) throws -> String? {
        let evaluated = StageEvaluator.evaluate(customer, rules: campaigns.stages, now: now)
        customer.facts.stageCheckAt = evaluated.nextCheck
        guard let stage = evaluated.stage, stage != customer.stage else { return nil }
        try tx.appendStageChange(StageChange(customerID: customer.id, from: customer.stage, to: stage, at: now))
        customer.stage = stage
        customer.stageEnteredAt = now
        return stage
    }

    /// Whether any loaded campaign has an exit rule that `event` or the customer's stage could match: when none
    /// has, the customer's enrollments need not be read at all.
    private func mayExit(_ customer: Customer, after event: Event?) -> Bool {
        campaigns.campaigns.contains { campaign in
            campaign.exits.contains { rule in
                switch rule {
                case .event(let type, _): event?.type == type
                case .stage(let stages): customer.stage.map(stages.contains) ?? false
                }
            }
        }
    }

    /// Ends the customer's active enrollments whose exit rules match; returns how many ended. The step each one was
    /// waiting for is logged `suppressed exited` (SPEC §9: no step is dropped silently), so `nudge tail` shows why
    /// it never came.
    private func applyExits(for customer: Customer, event: Event?, in tx: any StoreTransaction, now: Date) throws -> Int
    {
        var ended = 0
        for var enrollment in try tx.enrollments(customerID: customer.id) where enrollment.state == .active {
            guard let campaign = campaigns.campaign(enrollment.campaign),
                let reason = EnrollmentDecider.exitReason(
                    campaign: campaign, event: event, customer: customer, now: now)
            else { continue }
            if let step = campaign.steps.first(where: { $0.id == enrollment.nextStep }) {
                try tx.appendLog(
                    DispatchLogEntry(
                        at: now, campaign: campaign.id, step: step.id, variant: enrollment.variant,
                        customerID: customer.id, channel: step.channel, status: .suppressed,
                        reason: SuppressionReason.exited.rawValue))
            }
            enrollment.state = .exited
            enrollment.endReason = reason
            enrollment.nextDueAt = nil
            try tx.updateEnrollment(enrollment)
            ended += 1
        }
        return ended
    }
}
