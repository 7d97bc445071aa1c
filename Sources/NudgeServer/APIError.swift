import Foundation
import Hummingbird
import NudgeCore

/// An error the API reports as `{"error": {"code", "message", "details"?}}` with its HTTP status (SPEC §11).
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: [RecordError]?

    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [RecordError]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    var response: Response {
        var error: [String: Value] = ["code": .string(code), "message": .string(message)]
        if let details {
            error["details"] = .list(
                details.map { .map(["index": .number(Double($0.index)), "field": .string($0.field), "error": .string($0.error)]) })
        }
        var headers = HTTPFields()
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return JSONResponse.make(status, .map(["error": .map(error)]), headers: headers)
    }

    static let notFound = APIError(.notFound, code: "not_found", message: "no such route")
}

/// Turns every error thrown below it into a JSON error response; internals never leak into the body.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as HTTPError {
            switch error.status {
            case .contentTooLarge:
                return APIError(.contentTooLarge, code: "body_too_large", message: "the request body is too large")
                    .response
            case .notFound:
                return APIError.notFound.response
            case .methodNotAllowed:
                return APIError(.methodNotAllowed, code: "method_not_allowed", message: "method not allowed").response
            default:
                return APIError(error.status, code: "http_error", message: error.body ?? "\(error.status)").response
            }
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return APIError(.internalServerError, code: "internal", message: "internal error").response
        }
    }
}
