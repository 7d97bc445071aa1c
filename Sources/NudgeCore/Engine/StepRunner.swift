import Foundation

extension JourneyEngine {
    /// What happened to one due enrollment.
    public enum StepOutcome: Sendable, Equatable {
        case queued(messageKey: String)
        case deferred(until: Date, reason: SuppressionReason)
        case suppressed(SuppressionReason)
        /// The enrollment has nothing left to do (its campaign or customer is gone).
        case ended(reason: String)
        /// The step it waited for was removed by a reload: it moved on to `next`, or completed when nil.
        case skipped(removedStep: String, next: String?)
    }

    /// One due enrollment and what became of it.
    public struct StepResult: Sendable, Equatable {
        public var enrollment: Enrollment
        public var outcome: StepOutcome
        /// The dispatch log row written for it, if any.
        public var log: DispatchLogEntry?
    }

    /// Decides every enrollment due at `now` (up to `limit`): renders and queues messages, defers or suppresses,
    /// logs each decision, and schedules the next step.
    /// Steps due together are decided by their campaign's `priority`, highest first, then by due time, so that
    /// when frequency caps leave room for only some, the most important go.
    public func runDueSteps(in tx: any StoreTransaction, now: Date, limit: Int) throws -> [StepResult] {
        let due = try tx.dueEnrollments(at: now, limit: limit).enumerated().sorted { a, b in
            let (pa, pb) = (campaigns.campaign(a.element.campaign)?.priority ?? 0, campaigns.campaign(b.element.campaign)?.priority ?? 0)
            return pa != pb ? pa > pb : a.offset < b.offset
        }.map(\.element)
        return try due.map { enrollment in
            var log: DispatchLogEntry?
            let outcome = try runStep(of: enrollment, in: tx, now: now, log: &log)
            return StepResult(enrollment: enrollment, outcome: outcome, log: log)
        }
    }

    private func runStep(
        of enrollment: Enrollment, in tx: any StoreTransaction, now: Date, log written: inout DispatchLogEntry?
    ) throws -> StepOutcome {
        var enrollment = enrollment
        guard let campaign = campaigns.campaign(enrollment.campaign), campaign.enabled else {
            return try end(&enrollment, reason: "campaign_unavailable", in: tx)
        }
        guard let stepID = enrollment.nextStep, let customer = try tx.customer(enrollment.customerID) else {
            return try end(&enrollment, reason: "customer_unavailable", in: tx)
        }
        guard let step = campaign.steps.first(where: { $0.id == stepID }) else {
            return try skipRemovedStep(&enrollment, in: campaign, customer: customer, tx: tx, now: now)
        }

        // Exits are applied when events and stage changes happen; a reload may add an exit the customer already
        // meets (`stage: [lapsed]` while they are lapsed): it ends the enrollment before anything is sent.
        if let reason = EnrollmentDecider.exitReason(campaign: campaign, event: nil, customer: customer, now: now) {
            written = try record(
                DispatchLogEntry(
                    at: now, campaign: campaign.id, step: step.id, variant: enrollment.variant, customerID: customer.id,
                    channel: step.channel, status: .suppressed, reason: SuppressionReason.exited.rawValue),
                in: tx)
            enrollment.state = .exited
            enrollment.endReason = reason
            enrollment.nextDueAt = nil
            try tx.updateEnrollment(enrollment)
            return .suppressed(.exited)
        }

        let decision = StepDecider.decide(
            campaign: campaign, step: step, enrollment: enrollment, customer: customer, policy: policy, now: now)
        let log = DispatchLogEntry(
            at: now, campaign: campaign.id, step: step.id, variant: enrollment.variant, customerID: customer.id,
            channel: step.channel, status: .suppressed)

        switch decision {
        case .defer(let until, let reason):
            enrollment.nextDueAt = until
            try tx.updateEnrollment(enrollment)
            written = try record(log.with(status: .deferred, reason: reason.rawValue), in: tx)
            return .deferred(until: until, reason: reason)

        case .suppress(let reason):
            written = try record(log.with(status: .suppressed, reason: reason.rawValue), in: tx)
            try advance(&enrollment, after: step, in: campaign, customer: customer, tx: tx, now: now)
            return .suppressed(reason)

        case .send:
            if !step.capExempt, let until = try capHold(channel: step.channel, customerID: customer.id, in: tx, now: now) {
                let latest = StepTiming.latest(step: step, triggeredAt: enrollment.triggeredAt)
                if until == .distantFuture || latest.map({ until > $0 }) == true {
                    written = try record(log.with(status: .suppressed, reason: SuppressionReason.cap.rawValue), in: tx)
                    try advance(&enrollment, after: step, in: campaign, customer: customer, tx: tx, now: now)
                    return .suppressed(.cap)
                }
                enrollment.nextDueAt = until
                try tx.updateEnrollment(enrollment)
                written = try record(log.with(status: .deferred, reason: SuppressionReason.cap.rawValue), in: tx)
                return .deferred(until: until, reason: .cap)
            }
            switch try compose(step: step, campaign: campaign, enrollment: enrollment, customer: customer, tx: tx, now: now)
            {
            case .failure(let unsendable):
                var entry = log.with(status: .suppressed, reason: unsendable.reason.rawValue)
                entry.error = unsendable.detail
                written = try record(entry, in: tx)
                try advance(&enrollment, after: step, in: campaign, customer: customer, tx: tx, now: now)
                return .suppressed(unsendable.reason)
            case .success(let message):
                if try tx.enqueue(message) != nil {
                    written = try record(log.with(status: .queued, reason: nil, messageKey: message.key), in: tx)
                }
                try advance(&enrollment, after: step, in: campaign, customer: customer, tx: tx, now: now)
                return .queued(messageKey: message.key)
            }
        }
    }

