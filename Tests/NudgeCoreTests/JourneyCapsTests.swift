import Foundation
import NudgeCore
import NudgeTesting
import Testing

/// Frequency caps in the engine over the in-memory store with a manual clock: competing campaigns, windows,
/// exempt notices, and a randomized check that no sequence of events breaks a cap, consent, holdout or quiet
/// hours.
@Suite struct JourneyCapsTests {
    /// 2026-03-02 03:00 UTC = 10:00 in Ho Chi Minh City.
    static let t0 = Date(timeIntervalSince1970: 1_772_420_400)
    static let day: TimeInterval = 86_400

    static let stages = """
        stages:
          - name: buyer
            when: customer.purchase_count >= 1
          - name: prospect
            when: true
        """

    static func campaign(_ id: String, priority: Int, after: String, before: String, channel: String = "email")
        -> SourceFile
    {
        SourceFile(
            path: "c/\(id).yml",
            text: """
                campaign: \(id)
                name: \(id)
                kind: cross_sell
                priority: \(priority)
                trigger: {event: purchase}
                reentry: always
                holdout: 0%
                steps:
                  - {id: s, channel: \(channel), after: \(after), before: \(before), template: hello-\(channel)}
                """)
    }

    static let receipt = SourceFile(
        path: "c/receipt.yml",
        text: """
            campaign: receipt
            name: Biên nhận
            kind: notice
            trigger: {event: purchase}
            reentry: always
            holdout: 0%
            steps:
              - {id: r, channel: email, after: 0m, template: hello-email, cap: exempt, quiet_hours: ignore}
            """)

    static let templates = [
        SourceFile(path: "t/hello-email.email.mustache", text: "---\nsubject: Chào\n---\n<p>Chào</p>\n"),
        SourceFile(path: "t/hello-sms.sms.mustache", text: "Chào {{customer.id}}\n"),
        SourceFile(path: "t/hello-push.push.mustache", text: "---\ntitle: Chào\n---\nChào\n"),
    ]

    static func engine(_ campaigns: [SourceFile], limits: FrequencyLimits, quiet: QuietHours? = nil) throws
        -> JourneyEngine
    {
        var config = Config.defaults
        config.limits = limits
        config.quietHours = quiet
        config.defaultConsent = [.email: true, .sms: true, .push: true]
        let files = CampaignFiles(
            stages: SourceFile(path: "c/stages.yml", text: stages), campaigns: campaigns, templates: templates,
            partials: [])
        let (set, diagnostics) = CampaignSetLoader.load(files, config: config)
        guard let set else {
            Issue.record("campaign set did not load: \(diagnostics.sorted.map(\.description))")
            throw CancellationError()
        }
        return JourneyEngine(campaigns: set, policy: JourneyPolicy(config: config), defaultLocale: "vi-VN")
    }

    static func purchase(_ id: String, customer: String, at: Date) -> Event {
        Event(
            id: id, type: "purchase", customerID: customer, timestamp: at,
            properties: ["total": .number(100), "items": .list([.map(["sku": .string("A"), "price": .number(100)])])])
    }

    static func seed(
        _ store: InMemoryStore, _ id: String, zone: String = "Asia/Ho_Chi_Minh", consent: [Channel: Bool] = [:]
    ) throws {
        try store.write {
            try $0.saveCustomer(
                Customer(
                    id: id, email: "\(id)@example.vn", phone: "+8490\(String(repeating: "1", count: 7))",
                    pushTokens: ["tok-\(id)"], timezone: zone, consent: consent, createdAt: t0 - 10 * day))
        }
    }

