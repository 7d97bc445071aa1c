import Foundation
import Testing

@testable import NudgeCore

/// A Vietnamese customer, a campaign and its step, and the example templates of the repository.
private enum RenderFixture {
    static let hoChiMinh = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    static let utc = TimeZone(identifier: "UTC")!
    /// 2026-11-27 03:00 UTC, 10:00 in Ho Chi Minh City.
    static let blackFriday = Date(timeIntervalSince1970: 1_795_748_400)
    static let unsubscribe = "https://shop.example/u/c42?sig=abc"

    static func customer(name: String = "Lan") -> Customer {
        var customer = Customer(
            id: "c42", email: "lan@example.vn", phone: "+84901234567", timezone: "Asia/Ho_Chi_Minh", locale: "vi-VN",
            attributes: ["name": .string(name)], createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        customer.facts.plan = "Cơ bản"
        customer.facts.totalSpent = 31_490_000
        return customer
    }

    static let products = [
        Product(
            sku: "CASE-15", name: "Ốp lưng silicon", price: 1_250_000, url: "https://shop.example/p/case-15",
            imageURL: "https://shop.example/i/case-15.jpg"),
        Product(
            sku: "GLASS-15", name: "Kính cường lực", price: 350_000, url: "https://shop.example/p/glass-15",
            imageURL: "https://shop.example/i/glass-15.jpg"),
    ]

    static func step(_ channel: Channel, template: String) -> Step {
        Step(
            id: "first", channel: channel, after: 0, before: nil, at: nil, template: template, recommend: nil,
            variants: [], offer: Offer(code: "BF50", validFor: 3 * 86_400), ignoresQuietHours: false,
            capExempt: false)
    }

    static let campaign = Campaign(
        id: "phone-accessories", name: "Phụ kiện cho điện thoại mới", kind: .crossSell, enabled: true, priority: 0,
        trigger: .event(type: "purchase", where: ConditionSet()), audience: .everyone, reentry: .never, holdout: 0,
        exits: [], goal: nil, steps: [], file: "campaigns/phone-accessories.yml")

    static func input(
        _ channel: Channel, template: String, customer: Customer = customer(), event: Event? = nil,
        zone: TimeZone = hoChiMinh, locale: String = "vi-VN"
    ) -> RenderInput {
        RenderInput(
            customer: customer, event: event, campaign: campaign, step: step(channel, template: template),
            recommendations: products, offer: RenderedOffer(code: "BF50", expiresAt: blackFriday),
            unsubscribeURL: unsubscribe, zone: zone, locale: locale, now: blackFriday.addingTimeInterval(-86_400))
    }

    /// The repository's `templates/` folder, loaded as `nudge` loads it.
    static func exampleTemplates() throws -> TemplateSet {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("templates")
        func read(_ folder: URL, prefix: String) throws -> [SourceFile] {
            try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
                .sorted()
                .map { name in
                    SourceFile(
                        path: prefix + name,
                        text: try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
                }
        }
        let files = try read(root, prefix: "templates/")
        let partials = try read(root.appendingPathComponent("partials"), prefix: "templates/partials/")
        let (set, diagnostics) = TemplateLoader.load(files: files, partials: partials)
        #expect(!diagnostics.hasErrors, "\(diagnostics.all)")
        return set
    }

    /// Templates written in the test: `name.channel.mustache` → text.
    static func templates(_ files: [String: String], partials: [String: String] = [:]) -> TemplateSet {
        let (set, diagnostics) = TemplateLoader.load(
            files: files.map { SourceFile(path: "templates/\($0.key)", text: $0.value) },
            partials: partials.map { SourceFile(path: "templates/partials/\($0.key)", text: $0.value) })
        #expect(!diagnostics.hasErrors, "\(diagnostics.all)")
        return set
    }

    static func render(_ input: RenderInput, _ templates: TemplateSet) throws -> MessageContent {
        try MessageRenderer.render(input, templates: templates).get()
    }
}

@Suite("Render: example templates")
struct RenderExampleTemplateTests {
    @Test func crossSellEmailWithTextPart() throws {
        let content = try RenderFixture.render(
            RenderFixture.input(.email, template: "phone-accessories"), RenderFixture.exampleTemplates())

        #expect(content.subject == "Lan ơi, phụ kiện hợp với chiếc điện thoại mới của bạn")
        #expect(content.preheader == "Ốp lưng, tai nghe và kính cường lực được nhiều người chọn cùng máy của bạn")
        let html = try #require(content.html)
        #expect(html.contains("<p>Chào Lan,</p>"))
        #expect(
            html.contains(
                "<td><a href=\"https://shop.example/p/case-15\">Ốp lưng silicon</a>"
                    + "<br><strong>1.250.000 ₫</strong></td>"
            ))
        #expect(html.contains("<img src=\"https://shop.example/i/glass-15.jpg\" alt=\"Kính cường lực\" width=\"96\">"))
        #expect(html.contains("<a href=\"https://shop.example/u/c42?sig=abc\">Hủy đăng ký</a>"))
        #expect(
            content.text == """
                Chào Lan,

                Chiếc điện thoại mới của bạn đã dùng được vài tuần. \
                Những món dưới đây được nhiều khách hàng mua cùng máy nhất:

                - Ốp lưng silicon: 1.250.000 ₫
                  https://shop.example/p/case-15
                - Kính cường lực: 350.000 ₫
                  https://shop.example/p/glass-15

                Giao hàng miễn phí toàn quốc cho đơn từ 300.000 ₫.

                Hủy đăng ký: https://shop.example/u/c42?sig=abc
                """)
        #expect(content.recommendedSKUs == ["CASE-15", "GLASS-15"])
        #expect(content.unsubscribeURL == RenderFixture.unsubscribe)
        #expect(content.title == nil && content.url == nil)
    }

