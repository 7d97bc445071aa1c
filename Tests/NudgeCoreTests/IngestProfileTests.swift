import Foundation
import Testing

@testable import NudgeCore

@Suite struct IngestProfileTests {
    typealias F = IngestFixture

    static let created = IngestFixture.utc(2024, 6, 1)

    static var existing: Customer {
        var customer = Customer(
            id: "c1", email: "lan@example.vn", phone: "+84901234567", pushTokens: ["tok-1"], timezone: "Asia/Bangkok",
            locale: "vi-VN", attributes: ["tier": .string("gold"), "visits": .number(3)], consent: [.email: true],
            createdAt: created)
        customer.facts.purchaseCount = 2
        customer.stage = "active"
        return customer
    }

    static func profile(_ body: String, existing: Customer? = nil, id: String = "c1") -> Result<Customer, [RecordError]>
    {
        CustomerProfileParser.parse(Data(body.utf8), id: id, existing: existing, now: IngestFixture.now)
    }

    static func problems(_ body: String, existing: Customer? = nil, id: String = "c1") -> [String] {
        guard case .failure(let errors) = profile(body, existing: existing, id: id) else { return [] }
        #expect(errors.allSatisfy { $0.index == 0 })
        return errors.map { "\($0.field): \($0.error)" }
    }

    // MARK: customers

    @Test func aNewCustomerFromEveryField() throws {
        let body = """
            {"id": "c1", "email": "lan@example.vn", "phone": "+84 90-123-4567", "push_tokens": ["a", "b", "a"],
             "timezone": "Asia/Ho_Chi_Minh", "locale": "vi-VN", "attributes": {"tên": "Nguyễn Thị Lan", "vip": true},
             "consent": {"email": true, "sms": false}}
            """
        let customer = try Self.profile(body).get()
        #expect(customer.id == "c1")
        #expect(customer.email == "lan@example.vn")
        #expect(customer.phone == "+84901234567")
        #expect(customer.pushTokens == ["a", "b"])
        #expect(customer.timezone == "Asia/Ho_Chi_Minh")
        #expect(customer.locale == "vi-VN")
        #expect(customer.attributes == ["tên": .string("Nguyễn Thị Lan"), "vip": .bool(true)])
        #expect(customer.consent == [.email: true, .sms: false])
        #expect(customer.createdAt == F.now)
        #expect(customer.updatedAt == F.now)
        #expect(customer.facts == CustomerFacts())
    }

    @Test func aPartialUpdateMergesAndKeepsTheRest() throws {
        let body = #"{"attributes": {"visits": null, "city": "Đà Nẵng"}, "consent": {"sms": true, "email": null}}"#
        let customer = try Self.profile(body, existing: Self.existing).get()
        var expected = Self.existing
        expected.attributes = ["tier": .string("gold"), "city": .string("Đà Nẵng")]
        expected.consent = [.sms: true]
        expected.updatedAt = F.now
        #expect(customer == expected)
    }

    @Test func anEmptyObjectOnlyTouchesUpdatedAt() throws {
        let customer = try Self.profile("{}", existing: Self.existing).get()
        #expect(customer.createdAt == Self.created)
        #expect(customer.updatedAt == F.now)
        #expect(customer.facts.purchaseCount == 2)
        #expect(customer.stage == "active")
        #expect(customer.email == "lan@example.vn")
    }

    @Test func nullClears() throws {
        let body = #"{"email": null, "phone": null, "timezone": null, "locale": null, "push_tokens": null}"#
        let customer = try Self.profile(body, existing: Self.existing).get()
        #expect(customer.email == nil)
        #expect(customer.phone == nil)
        #expect(customer.timezone == nil)
        #expect(customer.locale == nil)
        #expect(customer.pushTokens.isEmpty)
        #expect(customer.attributes == Self.existing.attributes)
    }