    @Test func theHigherPriorityGoesFirstAndTheOtherWaitsForRoom() throws {
        let engine = try Self.engine(
            [Self.campaign("a-low", priority: 10, after: "1d", before: "5d"),
             Self.campaign("b-high", priority: 90, after: "1d", before: "5d"), Self.receipt],
            limits: FrequencyLimits(perCustomer: [FrequencyCap(max: 1, per: Self.day)], perChannel: [:]))
        let store = InMemoryStore()
        try Self.seed(store, "c1")
        try store.write { _ = try engine.ingest([Self.purchase("o1", customer: "c1", at: Self.t0)], into: $0, now: Self.t0) }

        // The receipt (a cap-exempt notice) goes at once and takes no room.
        let first = try store.write { try engine.runDueSteps(in: $0, now: Self.t0, limit: 10) }
        #expect(first.map(\.outcome) == [.queued(messageKey: "receipt/r/c1/3")])

        let due = Self.t0 + Self.day
        let results = try store.write { try engine.runDueSteps(in: $0, now: due, limit: 10) }
        #expect(results.map(\.enrollment.campaign) == ["b-high", "a-low"])
        #expect(results.map(\.outcome) == [.queued(messageKey: "b-high/s/c1/2"), .deferred(until: due + Self.day, reason: .cap)])
        #expect(results[1].log?.status == .deferred && results[1].log?.reason == "cap")

        #expect(try store.write { try engine.runDueSteps(in: $0, now: due + Self.day - 1, limit: 10) }.isEmpty)
        let later = try store.write { try engine.runDueSteps(in: $0, now: due + Self.day, limit: 10) }
        #expect(later.map(\.outcome) == [.queued(messageKey: "a-low/s/c1/1")])
    }

    @Test func aCapThatOutlastsTheWindowSuppresses() throws {
        let engine = try Self.engine(
            [Self.campaign("a-low", priority: 10, after: "1d", before: "36h"),
             Self.campaign("b-high", priority: 90, after: "1d", before: "5d")],
            limits: FrequencyLimits(perCustomer: [FrequencyCap(max: 1, per: Self.day)], perChannel: [:]))
        let store = InMemoryStore()
        try Self.seed(store, "c1")
        try store.write { _ = try engine.ingest([Self.purchase("o1", customer: "c1", at: Self.t0)], into: $0, now: Self.t0) }
        let results = try store.write { try engine.runDueSteps(in: $0, now: Self.t0 + Self.day, limit: 10) }
        #expect(results.map(\.outcome) == [.queued(messageKey: "b-high/s/c1/2"), .suppressed(.cap)])
        #expect(try store.read { try $0.enrollments(customerID: "c1") }.first { $0.campaign == "a-low" }?.state == .completed)
    }