    @Test func emailWithoutTextPartDerivesItFromTheHTML() throws {
        let content = try RenderFixture.render(
            RenderFixture.input(.email, template: "black-friday"), RenderFixture.exampleTemplates())

        #expect(content.subject == "Black Friday: giảm đến 50% — mã BF50")
        #expect(content.preheader == "Chỉ 3 ngày, từ thứ Sáu 27/11")
        #expect(content.html?.contains("hiệu lực đến 27/11/2026 10:00.</p>") == true)
        #expect(
            content.text == """
                Black Friday đã bắt đầu!

                Chào Lan, giảm đến 50% cho điện thoại, phụ kiện và đồng hồ thông minh.

                Nhập mã BF50 khi thanh toán, hiệu lực đến 27/11/2026 10:00.

                Bạn nhận được email này vì đã mua sắm tại cửa hàng của chúng tôi. \
                Hủy đăng ký (https://shop.example/u/c42?sig=abc) nếu bạn không muốn nhận thêm.
                """)
    }

    @Test func productListInTheDerivedText() throws {
        let content = try RenderFixture.render(
            RenderFixture.input(.email, template: "win-back"), RenderFixture.exampleTemplates())

        #expect(content.text.contains("Ốp lưng silicon (https://shop.example/p/case-15)\n1.250.000 ₫\n"))
        #expect(content.text.contains("Kính cường lực (https://shop.example/p/glass-15)\n350.000 ₫"))
        #expect(!content.text.contains("<") && !content.text.contains("&"))
    }

    @Test func sms() throws {
        let content = try RenderFixture.render(
            RenderFixture.input(.sms, template: "accessories-sms"), RenderFixture.exampleTemplates())

        #expect(
            content.text
                == "Lan ơi, giảm 10% phụ kiện cho điện thoại mới với mã BF50, hết hạn 27/11/2026 10:00. "
                + "Từ chối: https://shop.example/u/c42?sig=abc"
        )
        #expect(content.subject == nil && content.html == nil)
    }

    @Test func push() throws {
        let content = try RenderFixture.render(
            RenderFixture.input(.push, template: "plan-limit"), RenderFixture.exampleTemplates())

        #expect(content.title == "Sắp đạt giới hạn gói của bạn")
        #expect(content.url == "shop://account/plan?from=phone-accessories")
        #expect(content.text == "Bạn đã dùng hơn 90% gói Cơ bản. Nâng cấp để không bị gián đoạn.")
    }

    @Test func htmlIsEscapedInTheHTMLBodyOnly() throws {
        let name = "<script>alert('x')</script> & Co"
        let templates = try RenderFixture.exampleTemplates()
        let input = RenderFixture.input(
            .email, template: "phone-accessories", customer: RenderFixture.customer(name: name))
        let content = try RenderFixture.render(input, templates)

        let html = try #require(content.html)
        #expect(!html.contains("<script>"))
        #expect(html.contains("<p>Chào &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co,</p>"))
        #expect(content.text.hasPrefix("Chào \(name),\n"))
        #expect(content.subject == "\(name) ơi, phụ kiện hợp với chiếc điện thoại mới của bạn")

        let sms = try RenderFixture.render(
            RenderFixture.input(.sms, template: "accessories-sms", customer: RenderFixture.customer(name: name)),
            templates)
        #expect(sms.text.hasPrefix("\(name) ơi,"))
    }

    @Test func derivedTextDecodesWhatTheHTMLEscaped() throws {
        let name = "Lan <3 & \"Mai\""
        let content = try RenderFixture.render(
            RenderFixture.input(.email, template: "win-back-voucher", customer: RenderFixture.customer(name: name)),
            RenderFixture.exampleTemplates())
        #expect(content.text.hasPrefix("Chào \(name),\n"))
    }

    @Test func aSubjectIsOneLineWhateverTheNameHolds() throws {
        let customer = RenderFixture.customer(name: "Lan\r\nBcc: evil@example.com\t")
        let content = try RenderFixture.render(
            RenderFixture.input(.email, template: "phone-accessories", customer: customer),
            RenderFixture.exampleTemplates())
        #expect(content.subject == "Lan Bcc: evil@example.com ơi, phụ kiện hợp với chiếc điện thoại mới của bạn")
    }

    @Test func missingTemplateAndEmptyParts() throws {
        let templates = try RenderFixture.exampleTemplates()
        let missing = MessageRenderer.render(RenderFixture.input(.sms, template: "black-friday"), templates: templates)
        #expect(missing == .failure(.missingTemplate("black-friday", .sms)))

        let blank = RenderFixture.templates([
            "blank.email.mustache": "---\nsubject: \"{{customer.attributes.nickname}}\"\n---\n<p>x</p>\n",
            "blank.sms.mustache": "{{customer.attributes.nickname}}\n",
        ])
        #expect(
            MessageRenderer.render(RenderFixture.input(.email, template: "blank"), templates: blank)
                == .failure(.emptyPart(template: "blank", channel: .email, part: "subject")))
        #expect(
            MessageRenderer.render(RenderFixture.input(.sms, template: "blank"), templates: blank)
                == .failure(.emptyPart(template: "blank", channel: .sms, part: "text")))
    }
}

