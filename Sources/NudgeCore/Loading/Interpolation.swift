/// Where `${…}` references in `nudge.yml` come from. The shell supplies the process environment and file
/// reading; the core only substitutes.
public struct ConfigEnvironment: Sendable {
    public var variable: @Sendable (String) -> String?
    public var readFile: @Sendable (String) -> String?

    public init(variable: @escaping @Sendable (String) -> String?, readFile: @escaping @Sendable (String) -> String?) {
        self.variable = variable
        self.readFile = readFile
    }

    /// No variables and no files: every reference is reported missing.
    public static let empty = ConfigEnvironment(variable: { _ in nil }, readFile: { _ in nil })
}

/// Substitutes `${NAME}`, `${NAME:-default}`, `${file:/path}` and `${credential:NAME}` (a systemd credential,
/// read from `$CREDENTIALS_DIRECTORY/NAME`). `$${` writes a literal `${`. A missing variable or unreadable file
/// is an error, never an empty string.
enum Interpolation {
    struct Failure: Error, Equatable {
        var message: String
    }

    static func expand(_ text: String, in environment: ConfigEnvironment) -> Result<String, Failure> {
        guard text.contains("${") else { return .success(text) }
        var output = ""
        var rest = Substring(text)
        while let dollar = rest.range(of: "${") {
            if dollar.lowerBound > rest.startIndex, rest[rest.index(before: dollar.lowerBound)] == "$" {
                output += rest[..<rest.index(before: dollar.lowerBound)] + "${"
                rest = rest[dollar.upperBound...]
                continue
            }
            output += rest[..<dollar.lowerBound]
            guard let close = rest[dollar.upperBound...].firstIndex(of: "}") else {
                return .failure(Failure(message: "unterminated '${' (missing '}')"))
            }
            let reference = String(rest[dollar.upperBound..<close])
            switch resolve(reference, in: environment) {
            case .success(let value): output += value
            case .failure(let failure): return .failure(failure)
            }
            rest = rest[rest.index(after: close)...]
        }
        return .success(output + rest)
    }

    private static func resolve(_ reference: String, in environment: ConfigEnvironment) -> Result<String, Failure> {
        if reference.hasPrefix("file:") {
            let path = String(reference.dropFirst(5))
            guard !path.isEmpty else { return .failure(Failure(message: "'${file:}' needs a path")) }
            guard let contents = environment.readFile(path) else {
                return .failure(Failure(message: "cannot read file '\(path)' named in '${file:…}'"))
            }
            return .success(trimmingFinalNewline(contents))
        }
        if reference.hasPrefix("credential:") {
            let name = String(reference.dropFirst(11))
            guard let directory = environment.variable("CREDENTIALS_DIRECTORY") else {
                return .failure(
                    Failure(message: "credential '\(name)' needs CREDENTIALS_DIRECTORY (set by systemd LoadCredential=)"))
            }
            guard let contents = environment.readFile(directory + "/" + name) else {
                return .failure(Failure(message: "cannot read credential '\(name)'"))
            }
            return .success(trimmingFinalNewline(contents))
        }
        let parts = reference.split(separator: ":-", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isIdentifierPart }) else {
            return .failure(Failure(message: "'${\(reference)}' is not a variable name"))
        }
        if let value = environment.variable(name) { return .success(value) }
        if parts.count == 2 { return .success(String(parts[1])) }
        return .failure(Failure(message: "environment variable '\(name)' is not set"))
    }

    private static func trimmingFinalNewline(_ text: String) -> String {
        var text = text
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