    /// When frequency caps let the customer's next message on `channel` go: nil when it may go now. Messages of
    /// `cap: exempt` steps are not counted.
    private func capHold(channel: Channel, customerID: String, in tx: any StoreTransaction, now: Date) throws -> Date? {
        let lookback = FrequencyCaps.lookback(policy.limits)
        guard lookback > 0 else { return nil }
        let recent = try tx.recentMessages(customerID: customerID, since: now - lookback).filter { message in
            campaigns.campaign(message.campaign)?.steps.first { $0.id == message.step }?.capExempt != true
        }
        return FrequencyCaps.earliestAllowed(channel: channel, recent: recent, limits: policy.limits, now: now)
    }

    /// The step an enrollment waits for was removed from its (reloaded) campaign: it continues with the first step
    /// after the last one it passed (a decision in the log since it enrolled), in the campaign's new order, or
    /// completes when there is none. Nothing already sent is sent again: outbox keys are per step and enrollment.
    private func skipRemovedStep(
        _ enrollment: inout Enrollment, in campaign: Campaign, customer: Customer, tx: any StoreTransaction, now: Date
    ) throws -> StepOutcome {
        let removed = enrollment.nextStep ?? ""
        let passed = Set(
            try tx.recentDispatches(customerID: customer.id, limit: 1000).filter {
                $0.campaign == campaign.id && $0.at >= enrollment.enrolledAt && $0.status != .deferred
            }.map(\.step))
        // Steps before the last one it passed (in the new order) stay behind it.
        let resume = campaign.steps.lastIndex { passed.contains($0.id) }.map { $0 + 1 } ?? 0
        guard let next = campaign.steps[resume...].first(where: { !passed.contains($0.id) }) else {
            enrollment.nextStep = nil
            enrollment.nextDueAt = nil
            enrollment.state = .completed
            enrollment.endReason = "step_removed"
            try tx.updateEnrollment(enrollment)
            return .skipped(removedStep: removed, next: nil)
        }
        enrollment.nextStep = next.id
        enrollment.nextDueAt = EnrollmentDecider.scheduledAt(
            step: next, triggeredAt: enrollment.triggeredAt, customer: customer, policy: schedulingPolicy, now: now)
        try tx.updateEnrollment(enrollment)
        return .skipped(removedStep: removed, next: next.id)
    }

    /// Moves the enrollment to its next step, or completes it after the last one.
    private func advance(
        _ enrollment: inout Enrollment, after step: Step, in campaign: Campaign, customer: Customer,
        tx: any StoreTransaction, now: Date
    ) throws {
        if let next = EnrollmentDecider.nextStep(after: step.id, in: campaign) {
            enrollment.nextStep = next.id
            enrollment.nextDueAt = EnrollmentDecider.scheduledAt(
                step: next, triggeredAt: enrollment.triggeredAt, customer: customer, policy: schedulingPolicy, now: now)
        } else {
            enrollment.nextStep = nil
            enrollment.nextDueAt = nil
            enrollment.state = .completed
        }
        try tx.updateEnrollment(enrollment)
    }

    private func end(_ enrollment: inout Enrollment, reason: String, in tx: any StoreTransaction) throws -> StepOutcome
    {
        enrollment.state = .expired
        enrollment.endReason = reason
        enrollment.nextDueAt = nil
        try tx.updateEnrollment(enrollment)
        return .ended(reason: reason)
    }
}

extension JourneyEngine {
    private func record(_ entry: DispatchLogEntry, in tx: any StoreTransaction) throws -> DispatchLogEntry {
        var stored = entry
        stored.seq = try tx.appendLog(entry)
        return stored
    }
}

extension DispatchLogEntry {
    func with(status: DispatchStatus, reason: String?, messageKey: String? = nil) -> DispatchLogEntry {
        var copy = self
        copy.status = status
        copy.reason = reason
        copy.messageKey = messageKey
        return copy
    }
}
