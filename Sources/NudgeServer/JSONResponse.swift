import Foundation
import Hummingbird
import NudgeCore

/// JSON bodies for API responses: times as RFC 3339 (UTC, milliseconds), durations in seconds, UTF-8 unescaped.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ value: Value, headers: HTTPFields = HTTPFields()) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        var text = ""
        StoredJSON.write(value, to: &text, times: .plain)
        text += "\n"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