    /// Random campaign sets and, for over a thousand customers, random streams of purchases and unsubscribes, run
    /// two hours at a time for three weeks: no customer ever gets more than the caps allow in any window, nobody gets
    /// marketing on a channel they left or never consented to, no holdout customer gets anything, and nothing is
    /// created inside quiet hours except by a notice step that says `quiet_hours: ignore`.
    @Test(arguments: 1...24)
    func noRandomHistoryBreaksTheRules(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let channels = ["email", "sms", "push"]
        var files: [SourceFile] = []
        for index in 0..<Int.random(in: 2...5, using: &random) {
            let afterHours = Int.random(in: 0...72, using: &random)
            let channel = channels.randomElement(using: &random)!
            let holdout = [0, 20, 50].randomElement(using: &random)!
            files.append(
                SourceFile(
                    path: "c/m\(index).yml",
                    text: """
                        campaign: m\(index)
                        name: m\(index)
                        kind: cross_sell
                        priority: \(Int.random(in: 0...100, using: &random))
                        trigger: {event: purchase}
                        reentry: always
                        holdout: \(holdout)%
                        steps:
                          - {id: s, channel: \(channel), after: \(afterHours)h, before: \(afterHours + Int.random(in: 24...120, using: &random))h, template: hello-\(channel)}
                        """))
        }
        // A transactional notice that ignores quiet hours and caps, on a random channel.
        let noticeChannel = channels.randomElement(using: &random)!
        files.append(
            SourceFile(
                path: "c/receipt.yml",
                text: """
                    campaign: receipt
                    name: receipt
                    kind: notice
                    trigger: {event: purchase}
                    reentry: always
                    steps:
                      - {id: n, channel: \(noticeChannel), after: 0m, before: 1d, template: hello-\(noticeChannel), quiet_hours: ignore, cap: exempt}
                    """))
        let limits = FrequencyLimits(
            perCustomer: [FrequencyCap(max: 1, per: Self.day), FrequencyCap(max: 3, per: 7 * Self.day)],
            perChannel: [.sms: [FrequencyCap(max: 1, per: 7 * Self.day)]])
        let quiet = QuietHours(parsing: "21:00-08:00")!
        let engine = try Self.engine(files, limits: limits, quiet: quiet)
        let store = InMemoryStore()
        let zones = ["Asia/Ho_Chi_Minh", "America/New_York", "Europe/Berlin", "Australia/Sydney"]
        let customers = (0..<50).map { "r\(seed)-\($0)" }
        var zoneOf: [String: String] = [:]
        var consentOf: [String: [Channel: Bool]] = [:]
        for id in customers {
            zoneOf[id] = zones.randomElement(using: &random)!
            // Each channel consented, refused or left to the default (every channel).
            consentOf[id] = Dictionary(
                uniqueKeysWithValues: Channel.allCases.compactMap { channel in
                    [true, false, nil].randomElement(using: &random)!.map { (channel, $0) }
                })
            try Self.seed(store, id, zone: zoneOf[id]!, consent: consentOf[id]!)
        }
        var unsubscribedAt: [String: [Channel: Date]] = [:]
        var eventCount = 0
        for hour in stride(from: 0, to: 21 * 24, by: 2) {
            // Long and CPU-bound: let the tests running beside it have the cooperative threads in between.
            await Task.yield()
            let now = Self.t0 + TimeInterval(hour) * 3600
            var events: [Event] = []
            for id in customers where Double.random(in: 0..<1, using: &random) < 0.04 {
                eventCount += 1
                if Double.random(in: 0..<1, using: &random) < 0.2 {
                    let channel = Channel.allCases.randomElement(using: &random)!
                    events.append(
                        Event(
                            id: "u\(eventCount)", type: "unsubscribe", customerID: id, timestamp: now,
                            properties: ["channel": .string(channel.rawValue)]))
                    unsubscribedAt[id, default: [:]][channel] = unsubscribedAt[id]?[channel] ?? now
                } else {
                    events.append(Self.purchase("p\(eventCount)", customer: id, at: now))
                }
            }
            try store.write { tx in
                if !events.isEmpty { _ = try engine.ingest(events, into: tx, now: now) }
                _ = try engine.runDueSteps(in: tx, now: now, limit: 1000)
            }
        }

        var messages: [OutboxMessage] = []
        for id in customers {
            for entry in try store.read({ try $0.recentDispatches(customerID: id, limit: 10_000) })
            where entry.status == .queued {
                messages.append(try #require(try store.read { try $0.message(key: entry.messageKey!) }))
            }
        }
        #expect(messages.count > 50, "the random history sent too little to test anything")
        #expect(messages.contains { $0.campaign == "receipt" } && messages.contains { $0.campaign != "receipt" })
        for id in customers {
            let own = messages.filter { $0.customerID == id && $0.campaign != "receipt" }.sorted {
                $0.createdAt < $1.createdAt
            }
            func check(_ caps: [FrequencyCap], _ list: [OutboxMessage], _ what: String) {
                for cap in caps {
                    for message in list {
                        let inWindow = list.filter { $0.createdAt > message.createdAt - cap.per && $0.createdAt <= message.createdAt }
                        #expect(inWindow.count <= cap.max, "\(id): \(inWindow.count) \(what) within \(cap.per) s")
                    }
                }
            }
            check(limits.perCustomer, own, "messages")
            check(limits.perChannel[.sms]!, own.filter { $0.channel == .sms }, "SMS")
            for message in own {
                if let left = unsubscribedAt[id]?[message.channel] {
                    #expect(message.createdAt < left, "\(id) got \(message.channel) after unsubscribing")
                }
                #expect(consentOf[id]?[message.channel] != false, "\(id) got \(message.channel) without consent")
                let campaign = try #require(engine.campaigns.campaign(message.campaign))
                #expect(
                    Assignment.arm(campaign: campaign.id, customerID: id, holdout: campaign.holdout) == .treatment,
                    "\(id) is in the holdout of \(campaign.id)")
                let zone = TimeZone(identifier: zoneOf[id]!)!
                #expect(
                    StepTiming.outOfQuietHours(message.createdAt, quiet: quiet, zone: zone) == message.createdAt,
                    "\(message.key) created in quiet hours")
            }
        }
    }
}