    @Test(arguments: [
        ("+84901234567", "+84901234567"),
        ("+84 90 123 4567", "+84901234567"),
        ("+84-90-123-4567", "+84901234567"),
        ("+1 (415) 555.0100", "+14155550100"),
        ("+12345678", "+12345678"),
        ("+123456789012345", "+123456789012345"),
    ])
    func phonesAreNormalisedToE164(written: String, stored: String) throws {
        let customer = try Self.profile(#"{"phone": "\#(written)"}"#).get()
        #expect(customer.phone == stored)
    }

    @Test(arguments: [
        "0901234567", "84901234567", "+0901234567", "+1234567", "+1234567890123456", "+84 90x 123 4567",
        "++84901234567", "+84/901234567",
    ])
    func phonesThatAreNotE164(written: String) {
        let problems = Self.problems(#"{"phone": "\#(written)"}"#)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("phone: must be an E.164 number") == true, "\(problems)")
    }

    @Test(arguments: [
        ("lan", "must be one address with exactly one '@'"),
        ("lan@a@b.vn", "must be one address with exactly one '@'"),
        ("@example.vn", "must be one address with exactly one '@'"),
        ("lan@", "must be one address with exactly one '@'"),
        ("lan @example.vn", "must not contain spaces"),
        ("lan@example.vn\r\nBcc: x@y.z", "must not contain spaces, line breaks"),
        ("", "must not be empty"),
        (String(repeating: "a", count: 250) + "@b.vn", "must be at most 254 bytes, found 255"),
    ])
    func badEmails(email: String, message: String) throws {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["email": email]), as: UTF8.self)
        let problems = Self.problems(body)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("email: \(message)") == true, "\(problems)")
    }

    @Test func timezonesMustBeKnown() throws {
        #expect(
            Self.problems(#"{"timezone": "Mars/Olympus"}"#) == [
                #"timezone: must be an IANA time zone such as Asia/Ho_Chi_Minh, found "Mars/Olympus""#
            ])
        #expect(try Self.profile(#"{"timezone": "Europe/Berlin"}"#).get().timezone == "Europe/Berlin")
    }

    static let profileFields = "id, email, phone, push_tokens, timezone, locale, attributes, consent"

    @Test func everyProblemIsReportedAtOnce() {
        let body = """
            {"id": "c2", "emial": "x@y.vn", "phone": 84901234567, "push_tokens": ["ok", "", 3],
             "locale": false, "attributes": [1], "consent": {"sms": "yes", "fax": true},
             "created_at": "2020-01-01T00:00:00Z"}
            """
        #expect(
            Self.problems(body) == [
                "created_at: unknown field; expected one of \(Self.profileFields)",
                "emial: unknown field; expected one of \(Self.profileFields)",
                "attributes: must be an object, found an array",
                "consent.fax: unknown channel; expected one of email, sms, push",
                "consent.sms: must be true or false, found a string",
                #"id: must match the customer id in the path, "c1", found "c2""#,
                "locale: must be a string, found a boolean",
                "phone: must be a string, found a number",
                "push_tokens[1]: must not be empty",
                "push_tokens[2]: must be a string, found a number",
            ])
    }

    @Test func aMatchingIDIsFine() throws {
        #expect(try Self.profile(#"{"id": "khách-1"}"#, id: "khách-1").get().id == "khách-1")
    }

    @Test(arguments: [
        ("", "the request body is empty; send a customer profile as a JSON object"),
        ("[]", "expected a customer profile as a JSON object, found an array"),
        ("{\"email\": }", "the body is not valid JSON: line 1, column 11: expected a value, found '}'"),
    ])
    func bodiesThatAreNotProfiles(body: String, message: String) {
        #expect(Self.problems(body) == [": \(message)"])
    }

    // MARK: products

    static func product(_ body: String, existing: Product? = nil) -> Result<Product, [RecordError]> {
        ProductParser.parse(Data(body.utf8), sku: "TEA-1", existing: existing)
    }

    static func productProblems(_ body: String, existing: Product? = nil) -> [String] {
        guard case .failure(let errors) = product(body, existing: existing) else { return [] }
        return errors.map { "\($0.field): \($0.error)" }
    }

    static let tea = Product(
        sku: "TEA-1", name: "Trà xanh", category: "tea", price: 120_000, cost: 70_000, url: "https://shop.vn/tea-1")

    @Test func aNewProductGetsDefaults() throws {
        let product = try Self.product(#"{"name": "Trà xanh Thái Nguyên", "price": 120000, "currency": "vnd"}"#).get()
        #expect(
            product
                == Product(sku: "TEA-1", name: "Trà xanh Thái Nguyên", price: 120_000, currency: "VND", active: true))
    }

    @Test func aNewProductNeedsANameAndAPrice() {
        #expect(
            Self.productProblems(#"{"category": "tea"}"#) == [
                "name: is required for a new product", "price: is required for a new product",
            ])
        #expect(Self.productProblems(#"{"name": null, "price": 1}"#) == ["name: cannot be null"])
    }

    @Test func anExistingProductChangesOnlyTheGivenFields() throws {
        let product = try Self.product(#"{"price": 99000, "cost": null, "active": false}"#, existing: Self.tea).get()
        var expected = Self.tea
        expected.price = 99_000
        expected.cost = nil
        expected.active = false
        #expect(product == expected)
    }

    @Test func everyProductProblemIsReported() {
        let body = """
            {"sku": "TEA-2", "price": -1, "cost": "cheap", "currency": "dollars", "url": "/tea-1",
             "image_url": "https://cdn.shop.vn/a b.png", "active": "yes", "colour": "green"}
            """
        #expect(
            Self.productProblems(body, existing: Self.tea) == [
                "colour: unknown field; expected one of sku, name, category, price, cost, currency, url, image_url, "
                    + "active",
                "active: must be true or false, found a string",
                "cost: must be a number ≥ 0, found a string",
                #"currency: must be a three-letter ISO 4217 code such as VND, found "dollars""#,
                #"image_url: must be an absolute http(s) URL, found "https://cdn.shop.vn/a b.png""#,
                "price: must be a number ≥ 0, found -1",
                #"sku: must match the SKU in the path, "TEA-1", found "TEA-2""#,
                #"url: must be an absolute http(s) URL, found "/tea-1""#,
            ])
    }
}
