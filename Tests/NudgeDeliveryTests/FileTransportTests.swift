import Foundation
import NudgeCore
import NudgeDelivery
import Testing

@Suite("FileTransport")
struct FileTransportTests {
    static let now = Date(timeIntervalSince1970: 1_795_748_400)
    static let subject = "Giảm giá 50% cho phụ kiện điện thoại — chỉ hôm nay!"

    /// A fresh folder of its own for each test.
    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-file-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func message(
        _ channel: Channel, key: String = "phone-accessories/first/c42/7", recipient: Recipient? = nil,
        content: MessageContent? = nil
    ) -> OutboxMessage {
        let defaultRecipient: Recipient
        switch channel {
        case .email: defaultRecipient = Recipient(addresses: ["lan@example.vn"], name: "Nguyễn Thị Lan")
        case .sms: defaultRecipient = Recipient(addresses: ["+84901234567"])
        case .push: defaultRecipient = Recipient(addresses: ["token-a", "token-b"])
        }
        let defaultContent: MessageContent
        switch channel {
        case .email:
            defaultContent = MessageContent(
                subject: subject, preheader: "Ốp lưng & tai nghe", html: "<html><body><p>Chào Lan</p></body></html>",
                text: "Chào Lan,\n\nỐp lưng silicon: 1.250.000 ₫\n",
                unsubscribeURL: "https://shop.example/u/c42?sig=abc")
        case .sms: defaultContent = MessageContent(text: "Lan ơi, mã BF50 / hết hạn 27/11/2026 10:00")
        case .push:
            defaultContent = MessageContent(
                text: "Bạn đã dùng hơn 90% gói Cơ bản.", title: "Sắp đạt giới hạn", url: "shop://account/plan?from=x")
        }
        return OutboxMessage(
            key: key, campaign: "phone-accessories", step: "first", customerID: "c42", channel: channel,
            recipient: recipient ?? defaultRecipient, content: content ?? defaultContent, nextAttemptAt: now,
            createdAt: now)
    }

