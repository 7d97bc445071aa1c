import Mustache

/// A compiled Mustache template with the tags found in it, positioned in its file.
public struct CompiledTemplate: Sendable {
    public var template: MustacheTemplate
    var tags: [TemplateTag]
    /// The file the text came from; tag lines are already file lines.
    var file: String
}

/// A message template for one channel (SPEC §7), compiled at load time.
public struct MessageTemplate: Sendable {
    public var name: String
    public var channel: Channel
    public var file: String
    /// Email: `subject:` (required) and `preheader:` from the front matter.
    public var subject: CompiledTemplate?
    public var preheader: CompiledTemplate?
    /// Push: `title:` (required) and `url:` (deep link) from the front matter.
    public var title: CompiledTemplate?
    public var url: CompiledTemplate?
    /// The body: HTML for email (escaped by default), plain text for SMS and push.
    public var body: CompiledTemplate
    /// Email: the plain-text part from `<name>.email.txt.mustache`, if there is one.
    public var text: CompiledTemplate?

    /// Every compiled part, for checks that apply to all of them.
    var parts: [CompiledTemplate] {
        [subject, preheader, title, url, body, text].compactMap { $0 }
    }
}

/// All templates of a templates folder: message templates by channel and name, other templates
/// (such as HTTP body templates) by file name, and partials.
public struct TemplateSet: Sendable {
    public var messages: [Channel: [String: MessageTemplate]]
    /// Templates that are not message templates, by file name (`push-body.json.mustache`).
    public var others: [String: CompiledTemplate]
    /// Partials by name, also registered in `library` for rendering.
    var partials: [String: CompiledTemplate]
    public var library: MustacheLibrary
    /// `name.channel` of message templates that exist but failed to compile (already reported).
    var broken: Set<String>
    /// Partials that exist but failed to compile (already reported).
    var brokenPartials: Set<String>

    public static let empty = TemplateSet(
        messages: [:], others: [:], partials: [:], library: MustacheLibrary(), broken: [], brokenPartials: [])

    public func message(_ name: String, for channel: Channel) -> MessageTemplate? {
        messages[channel]?[name]
    }
}
