import ArgumentParser
import Foundation
import NudgeCore
import NudgeDaemon

struct SendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send one real message of a campaign step to an address, through the configured transport.",
        discussion: """
            Renders the step for a made-up customer whose only address is --to (an email address, an E.164
            phone number or a push token, as the step's channel needs), sends it once through the channel's
            transport with its real settings and secrets, and logs the attempt in the dispatch log with
            reason "test" (customer send-test). Nothing is queued or retried. Exit status 1 when it is not
            accepted.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The campaign id.")
    var campaign: String

    @Option(help: "The step id.")
    var step: String

    @Option(help: "Where to send: an email address, a phone number (+84…) or a push token.")
    var to: String

    @Option(help: "Render this A/B variant.")
    var variant: String?

    static let customerID = "send-test"

    func run() async throws {
        let output = StandardOutput()
        let now = Date()
        let rendering = try StepRendering(
            command: "send-test", configPath: global.config, campaign: campaign, step: step, variant: variant)
        var customer = PreviewSample.customer(now: now)
        customer.id = Self.customerID
        customer.email = nil
        customer.phone = nil
        customer.pushTokens = []
        switch rendering.step.channel {
        case .email:
            if let problem = ContactRules.emailProblem(to) { throw rendering.failure("--to \(problem)") }
            customer.email = to
        case .sms:
            guard let phone = ContactRules.normalizedPhone(to) else {
                throw rendering.failure("--to must be a phone number in E.164 form (+ then 8–15 digits) for an SMS step")
            }
            customer.phone = phone
        case .push:
            guard !to.trimmingCharacters(in: .whitespaces).isEmpty else { throw rendering.failure("--to is empty") }
            customer.pushTokens = [to]
        }
        var message: OutboxMessage
        switch try rendering.renderSample(for: customer, variant: variant, now: now) {
        case .failure(let unsendable): throw rendering.failure("the step cannot be rendered: \(unsendable)")
        case .success(let rendered): message = rendered
        }
        let stamp = String(UUID().uuidString.lowercased().prefix(8))
        message.key = "test/\(message.campaign)/\(message.step)/\(LogTime.format(now))/\(stamp)"

        let outcome: TestDelivery.Outcome
        do {
            outcome = try await TestDelivery.send(message, config: rendering.config, templates: rendering.set.templates)
        } catch {
            throw rendering.failure("\(error)")
        }
        let seq = "dispatch log seq \(outcome.entry.seq), reason test"
        switch outcome.result {
        case .sent(let providerID):
            output.write(
                "sent \(message.channel.rawValue) to \(to) in \(outcome.latencyMilliseconds) ms"
                    + (providerID.map { " (\($0))" } ?? "") + "; \(seq)\n")
        case .failed(let error, _, _):
            throw rendering.failure("not sent: \(error); \(seq)")
        case .offerExpired(let expiry):
            throw rendering.failure("not sent: the offer expired at \(LogTime.format(expiry)); \(seq)")
        }
    }
}