    static func json(at path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func emailIsAnEMLFileInTheChannelFolder() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let delivery = FileDelivery(directory: folder, emailFrom: "Cửa hàng <shop@example.vn>")

        let path = try delivery.deliver(Self.message(.email), now: Self.now)

        #expect(path.hasPrefix(folder + "/email/") && path.hasSuffix(".eml"))
        #expect(!path.dropFirst(folder.count + "/email/".count).contains("/"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("From: =?UTF-8?B?"))
        #expect(
            text.contains(
                "\r\nMessage-ID: " + EmailDocument.messageID(forKey: "phone-accessories/first/c42/7") + "\r\n"))
        #expect(text.contains("\r\nList-Unsubscribe: <https://shop.example/u/c42?sig=abc>\r\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["email"])
    }

    @Test func smsAndPushAreJSON() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let delivery = FileDelivery(directory: folder, emailFrom: "shop@example.vn")

        let smsPath = try delivery.deliver(Self.message(.sms), now: Self.now)
        #expect(smsPath.hasPrefix(folder + "/sms/") && smsPath.hasSuffix(".json"))
        let sms = try Self.json(at: smsPath)
        #expect(Set(sms.keys) == ["key", "channel", "to", "title", "body", "url", "campaign", "step", "customer_id"])
        #expect(sms["key"] as? String == "phone-accessories/first/c42/7")
        #expect(sms["channel"] as? String == "sms")
        #expect(sms["to"] as? String == "+84901234567")
        #expect(sms["body"] as? String == "Lan ơi, mã BF50 / hết hạn 27/11/2026 10:00")
        #expect(sms["title"] is NSNull && sms["url"] is NSNull)
        #expect(sms["campaign"] as? String == "phone-accessories")
        #expect(sms["step"] as? String == "first")
        #expect(sms["customer_id"] as? String == "c42")
        // UTF-8 as is, slashes unescaped, keys sorted.
        let raw = try String(contentsOfFile: smsPath, encoding: .utf8)
        #expect(raw.contains("Lan ơi, mã BF50 / hết hạn"))
        let keyOrder = ["body", "campaign", "channel", "customer_id", "key", "step", "title", "to", "url"]
            .compactMap { raw.range(of: "\"\($0)\"")?.lowerBound }
        #expect(keyOrder == keyOrder.sorted() && keyOrder.count == 9)

        let pushPath = try delivery.deliver(Self.message(.push), now: Self.now)
        #expect(pushPath.hasPrefix(folder + "/push/"))
        let push = try Self.json(at: pushPath)
        #expect(push["to"] as? [String] == ["token-a", "token-b"])
        #expect(push["title"] as? String == "Sắp đạt giới hạn")
        #expect(push["url"] as? String == "shop://account/plan?from=x")
        #expect(push["body"] as? String == "Bạn đã dùng hơn 90% gói Cơ bản.")
    }

    @Test func redeliveryOverwritesTheSameFile() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let delivery = FileDelivery(directory: folder, emailFrom: "shop@example.vn")

        let first = try delivery.deliver(Self.message(.sms), now: Self.now)
        let again = try delivery.deliver(
            Self.message(.sms, content: MessageContent(text: "second")), now: Self.now.addingTimeInterval(60))

        #expect(first == again)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder + "/sms") == [
                (first as NSString).lastPathComponent
            ])
        #expect(try Self.json(at: first)["body"] as? String == "second")
    }

    @Test func fileNamesAreSafeAndUniquePerKey() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let delivery = FileDelivery(directory: folder, emailFrom: "shop@example.vn")

        let keys = ["a/b/c/1", "a_b_c_1", "../../etc/passwd", "khách hàng/ü/1", String(repeating: "x", count: 400)]
        var paths: Set<String> = []
        for key in keys {
            let path = try delivery.deliver(Self.message(.sms, key: key), now: Self.now)
            #expect(path.hasPrefix(folder + "/sms/"))
            let name = (path as NSString).lastPathComponent
            #expect(!name.hasPrefix(".") && name.utf8.count < 200)
            #expect(name.unicodeScalars.allSatisfy { $0.isASCII && $0 != "/" })
            paths.insert(path)
        }
        #expect(paths.count == keys.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/sms").count == keys.count)
        #expect(
            FileDelivery.fileName(forKey: "a/b/c/1", channel: .email)
                == FileDelivery.fileName(forKey: "a/b/c/1", channel: .email))
    }

    @Test func anUnwritableFolderIsAClearError() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A file where the outbox folder should be: fails even for root, unlike permissions.
        let blocker = folder + "/outbox"
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: blocker))
        let delivery = FileDelivery(directory: blocker, emailFrom: "shop@example.vn")

        #expect {
            try delivery.deliver(Self.message(.sms), now: Self.now)
        } throws: { error in
            guard let error = error as? FileDeliveryError else { return false }
            return error.message == "cannot create the outbox folder \(blocker)/sms: \(blocker) is a file, not a folder"
        }
    }

    @Test func aFailedWriteIsAClearErrorAndLeavesNothingBehind() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let message = Self.message(.sms)
        // A folder where the message's file should be: the rename cannot replace it.
        let target = folder + "/sms/" + FileDelivery.fileName(forKey: message.key, channel: .sms)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)

        #expect {
            try FileDelivery(directory: folder, emailFrom: "shop@example.vn").deliver(message, now: Self.now)
        } throws: { error in
            (error as? FileDeliveryError)?.message == "cannot write \(target): Is a directory"
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder + "/sms") == [
                (target as NSString).lastPathComponent
            ])
    }

    @Test func pythonsEmailPackageReadsTheEML() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let delivery = FileDelivery(directory: folder, emailFrom: "Cửa hàng Điện thoại <shop@example.vn>")
        let message = Self.message(.email)
        let path = try delivery.deliver(message, now: Self.now)

        let script = """
            import email, json, sys
            from email import policy
            with open(sys.argv[1], 'rb') as f:
                msg = email.message_from_bytes(f.read(), policy=policy.default)
            def defects(part):
                return [type(d).__name__ for d in part.defects]
            result = {
                'subject': str(msg['subject']), 'from': str(msg['from']), 'to': str(msg['to']),
                'message_id': str(msg['message-id']), 'unsubscribe': str(msg['list-unsubscribe']),
                'text': msg.get_body(preferencelist=('plain',)).get_content(),
                'html': msg.get_body(preferencelist=('html',)).get_content(),
                'defects': defects(msg) + [d for part in msg.walk() for d in defects(part)],
            }
            print(json.dumps(result))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus != 127 else {
            print("python3 is not installed: skipping the cross-check with Python's email package")
            return
        }
        #expect(process.terminationStatus == 0)
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(result["subject"] as? String == Self.subject)
        #expect(result["from"] as? String == "Cửa hàng Điện thoại <shop@example.vn>")
        #expect(result["to"] as? String == "Nguyễn Thị Lan <lan@example.vn>")
        #expect(result["message_id"] as? String == EmailDocument.messageID(forKey: message.key))
        #expect(result["unsubscribe"] as? String == "<https://shop.example/u/c42?sig=abc>")
        let text = (result["text"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text == message.content.text)
        let html = try #require((result["html"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n"))
        #expect(html.contains("<p>Chào Lan</p>") && html.contains(">Ốp lưng &amp; tai nghe</div>"))
        #expect((result["defects"] as? [String]) == [])
    }
}
