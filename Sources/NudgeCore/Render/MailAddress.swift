import Foundation

/// An email address with an optional display name, read from `Shop <shop@example.vn>`,
/// `"Shop, Inc." <shop@example.vn>` or a bare `shop@example.vn`.
public struct MailAddress: Sendable, Hashable {
    public var name: String?
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }

    public init(parsing text: String) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasSuffix(">"), let open = text.lastIndex(of: "<") else {
            self.init(name: nil, address: text)
            return
        }
        var name = text[..<open].trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast())
                .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        }
        let address = text[text.index(after: open)..<text.index(before: text.endIndex)]
        self.init(name: name.isEmpty ? nil : name, address: address.trimmingCharacters(in: .whitespaces))
    }
}
