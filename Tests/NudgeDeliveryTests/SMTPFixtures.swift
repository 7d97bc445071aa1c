import Foundation
import NudgeCore
import NudgeDelivery
import NudgeTesting

/// Messages, settings and read-back helpers shared by the tests against real SMTP servers.
enum SMTPFixtures {
    static let now = Date(timeIntervalSince1970: 1_795_748_400)
    static let subject = "Ưu đãi dành riêng cho chị Lan — giảm 15%"
    static let from = "Cửa hàng Điện thoại Sài Gòn <shop@example.vn>"
    static let text =
        "Chào chị Lan,\n\nPhụ kiện hợp với chiếc điện thoại mới: ốp lưng, tai nghe, sạc nhanh.\n"
        + "Nhập mã LAN15 để được giảm 15% — chỉ đến hết Chủ nhật.\n\nTrân trọng,\nĐội ngũ cửa hàng"
    static let html =
        "<html><body><h1>Ưu đãi dành riêng cho chị Lan</h1>"
        + "<p>Ốp lưng silicon <b>250.000 ₫</b>, tai nghe không dây <b>1.290.000 ₫</b>.</p>"
        + "<p>Mã giảm giá: <code>LAN15</code> — giảm 15%.</p></body></html>"
    static let unsubscribeURL = "https://shop.example.vn/u/lan?sig=3f9a"

    static func message(
        key: String = "phone-accessories/accessories-email/lan/1", recipient: Recipient? = nil,
        subject: String = subject
    ) -> OutboxMessage {
        OutboxMessage(
            key: key, campaign: "phone-accessories", step: "accessories-email", customerID: "lan", channel: .email,
            recipient: recipient ?? Recipient(addresses: ["lan@example.vn"], name: "Nguyễn Thị Lan"),
            content: MessageContent(subject: subject, html: html, text: text, unsubscribeURL: unsubscribeURL),
            nextAttemptAt: now, createdAt: now, isMarketing: true)
    }

    /// An `smtp` channel to `peer` (its self-signed certificate trusted when it has one).
    static func settings(
        _ peer: PeerProcess, startTLS: SMTPTransport.StartTLS = .off, username: String? = nil,
        password: String? = nil, scheme: String = "smtp"
    ) -> SMTPTransport {
        let certificate = peer.file("cert.pem").path
        let caFile = FileManager.default.fileExists(atPath: certificate) ? certificate : nil
        return SMTPTransport(
            url: "\(scheme)://127.0.0.1:\(peer.port)", startTLS: startTLS, username: username,
            password: password.map(Secret.init), from: from, tls: TLSSettings(caFile: caFile, verify: true))
    }

    /// The message files an aiosmtpd sink saved, by number (`000001.json`).
    static func aiosmtpdMessages(_ peer: PeerProcess) -> [String] {
        peer.files(in: "mail").filter { $0.hasSuffix(".json") }
    }

    /// The envelope and decoded headers aiosmtpd saved for its message `name` (`000001.json`).
    static func aiosmtpdRecord(_ peer: PeerProcess, _ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: peer.file("mail/" + name))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// An email as Python's email package reads it: decoded headers in order, text and HTML bodies.
    struct ParsedEmail {
        var headers: [(name: String, value: String)]
        var text: String?
        var html: String?
        var defects: [String]

        func values(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }

        func value(_ name: String) -> String? { values(name).first }
    }

    static func parse(_ eml: URL) async throws -> ParsedEmail {
        let script = PeerProcess.scripts.appendingPathComponent("parse_email.py").path
        let run = try await ChildProcess.run("/usr/bin/env", ["python3", script, eml.path])
        guard run.status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
        else { throw PeerError("parse_email.py failed: \(run.output)") }
        let headers = (json["headers"] as? [[String]] ?? []).map { (name: $0[0], value: $0[1]) }
        return ParsedEmail(
            headers: headers, text: json["text"] as? String, html: json["html"] as? String,
            defects: json["defects"] as? [String] ?? [])
    }
}

extension DeliveryResult {
    /// The failure's text and whether it is permanent; nil when sent.
    var failure: (error: String, permanent: Bool)? {
        guard case .failed(let error, let permanent, _) = self else { return nil }
        return (error, permanent)
    }
}
