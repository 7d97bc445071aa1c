import Foundation
import Mustache

/// Renders a step's template for one customer into the content of a message (SPEC §7). Pure: the same input
/// renders the same message.
///
/// - Email: `subject` on one line, optional `preheader`, `html` from the body (HTML-escaped), `text` from
///   `<name>.email.txt.mustache` when there is one, else derived from the HTML.
/// - SMS: `text`.
/// - Push: `title` on one line, optional `url`, the body as `text`.
public enum MessageRenderer {
    public static func render(_ input: RenderInput, templates: TemplateSet) -> Result<MessageContent, RenderError> {
        let channel = input.step.channel
        let name = input.templateName
        guard let template = templates.message(name, for: channel) else {
            return .failure(.missingTemplate(name, channel))
        }
        let root = TemplateContext.root(for: input)
        func render(_ part: CompiledTemplate?) -> String? {
            part.map { $0.template.render(root, library: templates.library) }
        }
        func line(_ part: CompiledTemplate?) -> String? {
            render(part).map(TextCleanup.singleLine).flatMap { $0.isEmpty ? nil : $0 }
        }
        func empty(_ part: String) -> Result<MessageContent, RenderError> {
            .failure(.emptyPart(template: name, channel: channel, part: part))
        }

        var content = MessageContent(
            text: "", unsubscribeURL: input.unsubscribeURL, recommendedSKUs: input.recommendations.map(\.sku),
            offerExpiresAt: input.offer?.expiresAt)
        switch channel {
        case .email:
            guard let subject = line(template.subject) else { return empty("subject") }
            let html = render(template.body) ?? ""
            content.subject = subject
            content.preheader = line(template.preheader)
            content.html = html
            content.text = render(template.text).map(TextCleanup.block) ?? HTMLText.plainText(html)
        case .sms:
            content.text = TextCleanup.block(render(template.body) ?? "")
            guard !content.text.isEmpty else { return empty("text") }
        case .push:
            guard let title = line(template.title) else { return empty("title") }
            content.title = title
            content.url = render(template.url).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .flatMap { $0.isEmpty ? nil : $0 }
            content.text = TextCleanup.block(render(template.body) ?? "")
        }
        return .success(content)
    }
}