@Suite("Render: variables and helpers")
struct RenderHelperTests {
    private func sms(_ body: String, _ input: (RenderInput) -> RenderInput = { $0 }) throws -> String {
        let templates = RenderFixture.templates(["t.sms.mustache": body])
        return try RenderFixture.render(input(RenderFixture.input(.sms, template: "t")), templates).text
    }

    @Test func customerEventCampaignAndOffer() throws {
        let event = Event(
            id: "e1", type: "purchase", customerID: "c42", timestamp: RenderFixture.blackFriday,
            properties: [
                "total": .number(31_490_000),
                "items": .list([.map(["sku": .string("IP15"), "qty": .number(1)]), .map(["sku": .string("CASE-15")])]),
            ])
        let text = try sms(
            """
            {{customer.attributes.name}}|{{customer.id}}|{{customer.plan}}|\
            {{campaign.id}}|{{campaign.name}}|{{campaign.kind}}
            {{event.type}} {{event.id}} {{money(event.total)}} {{date(event.timestamp)}} {{time(event.timestamp)}}
            {{#event.items}}[{{sku}}{{#qty}} x{{qty}}{{/qty}}]{{/event.items}} {{count(event.items)}}
            {{offer.code}} {{offer.expires_at}} {{date(offer.expires_at)}} {{offer.valid_for}}
            {{money(customer.total_spent)}} {{customer.purchase_count}}
            """
        ) { input in
            var input = input
            input.event = event
            return input
        }
        #expect(
            text == """
                Lan|c42|Cơ bản|phone-accessories|Phụ kiện cho điện thoại mới|cross_sell
                purchase e1 31.490.000 ₫ 27/11/2026 10:00
                [IP15 x1][CASE-15] 2
                BF50 27/11/2026 10:00 27/11/2026 3d
                31.490.000 ₫ 0
                """)
    }

    @Test func sectionsOverRecommendationsAndPositionTransforms() throws {
        let text = try sms(
            "{{#recommendations}}{{sku}}={{money(price)}}{{^last()}}, {{/last()}}{{/recommendations}}"
                + "{{^recommendations}}none{{/recommendations}} "
                + "{{#first(recommendations)}}{{name}}{{/first(recommendations)}}"
        )
        #expect(text == "CASE-15=1.250.000 ₫, GLASS-15=350.000 ₫ Ốp lưng silicon")

        let none = try sms(
            "{{#recommendations}}{{sku}}{{/recommendations}}{{^recommendations}}none{{/recommendations}}"
        ) {
            var input = $0
            input.recommendations = []
            return input
        }
        #expect(none == "none")
    }

    @Test func missingAndBlankValuesAreFalsy() throws {
        let text = try sms(
            "[{{customer.attributes.missing}}]{{^customer.attributes.missing}}a{{/customer.attributes.missing}}"
                + "{{^customer.attributes.blank}}b{{/customer.attributes.blank}}"
                + "{{#customer.attributes.vip}}c{{/customer.attributes.vip}}"
                + "{{^customer.attributes.vip}}d{{/customer.attributes.vip}}{{uppercased(customer.attributes.name)}}"
        ) { input in
            var input = input
            input.customer.attributes["blank"] = .string("")
            input.customer.attributes["vip"] = .bool(false)
            return input
        }
        #expect(text == "[]abdLAN")
    }

    @Test func moneyUsesTheProductsOrTheEventsCurrency() throws {
        let text = try sms("{{#recommendations}}{{money(price)}};{{/recommendations}} {{money(event.total)}}") {
            input in
            var input = input
            input.recommendations = [Product(sku: "A", name: "A", price: 1250, currency: "USD")]
            input.event = Event(
                id: nil, type: "purchase", customerID: "c42", timestamp: RenderFixture.blackFriday,
                properties: ["total": .number(99.5), "currency": .string("eur")])
            input.locale = "en-US"
            return input
        }
        #expect(text == "$1,250.00; €99.50")
    }

    @Test func moneyInVietnamese() {
        func vnd(_ amount: Double) -> String { MoneyFormat.format(amount, currency: "VND", locale: "vi-VN") }
        #expect(vnd(1_250_000) == "1.250.000 ₫")
        #expect(vnd(0) == "0 ₫")
        #expect(vnd(-1_250_000) == "-1.250.000 ₫")
        #expect(vnd(999) == "999 ₫")
        #expect(vnd(1000) == "1.000 ₫")
        #expect(vnd(1_249.5) == "1.250 ₫")
        #expect(vnd(1_249.49) == "1.249 ₫")
        #expect(vnd(-1_249.5) == "-1.250 ₫")
        #expect(vnd(-0.4) == "0 ₫")
        #expect(vnd(999_999.5) == "1.000.000 ₫")
        #expect(vnd(1e20) == "100.000.000.000.000.000.000 ₫")
        #expect(vnd(.nan) == "")
        #expect(MoneyFormat.format(1_250_000, currency: "VND", locale: "vi") == "1.250.000 ₫")
    }

    @Test func moneyInOtherLocales() {
        #expect(MoneyFormat.format(1250, currency: "USD", locale: "en-US") == "$1,250.00")
        #expect(MoneyFormat.format(1.005, currency: "USD", locale: "en-US") == "$1.01")
        #expect(MoneyFormat.format(0.125, currency: "USD", locale: "en-US") == "$0.13")
        #expect(MoneyFormat.format(-1250.5, currency: "USD", locale: "en-US") == "-$1,250.50")
        #expect(MoneyFormat.format(1e-7, currency: "USD", locale: "en-US") == "$0.00")
        #expect(MoneyFormat.format(1_250_000, currency: "VND", locale: "en-US") == "₫1,250,000")
        #expect(MoneyFormat.format(1234.5, currency: "EUR", locale: "de-DE") == "1.234,50 €")
        #expect(MoneyFormat.format(1234.5, currency: "XYZ", locale: "en-US") == "XYZ1,234.50")
    }

    @Test func datesInTheCustomersZoneAndLocale() {
        let instant = RenderFixture.blackFriday
        let hcm = RenderFixture.hoChiMinh
        let utc = RenderFixture.utc
        #expect(DateFormat.format(instant, style: .date, zone: hcm, locale: "vi-VN") == "27/11/2026")
        #expect(DateFormat.format(instant, style: .time, zone: hcm, locale: "vi-VN") == "10:00")
        #expect(DateFormat.format(instant, style: .datetime, zone: hcm, locale: "vi-VN") == "27/11/2026 10:00")
        #expect(DateFormat.format(instant, style: .datetime, zone: utc, locale: "vi-VN") == "27/11/2026 03:00")

        // 20:30 UTC on the 26th is already the 27th in Ho Chi Minh City (UTC+7).
        let lateEvening = instant.addingTimeInterval(-6.5 * 3600)
        #expect(DateFormat.format(lateEvening, style: .date, zone: utc, locale: "vi-VN") == "26/11/2026")
        #expect(DateFormat.format(lateEvening, style: .datetime, zone: hcm, locale: "vi-VN") == "27/11/2026 03:30")

        #expect(DateFormat.format(instant, style: .datetime, zone: hcm, locale: "en-US") == "11/27/2026 10:00 AM")
        #expect(DateFormat.format(lateEvening, style: .time, zone: utc, locale: "en-US") == "8:30 PM")
        #expect(DateFormat.format(instant, style: .date, zone: utc, locale: "de-DE") == "27.11.2026")
        #expect(DateFormat.format(instant, style: .date, zone: utc, locale: "xx") == "2026-11-27")
    }

    @Test func dateHelpersFollowTheInputZone() throws {
        let body = "{{datetime(offer.expires_at)}} {{date(offer.expires_at)}} {{time(offer.expires_at)}}"
        #expect(try sms(body) == "27/11/2026 10:00 27/11/2026 10:00")
        let inUTC = try sms(body) { input in
            var input = input
            input.zone = RenderFixture.utc
            return input
        }
        #expect(inUTC == "27/11/2026 03:00 27/11/2026 03:00")
    }

    @Test func helpersOnStringsHoldingNumbersAndTimestamps() throws {
        let text = try sms("{{money(customer.attributes.credit)}} {{datetime(customer.attributes.since)}}") { input in
            var input = input
            input.customer.attributes["credit"] = .string("50000")
            input.customer.attributes["since"] = .string("2026-11-27T03:00:00Z")
            return input
        }
        #expect(text == "50.000 ₫ 27/11/2026 10:00")
    }
}

