/// A user's file as read from disk: the path shown in diagnostics and its text.
public struct SourceFile: Sendable, Hashable {
    /// The path as the user knows it (relative to where the command ran, when it can be).
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// The file name without folders and without its last extension: `campaigns/win-back.yml` → `win-back`.
    public var stem: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[..<dot])
    }

    public var wholeFile: SourcePosition { SourcePosition(file: path, line: 0, column: 0) }
}
