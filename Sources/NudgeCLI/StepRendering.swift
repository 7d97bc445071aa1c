import ArgumentParser
import Foundation
import NudgeCore
import NudgeStore

/// What `nudge preview` and `nudge send-test` share: the live files, the step asked for, and rendering it the
/// way the daemon would.
struct StepRendering {
    let workspace: LoadedWorkspace
    let campaign: Campaign
    let step: Step

    var command: String { workspace.command }
    var config: Config { workspace.config }
    var set: CampaignSet { workspace.set }
    var engine: JourneyEngine { workspace.engine }
    var placeholderLinks: Bool { workspace.placeholderLinks }
    var databasePath: String { workspace.databasePath }

    /// Loads the files and finds `campaign`'s `step` (and `variant`, when given); explains every mistake on
    /// standard error and throws the exit status (78 for the configuration, 1 otherwise).
    init(command: String, configPath: String?, campaign campaignID: String, step stepID: String, variant: String?)
        throws
    {
        workspace = try LoadedWorkspace(command: command, configPath: configPath)
        let set = workspace.set
        guard let campaign = set.campaigns.first(where: { $0.id == campaignID }) else {
            throw Self.failure(
                command, "no campaign '\(campaignID)'; loaded: \(set.campaigns.map(\.id).sorted().joined(separator: ", "))")
        }
        guard let step = campaign.steps.first(where: { $0.id == stepID }) else {
            throw Self.failure(
                command,
                "campaign '\(campaign.id)' has no step '\(stepID)'; its steps: \(campaign.steps.map(\.id).joined(separator: ", "))")
        }
        if let variant, !step.variants.contains(where: { $0.id == variant }) {
            let known = step.variants.map(\.id)
            throw Self.failure(
                command,
                known.isEmpty
                    ? "step '\(step.id)' has no variants"
                    : "step '\(step.id)' has no variant '\(variant)'; its variants: \(known.joined(separator: ", "))")
        }
        self.campaign = campaign
        self.step = step
    }

    /// An enrollment as the scheduler would make it now, with the customer's own variant unless `variant`.
    func enrollment(customerID: String, event: Event?, variant: String?, now: Date) -> Enrollment {
        Enrollment(
            id: 1, campaign: campaign.id, customerID: customerID, arm: .treatment,
            variant: variant
                ?? Assignment.variant(campaign: campaign.id, customerID: customerID, variants: step.variants),
            enrolledAt: now - step.after, triggeredAt: now - step.after, triggerEvent: event, nextStep: step.id,
            nextDueAt: now)
    }

    /// The step rendered for `customer` with a sample trigger event, recommending from the database's catalog
    /// (or sample products when there is no database yet).
    func renderSample(for customer: Customer, variant: String?, now: Date) throws -> Result<
        OutboxMessage, JourneyEngine.Unsendable
    > {
        let enrollment = enrollment(
            customerID: customer.id, event: PreviewSample.triggerEvent(for: campaign, at: now - step.after),
            variant: variant, now: now)
        return try PreviewCatalog.withCatalog(at: databasePath, sampleFor: step.recommend) { catalog in
            try engine.compose(
                step: step, campaign: campaign, enrollment: enrollment, customer: customer, tx: catalog, now: now)
        }
    }

    /// Says `message` on standard error and returns the exit status to throw.
    func failure(_ message: String) -> Error { workspace.failure(message) }

    static func failure(_ command: String, _ message: String) -> Error { LoadedWorkspace.failure(command, message) }
}
