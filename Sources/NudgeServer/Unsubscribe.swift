import Foundation
import Hummingbird
import NudgeCore

/// `GET|POST /u/{token}` (SPEC §11): one-click unsubscribe, authenticated by the signed token alone.
///
/// - GET shows a small confirmation page whose button POSTs back; it changes nothing, so that mail scanners
///   following links unsubscribe nobody.
/// - POST (a mail client's RFC 8058 one-click `List-Unsubscribe=One-Click`, or the page's button) records an
///   `unsubscribe` event for the token's channel at once and answers 200.
/// - A forged, altered or malformed token gets 400 and changes nothing.
extension API {
    func unsubscribePage(token: String) -> Response {
        guard let (_, channel) = UnsubscribeToken.verify(token, secret: unsubscribeSecret) else {
            return UnsubscribePage.invalid
        }
        return UnsubscribePage.confirm(channel)
    }

    func unsubscribe(_ request: Request, token: String) async throws -> Response {
        _ = try await body(request)
        guard let (customerID, channel) = UnsubscribeToken.verify(token, secret: unsubscribeSecret) else {
            return UnsubscribePage.invalid
        }
        let engine = runtime.engine
        let now = self.now()
        let event = Event(
            id: "unsubscribe/\(channel.rawValue)/\(UUID().uuidString.lowercased())", type: "unsubscribe",
            customerID: customerID, timestamp: now, properties: ["channel": .string(channel.rawValue)])
        let recorded = try await database.write { tx -> Bool in
            // A customer whose data was erased is not created again by an old link.
            guard try tx.customer(customerID) != nil else { return false }
            _ = try engine.ingest([event], into: tx, now: now)
            return true
        }
        if recorded { newWork() }
        return UnsubscribePage.done(channel)
    }
}

/// The pages of the unsubscribe route: short, in Vietnamese and English, no scripts or outside resources.
enum UnsubscribePage {
    static func confirm(_ channel: Channel) -> Response {
        page(
            .ok, title: "Hủy đăng ký",
            body: """
                <h1>Ngừng nhận tin khuyến mãi qua \(vietnamese(channel))?</h1>
                <p>Stop receiving marketing by \(english(channel))?</p>
                <form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
                <button type="submit">Hủy đăng ký · Unsubscribe</button></form>
                """)
    }

    static func done(_ channel: Channel) -> Response {
        page(
            .ok, title: "Đã hủy đăng ký",
            body: """
                <h1>Bạn đã ngừng nhận tin khuyến mãi qua \(vietnamese(channel)).</h1>
                <p>You will no longer receive marketing by \(english(channel)).</p>
                """)
    }

    static var invalid: Response {
        page(
            .badRequest, title: "Liên kết không hợp lệ",
            body: """
                <h1>Liên kết hủy đăng ký không hợp lệ.</h1>
                <p>This unsubscribe link is not valid. Please use the link from the message exactly as it is.</p>
                """)
    }

    static func vietnamese(_ channel: Channel) -> String {
        switch channel {
        case .email: "email"
        case .sms: "tin nhắn SMS"
        case .push: "thông báo đẩy"
        }
    }

    static func english(_ channel: Channel) -> String {
        switch channel {
        case .email: "email"
        case .sms: "SMS"
        case .push: "push notification"
        }
    }

    private static func page(_ status: HTTPResponse.Status, title: String, body: String) -> Response {
        let html = """
            <!doctype html>
            <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <meta name="robots" content="noindex"><title>\(title)</title></head>
            <body style="font-family: sans-serif; max-width: 34em; margin: 3em auto; padding: 0 1em">
            \(body)
            </body></html>

            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
