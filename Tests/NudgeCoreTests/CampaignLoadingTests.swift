import Foundation
import Testing

@testable import NudgeCore

@Suite struct CampaignLoadingTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func file(_ path: String) throws -> SourceFile {
        SourceFile(path: path, text: try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8))
    }

    static func templates() throws -> TemplateSet {
        let folder = repository.appendingPathComponent("templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        let partials = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("partials").path)
        let (set, diagnostics) = TemplateLoader.load(
            files: try names.map { try file("templates/\($0)") },
            partials: try partials.map { try file("templates/partials/\($0)") })
        #expect(diagnostics.all.isEmpty)
        return set
    }

    static func context() throws -> CampaignContext {
        let (stages, _) = StagesLoader.load(try file("campaigns/stages.yml"))
        return CampaignContext(
            stages: Set(try #require(stages).names), channels: Set(Channel.allCases), templates: try templates(),
            catalog: nil)
    }

    @Test func crossSellExampleIsReadIntoTheModel() throws {
        let (loaded, diagnostics) = CampaignLoader.load(try Self.file("campaigns/phone-accessories.yml"), context: try Self.context())
        #expect(diagnostics.all.isEmpty)
        let campaign = try #require(loaded)
        #expect(campaign.id == "phone-accessories")
        #expect(campaign.kind == .crossSell)
        #expect(campaign.priority == 50)
        #expect(campaign.holdout == 0.1)
        #expect(campaign.reentry == .after(180 * 86_400))
        #expect(campaign.audience.stages == ["new_customer", "active"])
        #expect(campaign.exits.count == 2)
        #expect(campaign.goal?.within == TimeInterval(14 * 86_400))
        let email = campaign.steps[0]
        #expect(email.channel == .email && email.after == 21 * 86_400 && email.before == 35 * 86_400)
        #expect(email.at == TimeOfDay(hour: 10, minute: 0))
        #expect(email.recommend?.strategy == .alsoBought)
        #expect(email.recommend?.minMargin == 0.15)
        #expect(email.recommend?.maxPrice == 0.5)
        #expect(email.recommend?.fallback == ["CASE-01"])
        #expect(email.recommend?.require == true)
        #expect(email.variants.map(\.weight) == [50, 50])
        #expect(email.templates == ["phone-accessories", "phone-accessories-b"])
        #expect(campaign.steps[1].offer == Offer(code: "ACC10", validFor: 48 * 3600))

        guard case .event(let type, let conditions) = campaign.trigger else {
            Issue.record("not an event trigger")
            return
        }
        #expect(type == "purchase")
        let phone: Value = .map(["items": .list([.map(["sku": .string("IP-15"), "category": .string("phone")])])])
        let cable: Value = .map(["items": .list([.map(["sku": .string("USB-C"), "category": .string("cable")])])])
        #expect(conditions.holds(in: ["event": phone], now: Date()))
        #expect(!conditions.holds(in: ["event": cable], now: Date()))
    }

    @Test func stageRulesMatchFirstRuleTopToBottom() throws {
        let (loaded, diagnostics) = StagesLoader.load(try Self.file("campaigns/stages.yml"))
        #expect(diagnostics.all.isEmpty)
        let stages = try #require(loaded)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func stage(_ customer: [String: Value]) -> String? {
            stages.rules.first { $0.condition.holds(in: ["customer": .map(customer)], now: now) }?.name
        }
        #expect(stage([:]) == "prospect")
        #expect(stage(["purchase_count": .number(2), "last_purchase_at": .time(now - 100 * 86_400)]) == "lapsed")
        #expect(stage(["purchase_count": .number(1), "last_purchase_at": .time(now - 400 * 86_400)]) == "churned")
        #expect(
            stage([
                "purchase_count": .number(1), "first_purchase_at": .time(now - 86_400), "last_purchase_at": .time(now - 86_400),
            ]) == "new_customer")
        #expect(stage(["usage": .map(["max_ratio": .number(0.95)])]) == "at_plan_limit")
    }

    @Test func templateVariablesAreCheckedAgainstTheStep() throws {
        var context = try Self.context()
        let (set, _) = TemplateLoader.load(
            files: [
                SourceFile(
                    path: "t/x.email.mustache",
                    text: "---\nsubject: \"{{offer.code}}\"\n---\n{{#recommendations}}{{name}} {{nam}}{{/recommendations}}{{customer.frist}}{{customer.attributes.anything}}"
                )
            ], partials: [])
        context.templates = set
        let campaign = """
            campaign: x
            kind: promotion
            trigger: {stage_entered: lapsed}
            steps:
              - {id: s, channel: email, template: x, recommend: {strategy: same_category}}
            """
        let (_, diagnostics) = CampaignLoader.load(SourceFile(path: "c/x.yml", text: campaign), context: context)
        #expect(
            diagnostics.sorted.map(\.description) == [
                "t/x.email.mustache:2:13: warning: template variable 'offer.code' is not provided by step 's' of campaign 'x' (the step has no offer:)",
                "t/x.email.mustache:4:32: warning: template variable 'nam' is not provided by step 's' of campaign 'x'",
                "t/x.email.mustache:4:59: warning: template variable 'customer.frist' is not provided by step 's' of campaign 'x': customer has no field 'frist'",
            ])
    }
}
