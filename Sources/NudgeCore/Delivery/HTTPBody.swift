import Mustache

/// The JSON body the `http` transport posts for a message (SPEC §8): the channel's `body:` template rendered
/// over `HTTPBodyFields`, or the standard body (`HTTPStandardBody`) when the channel names none.
///
/// A rendered body must parse as JSON: a gateway would refuse anything else, or worse, half-read it. `nudge
/// check` renders each body template for a sample message with awkward text, so a template that misplaces its
/// quotes is usually caught before it sends anything.
public enum HTTPBody {
    /// The body for `message`: `template` (a file name in `templates.others`) rendered, or the standard body
    /// when `template` is nil.
    public static func render(
        _ message: OutboxMessage, template name: String?, in templates: @autoclosure () -> TemplateSet
    ) -> Result<[UInt8], HTTPBodyError> {
        guard let name else { return .success(HTTPStandardBody.bytes(for: message)) }
        let templates = templates()
        guard let template = templates.others[name] else {
            return .failure(HTTPBodyError(template: name, problem: .missingTemplate))
        }
        return render(message, with: template, named: name, library: templates.library)
    }

    /// The body for `message` from a compiled template; `name` is for the error.
    static func render(
        _ message: OutboxMessage, with template: CompiledTemplate, named name: String, library: MustacheLibrary
    ) -> Result<[UInt8], HTTPBodyError> {
        let text = template.template.render(HTTPBodyFields.root(for: message), library: library)
        let bytes = Array(text.utf8)
        if case .failure(let error) = JSONText.parse(bytes) {
            return .failure(HTTPBodyError(template: name, problem: .notJSON(error)))
        }
        return .success(bytes)
    }
}

/// Why the body for a message cannot be built. The text never quotes the rendered body: it holds the
/// customer's message.
public struct HTTPBodyError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable {
        /// The template is not among the loaded templates (renamed since startup, then reloaded).
        case missingTemplate
        /// The rendered body is not JSON; the error is positioned in the rendered text.
        case notJSON(JSONSyntaxError)
    }

    /// The template's file name (`push-body.json.mustache`).
    public var template: String
    public var problem: Problem

    public init(template: String, problem: Problem) {
        self.template = template
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .missingTemplate:
            return "the http body template '\(template)' is not loaded; put it in the templates folder and reload"
        case .notJSON(let error):
            return "the http body template '\(template)' did not produce JSON (rendered \(error)); "
                + "write text fields inside quotes (\"{{body}}\") and whole values without them ({{json.to}})"
        }
    }

    /// The error as a delivery outcome: a body that is not JSON fails the message for good (the same template
    /// renders the same body again); a missing template is retried, since the operator can restore it.
    public var deliveryResult: DeliveryResult {
        switch problem {
        case .missingTemplate: .failed(error: description, permanent: false, retryAfter: nil)
        case .notJSON: .failed(error: description, permanent: true, retryAfter: nil)
        }
    }
}
