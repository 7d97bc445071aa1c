import Foundation
import Testing

@testable import NudgeCore

/// Shared by the ingest tests: a fixed clock and helpers to read bodies.
enum IngestFixture {
    /// 2025-03-01T03:00:00Z, i.e. 10:00 in Ho Chi Minh City.
    static let now = utc(2025, 3, 1, 3)

    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0)
        -> Date
    {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return calendar.date(from: components)!
    }

    static func events(_ body: String, contentType: String? = "application/json") throws -> [Event] {
        try EventBatchParser.parse(Data(body.utf8), contentType: contentType, now: now).get()
    }

    static func errors(_ body: String, contentType: String? = "application/json") -> [RecordError] {
        switch EventBatchParser.parse(Array(body.utf8), contentType: contentType, now: now) {
        case .failure(.invalidRecords(let errors)): return errors
        default: return []
        }
    }

    static func malformed(_ body: String, contentType: String? = "application/json") -> String? {
        if case .failure(.malformed(let message)) = EventBatchParser.parse(
            Data(body.utf8), contentType: contentType, now: now)
        {
            return message
        }
        return nil
    }
}

/// A record that must be refused, the field blamed and a fragment of the message.
struct RecordCase: Sendable, CustomTestStringConvertible {
    var record: String
    var field: String
    var message: String

    init(_ record: String, _ field: String, _ message: String) {
        self.record = record
        self.field = field
        self.message = message
    }

    var testDescription: String { "\(record) → \(field): \(message)" }

    /// A purchase (or other built-in type) around `properties`.
    static func typed(_ type: String, _ properties: String, _ field: String, _ message: String) -> Self {
        Self(#"{"type":"\#(type)","customer_id":"c1","properties":\#(properties)}"#, field, message)
    }
}

@Suite struct IngestParserTests {
    typealias F = IngestFixture

    // MARK: framing

