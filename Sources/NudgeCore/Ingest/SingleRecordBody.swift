import Foundation

/// The body of a `PUT` that upserts one record: a single JSON object.
enum SingleRecordBody {
    /// The object in `body`, or the one error that says why there is none (as record 0).
    static func object(_ body: Data, what: String) -> Result<[String: Value], [RecordError]> {
        func refuse(_ message: String) -> Result<[String: Value], [RecordError]> {
            .failure([RecordError(index: 0, field: "", error: message)])
        }
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return refuse("the request body is empty; send \(what) as a JSON object")
        }
        switch JSONText.parse(body) {
        case .failure(let error): return refuse("the body is not valid JSON: \(error)")
        case .success(.map(let fields)): return .success(fields)
        case .success(let other): return refuse("expected \(what) as a JSON object, found \(other.jsonKind)")
        }
    }

    /// Nil when `identifier` is a usable path identifier (1–200 characters on one line), else why not.
    static func identifierProblem(_ identifier: String) -> String? {
        if identifier.isEmpty { return "must not be empty" }
        if identifier.count > 200 { return "must be at most 200 characters, found \(identifier.count)" }
        if identifier.contains(where: \.isNewline) { return "must be on one line" }
        return nil
    }
}
