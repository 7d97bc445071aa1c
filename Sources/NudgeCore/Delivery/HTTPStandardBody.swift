/// The JSON body the `http` transport posts when the channel names no body template (SPEC §8):
///
/// ```json
/// {"key":"…","channel":"push","to":["tok1","tok2"],"title":"…","body":"…","url":null,
///  "campaign":"…","step":"…","customer_id":"…"}
/// ```
///
/// `to` is the list of push tokens for push, and the one address (phone number, email address) otherwise, or
/// null when there is none; `title` and `url` are null when absent. Fields come in this order. Non-ASCII text
/// (Vietnamese) is written as UTF-8; quotes, backslashes and control characters are escaped.
public enum HTTPStandardBody {
    /// The body for `message`, as JSON text.
    public static func json(for message: OutboxMessage) -> String {
        String(decoding: bytes(for: message), as: UTF8.self)
    }

    /// The body for `message`, as the UTF-8 bytes to send: written byte by byte into one buffer, since every
    /// message of an `http` channel without a body template pays for it.
    public static func bytes(for message: OutboxMessage) -> [UInt8] {
        let content = message.content
        let addresses = message.recipient.addresses
        var out: [UInt8] = []
        out.reserveCapacity(
            128 + message.key.utf8.count + content.text.utf8.count + (content.title?.utf8.count ?? 0)
                + (content.url?.utf8.count ?? 0) + addresses.reduce(0) { $0 + $1.utf8.count + 3 }
                + message.campaign.utf8.count + message.step.utf8.count + message.customerID.utf8.count)
        JSONBytes.appendLiteral("{\"key\":", to: &out)
        JSONBytes.appendString(message.key, to: &out)
        JSONBytes.appendLiteral(",\"channel\":", to: &out)
        JSONBytes.appendString(message.channel.rawValue, to: &out)
        JSONBytes.appendLiteral(",\"to\":", to: &out)
        if message.channel == .push {
            out.append(UInt8(ascii: "["))
            for (index, address) in addresses.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONBytes.appendString(address, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        } else {
            JSONBytes.appendString(orNull: addresses.first, to: &out)
        }
        JSONBytes.appendLiteral(",\"title\":", to: &out)
        JSONBytes.appendString(orNull: content.title, to: &out)
        JSONBytes.appendLiteral(",\"body\":", to: &out)
        JSONBytes.appendString(content.text, to: &out)
        JSONBytes.appendLiteral(",\"url\":", to: &out)
        JSONBytes.appendString(orNull: content.url, to: &out)
        JSONBytes.appendLiteral(",\"campaign\":", to: &out)
        JSONBytes.appendString(message.campaign, to: &out)
        JSONBytes.appendLiteral(",\"step\":", to: &out)
        JSONBytes.appendString(message.step, to: &out)
        JSONBytes.appendLiteral(",\"customer_id\":", to: &out)
        JSONBytes.appendString(message.customerID, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