    @Test func oneObjectIsOneEventAtNow() throws {
        let events = try F.events(#"{"type":"signup","customer_id":"c1"}"#)
        #expect(events == [Event(id: nil, type: "signup", customerID: "c1", timestamp: F.now, properties: [:])])
    }

    @Test func anArrayKeepsItsOrder() throws {
        let events = try F.events(
            """
            [{"type":"signup","customer_id":"c1","id":"e1"},
             {"type":"page_view","customer_id":"c2","properties":{"url":"/"}}]
            """)
        #expect(events.map(\.type) == ["signup", "page_view"])
        #expect(events.map(\.id) == ["e1", nil])
        #expect(events[1].properties == ["url": .string("/")])
    }

    @Test func anEmptyArrayHasNoEvents() throws {
        #expect(try F.events("[]").isEmpty)
    }

    @Test(arguments: [
        "application/x-ndjson", "application/jsonl", "application/x-ndjson; charset=utf-8", " Application/X-NDJSON ",
    ])
    func ndjsonSkipsBlankLines(contentType: String) throws {
        let body = "{\"type\":\"a\",\"customer_id\":\"c1\"}\r\n\n   \n{\"type\":\"b\",\"customer_id\":\"c2\"}\n\n"
        let events = try F.events(body, contentType: contentType)
        #expect(events.map(\.type) == ["a", "b"])
        #expect(events.map(\.customerID) == ["c1", "c2"])
    }

    @Test func ndjsonReportsABadLineByItsRecordIndex() {
        let body = """
            {"type":"signup","customer_id":"c1"}

            {"type": "signup", "customer_id"
            {"type":"signup"}
            [1]
            """
        let errors = F.errors(body, contentType: "application/x-ndjson")
        #expect(errors.map(\.index) == [1, 2, 3])
        #expect(errors.map(\.field) == ["", "customer_id", ""])
        #expect(errors[0].error.hasPrefix("not valid JSON at line 3, column 33: expected ':' after an object key"))
        #expect(errors[1].error == "is required")
        #expect(errors[2].error == "expected an event object, found an array")
    }

    @Test func plainJSONHintsAtNDJSONWhenSeveralValuesFollowEachOther() throws {
        let body = "{\"type\":\"a\",\"customer_id\":\"c1\"}\n{\"type\":\"b\",\"customer_id\":\"c2\"}\n"
        let message = try #require(F.malformed(body))
        #expect(message.contains("line 2, column 1"))
        #expect(message.contains("application/x-ndjson"))
        #expect(try F.events(body, contentType: "application/x-ndjson").count == 2)
    }

    @Test(arguments: [
        ("", "the request body is empty"),
        ("  \n\t ", "the request body is empty"),
        ("hello", "the body is not valid JSON: line 1, column 1: expected a value, found 'h'"),
        ("{\"type\": ", "the body is not valid JSON: line 1, column 10: expected a value, found end of input"),
        ("42", "expected an event object or an array of events, found a number"),
        ("\"purchase\"", "expected an event object or an array of events, found a string"),
    ])
    func bodiesThatAreNotRecordsAtAll(body: String, message: String) throws {
        let found = try #require(F.malformed(body))
        #expect(found.hasPrefix(message))
    }

    @Test func blankNDJSONIsEmpty() throws {
        let message = try #require(F.malformed("\n\n \r\n", contentType: "application/x-ndjson"))
        #expect(message.hasPrefix("the request body is empty"))
    }

    // MARK: the envelope

    static let longType = String(repeating: "t", count: 101)
    static let longCustomer = String(repeating: "c", count: 201)

    @Test(arguments: [
        RecordCase(#"{"customer_id":"c1"}"#, "type", "is required"),
        RecordCase(#"{"type":null,"customer_id":"c1"}"#, "type", "is required"),
        RecordCase(#"{"type":"","customer_id":"c1"}"#, "type", "must not be empty"),
        RecordCase(#"{"type":5,"customer_id":"c1"}"#, "type", "must be a string, found a number"),
        RecordCase(#"{"type":"\#(longType)","customer_id":"c1"}"#, "type", "must be at most 100 characters, found 101"),
        RecordCase(#"{"type":"signup"}"#, "customer_id", "is required"),
        RecordCase(#"{"type":"signup","customer_id":""}"#, "customer_id", "must not be empty"),
        RecordCase(#"{"type":"signup","customer_id":12345}"#, "customer_id", "must be a string, found a number"),
        RecordCase(#"{"type":"signup","customer_id":"\#(longCustomer)"}"#, "customer_id", "at most 200 characters"),
        RecordCase(#"{"type":"signup","customer_id":"c1","id":7}"#, "id", "must be a string, found a number"),
        RecordCase(#"{"type":"signup","customer_id":"c1","id":""}"#, "id", "must not be empty"),
        RecordCase(
            #"{"type":"signup","customer_id":"c1","timestamp":"yesterday"}"#, "timestamp", "found \"yesterday\""),
        RecordCase(
            #"{"type":"signup","customer_id":"c1","timestamp":"2025-03-01T10:00:00"}"#, "timestamp",
            "must be an RFC 3339 time with an offset"),
        RecordCase(
            #"{"type":"signup","customer_id":"c1","timestamp":"2025-02-30T10:00:00Z"}"#, "timestamp", "RFC 3339"),
        RecordCase(#"{"type":"signup","customer_id":"c1","timestamp":1740798000}"#, "timestamp", "found 1740798000"),
        RecordCase(
            #"{"type":"signup","customer_id":"c1","timestamp":"2025-03-01T10:05:01+07:00"}"#, "timestamp",
            "is more than 5 minutes in the future"),
        RecordCase(
            #"{"type":"signup","customer_id":"c1","properties":[]}"#, "properties",
            "must be an object, found an array"),
        RecordCase(
            #"{"type":"signup","customer_id":"c1","customer":"x"}"#, "customer", "unknown field; expected one of id"),
        RecordCase(#"[1]"#, "", "expected an event object, found a number"),
    ])
    func envelopeProblems(_ problem: RecordCase) {
        let errors = F.errors(problem.record)
        #expect(errors.count == 1)
        #expect(errors.first?.index == 0)
        #expect(errors.first?.field == problem.field)
        #expect(errors.first?.error.contains(problem.message) == true, "\(errors)")
    }

    @Test func aTimestampFiveMinutesAheadIsStillAccepted() throws {
        let events = try F.events(#"{"type":"signup","customer_id":"c1","timestamp":"2025-03-01T10:05:00+07:00"}"#)
        #expect(events.first?.timestamp == F.now.addingTimeInterval(300))
    }

    @Test(arguments: [
        ("2025-03-01T09:15:30+07:00", IngestFixture.utc(2025, 3, 1, 2, 15, 30)),
        ("2025-03-01T02:15:30Z", IngestFixture.utc(2025, 3, 1, 2, 15, 30)),
        ("2025-02-28T20:45:30-05:30", IngestFixture.utc(2025, 3, 1, 2, 15, 30)),
        ("2025-03-01t02:15:30.250z", IngestFixture.utc(2025, 3, 1, 2, 15, 30).addingTimeInterval(0.25)),
        ("1999-12-31T23:59:59.5+00:00", IngestFixture.utc(1999, 12, 31, 23, 59, 59).addingTimeInterval(0.5)),
    ])
    func timestampsWithOffsetsNameTheRightInstant(text: String, instant: Date) throws {
        let events = try F.events(#"{"type":"signup","customer_id":"c1","timestamp":"\#(text)"}"#)
        let timestamp = try #require(events.first?.timestamp)
        #expect(abs(timestamp.timeIntervalSince(instant)) < 1e-6)
    }

    @Test func everyProblemOfEveryRecordIsReported() {
        let body = """
            [
              {"type": "signup", "customer_id": "c1"},
              {"type": "", "customer_id": 5, "colour": "red"},
              {"type": "purchase", "customer_id": "c3", "properties": {"items": [{"sku": "A", "price": 1}]}},
              {"type": "purchase", "customer_id": "c4", "properties": {"items": [{"price": -1, "quantity": 0}]}},
              "oops"
            ]
            """
        let errors = F.errors(body)
        #expect(errors.map(\.index) == [1, 1, 1, 3, 3, 3, 4])
        #expect(
            errors.map(\.field) == [
                "type", "customer_id", "colour", "properties.items[0].sku", "properties.items[0].price",
                "properties.items[0].quantity", "",
            ])
    }

    // MARK: built-in types

    @Test(arguments: [
        RecordCase.typed("purchase", "{}", "properties.items", "is required"),
        RecordCase.typed(
            "purchase", #"{"items":[]}"#, "properties.items", "must be a non-empty array of items, found an empty array"
        ),
        RecordCase.typed("purchase", #"{"items":{"sku":"A"}}"#, "properties.items", "found an object"),
        RecordCase.typed("purchase", #"{"items":[5]}"#, "properties.items[0]", "must be an object, found a number"),
        RecordCase.typed("purchase", #"{"items":[{"price":1}]}"#, "properties.items[0].sku", "is required"),
        RecordCase.typed(
            "purchase", #"{"items":[{"sku":7,"price":1}]}"#, "properties.items[0].sku", "must be a string"),
        RecordCase.typed("purchase", #"{"items":[{"sku":"A"}]}"#, "properties.items[0].price", "is required"),
        RecordCase.typed(
            "purchase", #"{"items":[{"sku":"A","price":1},{"sku":"B","price":-3}]}"#, "properties.items[1].price",
            "must be a number ≥ 0, found -3"),
        RecordCase.typed(
            "purchase", #"{"items":[{"sku":"A","price":"10"}]}"#, "properties.items[0].price",
            "must be a number ≥ 0, found a string"),
        RecordCase.typed(
            "purchase", #"{"items":[{"sku":"A","price":1,"quantity":1.5}]}"#, "properties.items[0].quantity",
            "must be an integer ≥ 1, found 1.5"),
        RecordCase.typed(
            "purchase", #"{"items":[{"sku":"A","price":1,"quantity":0}]}"#, "properties.items[0].quantity", "found 0"),
        RecordCase.typed(
            "purchase", #"{"items":[{"sku":"A","price":1,"cost":-1}]}"#, "properties.items[0].cost", "≥ 0"),
        RecordCase.typed(
            "purchase", #"{"items":[{"sku":"A","price":1,"category":3}]}"#, "properties.items[0].category", "string"),
        RecordCase.typed("purchase", #"{"items":[{"sku":"A","price":1}],"total":-5}"#, "properties.total", "found -5"),
        RecordCase.typed(
            "purchase", #"{"items":[{"sku":"A","price":1}],"currency":5}"#, "properties.currency", "string"),
        RecordCase.typed("plan_usage", #"{"used":1,"limit":2}"#, "properties.metric", "is required"),
        RecordCase.typed("plan_usage", #"{"metric":"seats","used":-1,"limit":2}"#, "properties.used", "≥ 0"),
        RecordCase.typed(
            "plan_usage", #"{"metric":"seats","used":1,"limit":0}"#, "properties.limit", "must be a number > 0"),
        RecordCase.typed("plan_usage", #"{"metric":"seats","used":1}"#, "properties.limit", "is required"),
        RecordCase.typed("trial_started", "{}", "properties.ends_at", "is required"),
        RecordCase.typed("trial_started", #"{"ends_at":"next week"}"#, "properties.ends_at", "RFC 3339"),
        RecordCase.typed("plan_changed", #"{"plan":""}"#, "properties.plan", "must not be empty"),
        RecordCase.typed("unsubscribe", #"{"channel":"fax"}"#, "properties.channel", "must be one of email, sms, push"),
        RecordCase.typed("complaint", "{}", "properties.channel", "is required"),
        RecordCase.typed("complaint", #"{"channel":"EMAIL"}"#, "properties.channel", "found \"EMAIL\""),
        RecordCase.typed("feedback", #"{"score":"5"}"#, "properties.score", "must be a number, found a string"),
        RecordCase.typed("feedback", #"{"score":5,"text":false}"#, "properties.text", "must be a string"),
    ])
    func builtInPropertyProblems(_ problem: RecordCase) {
        let errors = F.errors(problem.record)
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.field == problem.field)
        #expect(errors.first?.error.contains(problem.message) == true, "\(errors)")
    }

    @Test func purchaseDefaultsAreFilledIn() throws {
        let body = """
            {"type":"purchase","customer_id":"c1","properties":{"order_id":"o-1","items":[
              {"sku":"TEA-1","category":"tea","name":"Trà xanh","price":120000},
              {"sku":"CUP-2","price":35000.5,"quantity":2,"cost":20000}]}}
            """
        let event = try #require(try F.events(body).first)
        #expect(event.properties["total"] == .number(190_001))
        #expect(event.properties["currency"] == nil)
        #expect(event.properties["order_id"] == .string("o-1"))
        guard case .list(let items)? = event.properties["items"] else { Issue.record("no items"); return }
        #expect(items.map { $0["quantity"] } == [.number(1), .number(2)])
        #expect(items[1]["cost"] == .number(20000))
    }

    @Test func aGivenTotalAndCurrencyAreKept() throws {
        let body = """
            {"type":"purchase","customer_id":"c1",
             "properties":{"items":[{"sku":"A","price":100}],"total":90,"currency":"VND"}}
            """
        let event = try #require(try F.events(body).first)
        #expect(event.properties["total"] == .number(90))
        #expect(event.properties["currency"] == .string("VND"))
    }

    @Test func trialEndIsATimeButOtherTimestampsStayText() throws {
        let body = """
            [{"type":"trial_started","customer_id":"c1","properties":{"ends_at":"2025-03-15T00:00:00+07:00"}},
             {"type":"booking","customer_id":"c1","properties":{"ends_at":"2025-03-15T00:00:00+07:00"}}]
            """
        let events = try F.events(body)
        #expect(events[0].properties["ends_at"] == .time(F.utc(2025, 3, 14, 17)))
        #expect(events[1].properties["ends_at"] == .string("2025-03-15T00:00:00+07:00"))
    }

    @Test func customTypesKeepEveryPropertyAsSent() throws {
        let body = """
            {"type":"quiz_done","customer_id":"c1",
             "properties":{"ok":true,"n":1,"x":null,"tags":["a",{"b":[2.5e3]}]}}
            """
        let event = try #require(try F.events(body).first)
        #expect(
            event.properties == [
                "ok": .bool(true), "n": .number(1), "x": .null,
                "tags": .list([.string("a"), .map(["b": .list([.number(2500)])])]),
            ])
    }

    @Test func vietnameseTextSurvives() throws {
        let body = """
            {"type":"feedback","customer_id":"khách-01","properties":{"score":5,
             "text":"Giao hàng nhanh, đóng gói cẩn thận 🍵","escaped":"\\u0110\\u1eb9p \\ud83c\\udf75"}}
            """
        let event = try #require(try F.events(body).first)
        #expect(event.customerID == "khách-01")
        #expect(event.properties["text"] == .string("Giao hàng nhanh, đóng gói cẩn thận 🍵"))
        #expect(event.properties["escaped"] == .string("Đẹp 🍵"))
    }

    @Test func nullOptionalsMeanAbsent() throws {
        let body =
            #"{"type":"unsubscribe","customer_id":"c1","id":null,"timestamp":null,"properties":{"channel":null}}"#
        let event = try #require(try F.events(body).first)
        #expect(event.id == nil)
        #expect(event.timestamp == F.now)
        #expect(event.properties == ["channel": .null])
    }
}