@Suite("Render: text from HTML")
struct RenderHTMLTextTests {
    @Test func blocksLinksEntitiesAndHiddenElements() {
        let html = """
            <!DOCTYPE html>
            <html><head><title>Ignored</title><style>p { color: red; }</style></head>
            <body>
              <h1>Xin   chào&nbsp;bạn!</h1>
              <!-- a comment <p>not text</p> -->
              <p>Giá: <strong>1.250.000&nbsp;&#8363;</strong> &amp; miễn phí
                 giao hàng.<br>Dòng mới &lt;ok&gt; &#x1F600; &unknown; a & b</p>
              <ul><li>Một</li><li>Hai</li></ul>
              <p><a href="https://shop.example/a?x=1&amp;y=2">Xem ngay</a>
                 <a href="https://shop.example/b">https://shop.example/b</a>
                 <a href="https://shop.example/c"><img src="c.jpg" alt="C"></a>
                 <a href="mailto:help@shop.example">help@shop.example</a></p>
              <script>document.write("<p>no</p>")</script>
              <table><tr><td>A</td><td>B</td></tr><tr><td>C</td><td>D</td></tr></table>
            </body></html>
            """
        #expect(
            HTMLText.plainText(html) == """
                Xin chào bạn!

                Giá: 1.250.000 ₫ & miễn phí giao hàng.
                Dòng mới <ok> 😀 &unknown; a & b

                - Một
                - Hai

                Xem ngay (https://shop.example/a?x=1&y=2) https://shop.example/b help@shop.example

                A B
                C D
                """)
    }

    @Test func textWithoutTagsAndBrokenMarkup() {
        #expect(HTMLText.plainText("plain  text\n\n\n\nnext") == "plain text next")
        #expect(HTMLText.plainText("a < b and c <3 d") == "a < b and c <3 d")
        #expect(HTMLText.plainText("<p>unterminated <b") == "unterminated <b")
        #expect(HTMLText.plainText("") == "")
    }
}
