import Foundation
import Testing

@testable import NudgeCore

/// The `http` transport's body: a template rendered over the message's fields, JSON-escaped, and checked to be
/// JSON before it is sent.
@Suite struct HTTPBodyTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let vietnamese = "Chào chị \"Lan\",\nbạn đã dùng 90% gói Cơ bản — C:\\tải-về\t🎉\u{1}"

    static func message(
        channel: Channel = .sms, to addresses: [String] = ["+84901234567"], text: String = vietnamese,
        title: String? = nil, url: String? = nil, variant: String? = nil, marketing: Bool = true
    ) -> OutboxMessage {
        OutboxMessage(
            key: "plan-upgrade-sms/upgrade-offer/c-42/7", campaign: "plan-upgrade-sms", step: "upgrade-offer",
            variant: variant, customerID: "c-42", channel: channel,
            recipient: Recipient(addresses: addresses, name: "Nguyễn Thị Lan"),
            content: MessageContent(text: text, title: title, url: url), nextAttemptAt: t0, createdAt: t0,
            isMarketing: marketing)
    }

    /// The templates folder holding one body template named `name`.
    static func templates(_ text: String, name: String = "body.json.mustache") -> TemplateSet {
        let (set, diagnostics) = TemplateLoader.load(
            files: [SourceFile(path: "templates/\(name)", text: text)], partials: [])
        #expect(!diagnostics.hasErrors, "\(diagnostics.all)")
        return set
    }

    static func render(_ template: String, _ message: OutboxMessage) -> Result<[UInt8], HTTPBodyError> {
        HTTPBody.render(message, template: "body.json.mustache", in: templates(template))
    }

    static func fields(_ result: Result<[UInt8], HTTPBodyError>) throws -> [String: Value] {
        let bytes = try result.get()
        guard case .success(.map(let fields)) = JSONText.parse(bytes) else {
            Issue.record("not a JSON object: \(String(decoding: bytes, as: UTF8.self))")
            return [:]
        }
        return fields
    }

    // MARK: rendering

    @Test func vietnameseTextWithQuotesAndLineBreaksStaysIntact() throws {
        let result = Self.render(
            #"{"to": "{{to}}", "text": "{{body}}", "name": "{{name}}", "ref": "{{key}}"}"#, Self.message())
        let fields = try Self.fields(result)
        #expect(fields["text"] == .string(Self.vietnamese))
        #expect(fields["to"] == .string("+84901234567"))
        #expect(fields["name"] == .string("Nguyễn Thị Lan"))
        #expect(fields["ref"] == .string("plan-upgrade-sms/upgrade-offer/c-42/7"))
        let text = String(decoding: try result.get(), as: UTF8.self)
        // UTF-8 as it is, not \u escapes; control characters escaped.
        #expect(text.contains(#"Chào chị \"Lan\",\nbạn đã dùng 90% gói Cơ bản — C:\\tải-về\t🎉\u0001"#))
    }

    @Test func nothingIsHTMLEscaped() throws {
        let fields = try Self.fields(
            Self.render(#"{"text": "{{body}}", "raw": "{{{body}}}"}"#, Self.message(text: "<b>&'</b>")))
        #expect(fields["text"] == .string("<b>&'</b>"))
        #expect(fields["raw"] == .string("<b>&'</b>"))
    }

    @Test func wholeValuesComeFromJSONFields() throws {
        let push = Self.message(
            channel: .push, to: ["tok-1", "tok \"2\""], text: "Hi", title: "Cảm ơn \"chị\"", url: nil)
        let fields = try Self.fields(
            Self.render(
                #"{"tokens": {{json.to}}, "all": {{json.addresses}}, "title": {{json.title}}, "url": {{json.url}}, "#
                    + #""variant": {{json.variant}}, "marketing": {{json.marketing}}}"#, push))
        #expect(fields["tokens"] == .list([.string("tok-1"), .string("tok \"2\"")]))
        #expect(fields["all"] == fields["tokens"])
        #expect(fields["title"] == .string("Cảm ơn \"chị\""))
        #expect(fields["url"] == .null)
        #expect(fields["variant"] == .null)
        #expect(fields["marketing"] == .bool(true))

        let sms = try Self.fields(Self.render(#"{"to": {{json.to}}, "all": {{json.addresses}}}"#, Self.message()))
        #expect(sms["to"] == .string("+84901234567"))
        #expect(sms["all"] == .list([.string("+84901234567")]))
        let nobody = try Self.fields(Self.render(#"{"to": {{json.to}}}"#, Self.message(to: [])))
        #expect(nobody["to"] == .null)
    }

    @Test func listsAndOptionalFieldsAsSections() throws {
        let template = """
            {"tokens": [{{#addresses}}"{{.}}"{{^last()}}, {{/last()}}{{/addresses}}],
             {{#title}}"title": "{{title}}",{{/title}}
             {{#marketing}}"kind": "marketing",{{/marketing}}{{^marketing}}"kind": "notice",{{/marketing}}
             "body": "{{body}}"}
            """
        let full = try Self.fields(
            Self.render(template, Self.message(channel: .push, to: ["a", "b\"c"], text: "x", title: "T\n")))
        #expect(full["tokens"] == .list([.string("a"), .string("b\"c")]))
        #expect(full["title"] == .string("T\n"))
        #expect(full["kind"] == .string("marketing"))

        let bare = try Self.fields(Self.render(template, Self.message(channel: .push, to: [], marketing: false)))
        #expect(bare["tokens"] == .list([]))
        #expect(bare["title"] == nil)
        #expect(bare["kind"] == .string("notice"))
    }

    @Test func helpersWorkOnTheTextThenEscape() throws {
        let fields = try Self.fields(
            Self.render(
                #"{"t": "{{uppercased(title)}}", "n": {{count(addresses)}}}"#, Self.message(title: "ưu \"đãi\"\n")))
        #expect(fields["t"] == .string("ƯU \"ĐÃI\"\n"))
        #expect(fields["n"] == .number(1))
    }

    @Test func absentFieldsRenderAsNothing() throws {
        let fields = try Self.fields(Self.render(#"{"title": "{{title}}", "variant": "{{variant}}"}"#, Self.message()))
        #expect(fields["title"] == .string(""))
        #expect(fields["variant"] == .string(""))
        let withVariant = try Self.fields(Self.render(#"{"variant": "{{variant}}"}"#, Self.message(variant: "b")))
        #expect(withVariant["variant"] == .string("b"))
    }

    @Test func withoutATemplateTheBodyIsTheStandardOne() throws {
        let message = Self.message()
        #expect(try HTTPBody.render(message, template: nil, in: .empty).get() == HTTPStandardBody.bytes(for: message))
    }

    // MARK: refusals

    @Test func aTemplateThatDoesNotProduceJSONFailsForGood() throws {
        let result = Self.render(#"{"text": {{body}}}"#, Self.message())
        guard case .failure(let error) = result, case .notJSON(let syntax) = error.problem else {
            Issue.record("accepted: \(result)")
            return
        }
        #expect(syntax.line == 1)
        #expect(
            error.description.hasPrefix(
                "the http body template 'body.json.mustache' did not produce JSON (rendered line 1, column 10: "))
        #expect(error.description.contains(#"write text fields inside quotes ("{{body}}")"#))
        // The customer's text is not quoted in the error (it ends up in the dispatch log).
        #expect(!error.description.contains("Lan"))
        guard case .failed(_, let permanent, let retryAfter) = error.deliveryResult else {
            Issue.record("not a failure")
            return
        }
        #expect(permanent && retryAfter == nil)
    }

    @Test(arguments: ["", "   \n", #"{"a": 1} {"b": 2}"#, #"{"text": "{{body}}""#, #"["{{body}}",]"#])
    func otherNonJSONIsRefused(_ template: String) {
        guard case .failure(let error) = Self.render(template, Self.message()) else {
            Issue.record("accepted \(template.debugDescription)")
            return
        }
        #expect(error.description.contains("did not produce JSON"))
    }

    @Test func aMissingTemplateIsRetried() {
        let result = HTTPBody.render(Self.message(), template: "gone.json.mustache", in: .empty)
        guard case .failure(let error) = result else {
            Issue.record("rendered without a template")
            return
        }
        #expect(
            error.deliveryResult
                == .failed(
                    error: "the http body template 'gone.json.mustache' is not loaded; put it in the templates folder "
                        + "and reload", permanent: false, retryAfter: nil))
    }

    @Test func theShippedPushBodyIsJSON() throws {
        let text = try String(
            contentsOf: CampaignLoadingTests.repository.appendingPathComponent("templates/push-body.json.mustache"),
            encoding: .utf8)
        let push = Self.message(
            channel: .push, to: ["tok-1", "tok-2"], text: Self.vietnamese, title: "Sắp hết \"dung lượng\"",
            url: "shop://account/plan")
        let fields = try Self.fields(
            HTTPBody.render(
                push, template: "push-body.json.mustache", in: Self.templates(text, name: "push-body.json.mustache")))
        #expect(fields["tokens"] == .list([.string("tok-1"), .string("tok-2")]))
        guard case .map(let notification)? = fields["notification"], case .map(let data)? = fields["data"] else {
            Issue.record("no notification or data: \(fields)")
            return
        }
        #expect(notification["title"] == .string("Sắp hết \"dung lượng\""))
        #expect(notification["body"] == .string(Self.vietnamese))
        #expect(data["url"] == .string("shop://account/plan"))
        #expect(data["key"] == .string(push.key))
    }
}
