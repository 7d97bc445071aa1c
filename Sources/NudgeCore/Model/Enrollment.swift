import Foundation

/// The control arm is enrolled and measured but never messaged.
public enum Arm: String, Sendable, Hashable, Codable {
    case treatment, holdout
}

/// One customer in one campaign (SPEC §3).
public struct Enrollment: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, Codable {
        case active, completed, exited, expired
    }

    /// Assigned by the store; 0 until stored.
    public var id: Int64
    public var campaign: String
    public var customerID: String
    public var arm: Arm
    /// The A/B variant of treatment enrollments in campaigns that have variants.
    public var variant: String?
    public var enrolledAt: Date
    /// When the trigger happened: step times count from here.
    public var triggeredAt: Date
    /// The trigger event, when the trigger was an event (`event.*` in templates and conditions).
    public var triggerEvent: Event?
    /// Id of the next step to decide, nil when there is none left.
    public var nextStep: String?
    /// When the next step is due, nil when nothing is scheduled.
    public var nextDueAt: Date?
    public var state: State
    /// Why the enrollment ended, for exited and expired enrollments.
    public var endReason: String?

    public init(
        id: Int64 = 0, campaign: String, customerID: String, arm: Arm, variant: String? = nil, enrolledAt: Date,
        triggeredAt: Date, triggerEvent: Event? = nil, nextStep: String?, nextDueAt: Date?, state: State = .active,
        endReason: String? = nil
    ) {
        self.id = id
        self.campaign = campaign
        self.customerID = customerID
        self.arm = arm
        self.variant = variant
        self.enrolledAt = enrolledAt
        self.triggeredAt = triggeredAt
        self.triggerEvent = triggerEvent
        self.nextStep = nextStep
        self.nextDueAt = nextDueAt
        self.state = state
        self.endReason = endReason
    }
}

/// A change of journey stage, kept as history.
public struct StageChange: Sendable, Hashable {
    public var customerID: String
    public var from: String?
    public var to: String
    public var at: Date

    public init(customerID: String, from: String?, to: String, at: Date) {
        self.customerID = customerID
        self.from = from
        self.to = to
        self.at = at
    }
}
