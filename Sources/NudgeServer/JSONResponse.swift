import Foundation
import Hummingbird
import NudgeCore

/// JSON bodies for API responses: times as RFC 3339 (UTC, milliseconds), durations in seconds, UTF-8 unescaped.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ value: Value, headers: HTTPFields = HTTPFields()) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        var text = ""
        write(value, to: &text)
        text += "\n"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func write(_ value: Value, to out: inout String) {
        switch value {
        case .time(let date): StoredJSON.writeString(LogTime.format(date), to: &out)
        case .duration(let seconds): out += NumberText.format(seconds)
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .map(let fields):
            out += "{"
            for (i, key) in fields.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                StoredJSON.writeString(key, to: &out)
                out += ":"
                write(fields[key]!, to: &out)
            }
            out += "}"
        default: out += StoredJSON.encode(value)
        }
    }
}
