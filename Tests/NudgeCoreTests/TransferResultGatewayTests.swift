import Foundation
import Testing

@testable import NudgeCore

/// A finished transfer seen as an HTTP gateway's attempt, the input of the gateways' outcome decisions.
@Suite struct TransferResultGatewayTests {
    @Test func anAnswerBecomesAReply() {
        let body = Array(#"{"id":"m-1"}"#.utf8)
        let result = TransferResult.response(code: 429, headers: ["retry-after": "3", "x-a": "b"], body: body)
        #expect(
            result.gatewayAttempt
                == .success(GatewayReply(status: 429, headers: ["Retry-After": "3", "X-A": "b"], body: body)))
        guard case .success(let reply) = result.gatewayAttempt else { return }
        #expect(reply.header("Retry-After") == "3")
    }

    @Test func headerNamesAreLowerCasedAndRepeatsJoined() {
        let lowered = ["retry-after": "3", "x-tiếng-việt": "có"]
        #expect(GatewayReply(status: 200, headers: lowered).headers == lowered)
        #expect(
            GatewayReply(status: 200, headers: ["X-Tiếng-VIỆT": "có", "Retry-After": "3"]).headers
                == ["x-tiếng-việt": "có", "retry-after": "3"])
        let repeated = GatewayReply(status: 200, headers: ["X-A": "1", "x-a": "2"]).headers["x-a"]
        #expect(repeated == "1, 2" || repeated == "2, 1")
    }

    @Test(arguments: [
        (TransferErrorCategory.couldNotConnect, GatewayFailure.connectionFailed("Failed to connect")),
        (.timeout, .timedOut("Failed to connect")),
        (.tls, .tls("Failed to connect")),
        (.sendReceive, .dropped("Failed to connect")),
        (.other, .other("Failed to connect")),
    ])
    func eachKindOfNoAnswerHasItsFailure(_ category: TransferErrorCategory, _ failure: GatewayFailure) {
        #expect(
            TransferResult.transportError(category, message: "Failed to connect").gatewayAttempt == .failure(failure))
    }

    @Test func everyCategoryIsMapped() {
        // A new category must be mapped on purpose: each one lands on a distinct failure.
        let failures = TransferErrorCategory.allCases.map {
            TransferResult.transportError($0, message: "").gatewayAttempt
        }
        #expect(Set(failures.map { "\($0)" }).count == TransferErrorCategory.allCases.count)
    }

    @Test func theHTTPOutcomeOfMappedResults() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let limited = TransferResult.response(code: 429, headers: ["retry-after": "7"], body: [])
        #expect(
            HTTPOutcome.decide(limited.gatewayAttempt, now: now)
                == .failed(error: "the gateway answered HTTP 429", permanent: false, retryAfter: 7))
        let timedOut = TransferResult.transportError(.timeout, message: "Operation timed out after 1001 milliseconds")
        #expect(
            HTTPOutcome.decide(timedOut.gatewayAttempt, now: now)
                == .failed(
                    error: "timed out: Operation timed out after 1001 milliseconds", permanent: false, retryAfter: nil))
    }
}
